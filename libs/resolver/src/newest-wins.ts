import { checkAccount, decode, type AccountClaims, type Trust } from '@switchboard/nats-jwt';

// Which account JWT a resolver keeps. nats-server's directory store (DirJWTStore.saveIfNewer):
// the same jti is a no-op, a lower iat than the held one is dropped, an equal or higher iat
// replaces it. Expired or not-yet-valid JWTs are admitted like nats-server's claim updates do
// (validation without time checks): an operator revokes an account by issuing a newer JWT that
// has already expired, and that one must win.

export type Admission = { ok: true; claims: AccountClaims } | { ok: false; reason: string };

/** Signature, trust, subject and content checks of an offered account JWT, ignoring its times. */
export function admit(pubkey: string, jwt: string, trust: Trust, now: number = Date.now()): Admission {
  const r = checkAccount(jwt, trust, { account: pubkey, now });
  if (r.ok) return { ok: true, claims: r.claims };
  if (r.code === 'account_expired' || r.code === 'account_not_yet_valid') {
    return { ok: true, claims: decode(jwt).claims as AccountClaims };
  }
  return { ok: false, reason: r.reason };
}

export type Decision = 'replace' | 'unchanged' | 'stale';

/** Compares an admitted JWT's claims with the held one's. */
export function decide(held: AccountClaims | undefined, offered: AccountClaims): Decision {
  if (held === undefined) return 'replace';
  if (held.jti !== undefined && held.jti === offered.jti) return 'unchanged';
  if ((held.iat ?? 0) > (offered.iat ?? 0)) return 'stale';
  return 'replace';
}
