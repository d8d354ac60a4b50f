import { NoLimit, type ClaimsData, type GenericFields, type UserPermissionLimits } from './claims.js';

export interface User extends UserPermissionLimits, GenericFields {
  issuer_account?: string;
}

export type UserClaims = ClaimsData<User>;

/** User claims for `subject` (a U… key) with nats-io/jwt's NewUserClaims defaults (limits -1). */
export function newUserClaims(subject: string, name?: string): UserClaims {
  const c: UserClaims = { sub: subject, nats: { pub: {}, sub: {}, subs: NoLimit, data: NoLimit, payload: NoLimit, type: 'user', version: 2 } };
  if (name !== undefined) c.name = name;
  return c;
}

/**
 * User claims for a user signed by a scoped signing key of `account`: no permissions or limits of
 * its own (the scope's template applies), as nats-io's SetScoped(true) / IssueUserJWT.
 */
export function newScopedUserClaims(subject: string, account: string, name?: string): UserClaims {
  const c: UserClaims = { sub: subject, nats: { issuer_account: account, type: 'user', version: 2 } };
  if (name !== undefined) c.name = name;
  return c;
}

/** The account a user belongs to: issuer_account when signed by a signing key, else the issuer. */
export function userAccount(claims: UserClaims): string {
  return claims.nats.issuer_account || claims.iss || '';
}
