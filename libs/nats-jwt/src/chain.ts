import type { AccountClaims, UserScope } from './account-claims.js';
import { findSigningKey } from './account-claims.js';
import { decodeSig } from './base64.js';
import { CONNECTION_TYPES, isRevoked, type ConnectionType, type Permissions, type UserPermissionLimits } from './claims.js';
import { JwtError } from './errors.js';
import { verify } from './jwt.js';
import { checkAccount, type AccountFailureCode } from './account-check.js';
import { verifySignature } from './nkey.js';
import { applyUserScope, TemplateError } from './scope-template.js';
import { sourceAllowed } from './src-limits.js';
import { connectWindow } from './times.js';
import type { Trust } from './trust.js';
import { userAccount, type UserClaims } from './user-claims.js';
import { srcList, validateUser } from './validate.js';

// The checks nats-server makes when a client connects with a user JWT (server/auth.go,
// processClientOrLeafAuthentication), as one pure function: no sockets, no clock but `now`.

export type AuthFailureCode =
  | 'user_jwt_invalid'
  | 'user_expired'
  | 'user_not_yet_valid'
  | 'user_claims_invalid'
  | AccountFailureCode
  | 'user_issuer_unknown'
  | 'scoped_user_not_empty'
  | 'scope_template_invalid'
  | 'bearer_not_allowed'
  | 'connection_type_not_allowed'
  | 'signature_missing'
  | 'signature_invalid'
  | 'nkey_mismatch'
  | 'user_revoked'
  | 'source_not_allowed'
  | 'outside_connect_times';

export interface AuthorizeRequest {
  /** `jwt` from CONNECT. */
  userJwt: string;
  /** The JWT of the user's account (issuer_account, else iss of the user JWT), found by the caller. */
  accountJwt: string;
  trust: Trust;
  /** The nonce sent in INFO (its bytes as sent; a string is taken as its UTF-8 bytes). */
  nonce?: Uint8Array | string;
  /** `sig` from CONNECT: raw base64url or standard base64 of the nonce signature. */
  sig?: string;
  /** `nkey` from CONNECT, if sent: must then be the user JWT's subject. */
  nkey?: string;
  /** Client address, for `src` limits. */
  clientIp?: string;
  connectionType?: ConnectionType;
  /** Epoch milliseconds (default Date.now()). */
  now?: number;
}

export interface EffectiveLimits {
  /** -1 = unlimited. A limit the user JWT omits is unlimited. */
  subs: number;
  data: number;
  payload: number;
}

export interface Authorized {
  ok: true;
  user: string;
  userName: string;
  account: string;
  accountName: string;
  /** The signing key that issued the user JWT, when not the account key itself. */
  signingKey?: string;
  /** Role of the scoped signing key used, if any. */
  scopeRole?: string;
  /** Effective permissions; undefined = everything allowed. */
  permissions?: Permissions;
  /** True when the user had none and the account's default_permissions apply. */
  defaultPermissions: boolean;
  /** User limits after the scope, min'ed with the account's subs/payload/data limits. */
  limits: EffectiveLimits;
  bearer: boolean;
  tags: string[];
  /** Epoch ms when the connection must end: earliest of user exp, account exp, end of connect window. */
  expiresAt?: number;
  /** The user's effective claims (scope applied). */
  userClaims: UserClaims;
  /** Frozen: shared by every user of this account JWT. */
  accountClaims: AccountClaims;
}

export interface AuthFailure {
  ok: false;
  code: AuthFailureCode;
  /** Safe to log: public keys and reasons only, never tokens, seeds or signatures. */
  reason: string;
}

export type AuthResult = Authorized | AuthFailure;

const fail = (code: AuthFailureCode, reason: string): AuthFailure => ({ ok: false, code, reason });
const NO_NONCE = new Uint8Array(0);

function hasNoPermissionsOrLimits(u: UserPermissionLimits): boolean {
  const emptyList = (l: unknown) => l === undefined || l === null || (Array.isArray(l) && l.length === 0) || l === '';
  const emptyPerm = (p: { allow?: unknown; deny?: unknown } | undefined) => !p || (emptyList(p.allow) && emptyList(p.deny));
  return (
    emptyPerm(u.pub) &&
    emptyPerm(u.sub) &&
    (u.resp === undefined || u.resp === null) &&
    emptyList(u.src) &&
    emptyList(u.times) &&
    !u.times_location &&
    !u.subs &&
    !u.data &&
    !u.payload &&
    !u.bearer_token &&
    !u.proxy_required &&
    emptyList(u.allowed_connection_types)
  );
}

function permissionsOf(p: UserPermissionLimits | undefined): Permissions | undefined {
  if (!p) return undefined;
  const some = (x: { allow?: string[]; deny?: string[] } | undefined) => !!x && ((x.allow?.length ?? 0) > 0 || (x.deny?.length ?? 0) > 0);
  if (!some(p.pub) && !some(p.sub) && !p.resp) return undefined;
  const out: Permissions = {};
  if (p.pub) out.pub = p.pub;
  if (p.sub) out.sub = p.sub;
  if (p.resp) out.resp = p.resp;
  return out;
}

function minLimit(user: number | undefined, account: number | undefined): number {
  const u = typeof user === 'number' ? user : -1;
  const a = typeof account === 'number' && account !== 0 ? account : -1;
  if (u === -1) return a;
  if (a === -1) return u;
  return Math.min(u, a);
}

function jwtReason(e: unknown): string {
  return e instanceof JwtError ? e.message : 'malformed token';
}

