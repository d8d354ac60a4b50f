import { Permissions, type PermissionsConfig, type SubjectPermission } from '@switchboard/accounts';
import type { SubjectPermissionJson } from './leaf-handshake.js';

// What may cross one leaf connection, in nats-server's layout for a LEAF client (its
// processLeafNodeConnect swaps a hub's user permissions; a spoke takes them from the hub's INFO):
//   `publish`   what this side may send over the connection (deliveries, and which of the other
//               side's LS+ it accepts),
//   `subscribe` what this side may receive (its own LS+, and the messages it takes in).
// On a hub for a leaf user U: publish = U's subscribe permissions (+ the leaf's deny_pub),
// subscribe = U's publish permissions. On a spoke: publish = the hub's `export` (+ deny_exports),
// subscribe = the hub's `import` (+ deny_imports).

/** A hub's permissions for a leaf connecting as a user with `user` permissions (null = none). */
export function hubLeafPermissions(user: PermissionsConfig | null, denyPub: string[]): Permissions | null {
  const publish = withDeny(user?.subscribe, denyPub);
  const subscribe = user?.publish;
  return publish || subscribe ? new Permissions({ ...(publish && { publish }), ...(subscribe && { subscribe }) }) : null;
}

/** A spoke's permissions from the hub's INFO (`import`/`export`, possibly absent) and its remote's denies. */
export function spokeLeafPermissions(
  imports: SubjectPermissionJson | null,
  exports: SubjectPermissionJson | null,
  denyImports: string[],
  denyExports: string[],
): Permissions | null {
  const publish = withDeny(exports ?? undefined, denyExports);
  const subscribe = withDeny(imports ?? undefined, denyImports);
  return publish || subscribe ? new Permissions({ ...(publish && { publish }), ...(subscribe && { subscribe }) }) : null;
}

/** The user permissions a hub sends back in INFO: `import` = subscribe, `export` = publish. */
export function infoPermissions(user: PermissionsConfig | null): { imports: SubjectPermissionJson | null; exports: SubjectPermissionJson | null } {
  return { imports: subjectPermissionJson(user?.subscribe), exports: subjectPermissionJson(user?.publish) };
}

function withDeny(p: SubjectPermission | undefined, deny: string[]): SubjectPermission | undefined {
  if (deny.length === 0) return p && (p.allow || p.deny?.length) ? p : undefined;
  return { ...(p?.allow && { allow: p.allow }), deny: [...(p?.deny ?? []), ...deny] };
}

/** One direction as INFO's `import`/`export` carries it (nats-server's SubjectPermission, omitempty); null = none. */
export function subjectPermissionJson(p: SubjectPermission | undefined): SubjectPermissionJson | null {
  if (!p || (!p.allow && !p.deny?.length)) return null;
  return { ...(p.allow && { allow: p.allow }), ...(p.deny?.length && { deny: p.deny }) };
}

/** May `subject` be sent over the connection (a delivery, or the other side's interest in it)? */
export function maySend(p: Permissions | null, subject: string): boolean {
  return p === null || p.canPublish(subject);
}

/** May this side receive `subject` (its own interest, or a message coming in)? Wildcards as written. */
export function mayReceive(p: Permissions | null, subject: string): boolean {
  return p === null || p.canSubscribe(subject, '');
}
