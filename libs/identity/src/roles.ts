// A person's role in a tenant (member row) and what it may do through the API.
export const MEMBER_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
/** Roles an invite or an admin can hand out (owner comes only with sign-up). */
export const ASSIGNABLE_ROLES = ['admin', 'member', 'viewer'] as const;
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

export type ApiRole = 'operator_admin' | 'tenant_admin' | 'tenant_member' | 'tenant_viewer';

/** The API role a member acts with: owners and admins manage the tenant, members work in it, viewers only read. */
export function apiRoleOf(role: MemberRole): ApiRole {
  switch (role) {
    case 'owner':
    case 'admin':
      return 'tenant_admin';
    case 'member':
      return 'tenant_member';
    case 'viewer':
      return 'tenant_viewer';
  }
}

/** Read-only roles may only use safe methods. */
export const READ_ONLY_ROLES: readonly ApiRole[] = ['tenant_viewer'];

export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why `actor` may not change `target`'s membership (undefined = allowed): the last owner stays, and
 * only an owner touches an owner.
 */
export function memberChangeProblem(actor: MemberRole, target: MemberRole, owners: number, change: 'remove' | MemberRole): string | undefined {
  if (target === 'owner' && actor !== 'owner') return 'Only an owner can change another owner.';
  if (change === 'owner' && actor !== 'owner') return 'Only an owner can make someone an owner.';
  if (target === 'owner' && change !== 'owner' && owners <= 1) return 'A tenant keeps at least one owner: make someone else owner first.';
  return undefined;
}