/** Verifies a connecting user's JWT chain, nonce signature and restrictions. Never throws. */
export function authorizeUser(req: AuthorizeRequest): AuthResult {
  const now = req.now ?? Date.now();

  let user: UserClaims;
  try {
    user = verify(req.userJwt, { type: 'user', now }).claims;
  } catch (e) {
    if (e instanceof JwtError && e.code === 'expired') return fail('user_expired', 'user JWT has expired');
    if (e instanceof JwtError && e.code === 'not_yet_valid') return fail('user_not_yet_valid', 'user JWT is not yet valid');
    return fail('user_jwt_invalid', `user JWT not valid: ${jwtReason(e)}`);
  }
  const userProblems = validateUser(user);
  if (userProblems.length > 0) return fail('user_claims_invalid', `user ${user.sub} JWT no longer valid: ${userProblems[0]}`);
  const accountKey = userAccount(user);

  const checked = checkAccount(req.accountJwt, req.trust, { now, account: accountKey });
  if (!checked.ok) return checked;
  const account = checked.claims;

  // User issuer: the account key itself, or one of its signing keys (plain or scoped).
  let scope: UserScope | null | undefined = null;
  if (user.iss !== account.sub) {
    scope = findSigningKey(account.nats, user.iss!);
    if (scope === undefined) return fail('user_issuer_unknown', `user ${user.sub} JWT issuer ${user.iss} is not a signing key of account ${account.sub}`);
  }
  let effective: UserPermissionLimits = user.nats;
  if (scope) {
    if (!hasNoPermissionsOrLimits(user.nats))
      return fail('scoped_user_not_empty', `user ${user.sub} signed by scoped key ${scope.key} carries its own permissions or limits`);
    try {
      effective = applyUserScope(scope.template, {
        userName: user.name ?? '',
        userSubject: user.sub,
        userTags: user.nats.tags ?? [],
        accountName: account.name ?? '',
        accountSubject: account.sub,
        accountTags: account.nats.tags ?? [],
      });
    } catch (e) {
      return fail(
        'scope_template_invalid',
        `user ${user.sub} scope ${scope.key} generated invalid permissions: ${e instanceof TemplateError ? e.message : 'error'}`,
      );
    }
  }

  const bearer = effective.bearer_token === true;
  if (bearer && account.nats.limits?.disallow_bearer) return fail('bearer_not_allowed', `account ${account.sub} does not allow bearer tokens`);

  const types = effective.allowed_connection_types;
  if (Array.isArray(types) && types.length > 0) {
    const known = types.map((t) => String(t).toUpperCase()).filter((t) => (CONNECTION_TYPES as readonly string[]).includes(t));
    if (!known.includes(req.connectionType ?? 'STANDARD'))
      return fail('connection_type_not_allowed', `connection type ${req.connectionType ?? 'STANDARD'} not allowed for user ${user.sub}`);
  }

  if (!bearer) {
    if (req.nkey !== undefined && req.nkey !== '' && req.nkey !== user.sub)
      return fail('nkey_mismatch', `CONNECT nkey ${String(req.nkey).slice(0, 60)} is not the user JWT subject ${user.sub}`);
    if (!req.sig) return fail('signature_missing', `signature missing for user ${user.sub}`);
    const sig = decodeSig(req.sig);
    if (!sig) return fail('signature_invalid', `signature not valid base64 for user ${user.sub}`);
    const nonce = req.nonce === undefined ? NO_NONCE : typeof req.nonce === 'string' ? Buffer.from(req.nonce, 'utf8') : req.nonce;
    if (!verifySignature(user.sub, nonce, sig)) return fail('signature_invalid', `signature not verified for user ${user.sub}`);
  }

  if (isRevoked(account.nats.revocations, user.sub, user.iat)) return fail('user_revoked', `user ${user.sub} authentication revoked`);
  if (!sourceAllowed(srcList(effective.src), req.clientIp))
    return fail('source_not_allowed', `user ${user.sub} not allowed from ${String(req.clientIp ?? 'unknown address').slice(0, 60)}`);
  const window = connectWindow(effective.times, effective.times_location || undefined, now);
  if (window === undefined) return fail('outside_connect_times', `user ${user.sub} outside connect times`);

  let permissions = permissionsOf(effective);
  const defaultPermissions = permissions === undefined;
  if (defaultPermissions) permissions = permissionsOf(account.nats.default_permissions);

  let expiresAt: number | undefined;
  const consider = (t: number | undefined) => {
    if (t !== undefined && t > 0 && (expiresAt === undefined || t < expiresAt)) expiresAt = t;
  };
  consider(user.exp ? user.exp * 1000 : undefined);
  consider(account.exp ? account.exp * 1000 : undefined);
  consider(window > 0 ? now + window : undefined);

  const lim = account.nats.limits;
  const userClaims: UserClaims = scope ? { ...user, nats: { ...user.nats, ...effective } } : user;
  const result: Authorized = {
    ok: true,
    user: user.sub,
    userName: user.name ?? '',
    account: account.sub,
    accountName: account.name ?? '',
    defaultPermissions,
    limits: { subs: minLimit(effective.subs, lim?.subs), data: minLimit(effective.data, lim?.data), payload: minLimit(effective.payload, lim?.payload) },
    bearer,
    tags: user.nats.tags ?? [],
    userClaims,
    accountClaims: account,
  };
  if (permissions) result.permissions = permissions;
  if (user.iss !== account.sub) result.signingKey = user.iss!;
  if (scope) result.scopeRole = scope.role;
  if (expiresAt !== undefined) result.expiresAt = expiresAt;
  return result;
}
