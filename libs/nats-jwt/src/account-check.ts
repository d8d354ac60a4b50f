import type { AccountClaims } from './account-claims.js';
import { JwtError } from './errors.js';
import { checkTimes, verify } from './jwt.js';
import { isTrustedIssuer, type Trust } from './trust.js';
import { validateAccount } from './validate.js';

// May a broker use this account JWT? Used by authorizeUser on CONNECT and by whoever applies
// pushed account updates ($SYS.REQ.ACCOUNT.<key>.CLAIMS.UPDATE) or resolver answers.

export type AccountFailureCode =
  'account_jwt_invalid' | 'account_mismatch' | 'account_expired' | 'account_not_yet_valid' | 'account_not_trusted' | 'account_claims_invalid';

export type AccountCheck = { ok: true; claims: AccountClaims } | { ok: false; code: AccountFailureCode; reason: string };

export interface AccountCheckOptions {
  /** Epoch ms (default Date.now()). */
  now?: number;
  /** The account public key the caller asked for: the JWT's subject must be it. */
  account?: string;
}

// Every CONNECT of an account's users presents the same account JWT: its signature and content
// checks are pure functions of the token, so they run once per token (times and trust per call).
interface VerifiedAccount {
  claims: AccountClaims;
  problems: string[];
}
const cache = new Map<string, VerifiedAccount>();
const MAX_CACHED = 1024;

function verified(token: string): VerifiedAccount {
  let v = typeof token === 'string' ? cache.get(token) : undefined;
  if (v) return v;
  const claims = deepFreeze(verify(token, { type: 'account', ignoreTimes: true }).claims);
  v = { claims, problems: validateAccount(claims) };
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(token, v);
  return v;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** Verifies, trusts and validates an account JWT. Never throws. The claims returned are frozen. */
export function checkAccount(token: string, trust: Trust, opts: AccountCheckOptions = {}): AccountCheck {
  const who = opts.account ?? 'account';
  let v: VerifiedAccount;
  try {
    v = verified(token);
  } catch (e) {
    return { ok: false, code: 'account_jwt_invalid', reason: `${who} JWT not valid: ${e instanceof JwtError ? e.message : 'malformed token'}` };
  }
  const a = v.claims;
  if (opts.account !== undefined && a.sub !== opts.account)
    return { ok: false, code: 'account_mismatch', reason: `wanted account ${opts.account}, JWT is for ${a.sub}` };
  if (!isTrustedIssuer(trust, a.iss))
    return { ok: false, code: 'account_not_trusted', reason: `account ${a.sub} JWT not signed by a trusted operator (issuer ${a.iss})` };
  if (v.problems.length > 0) return { ok: false, code: 'account_claims_invalid', reason: `account ${a.sub} JWT not valid: ${v.problems[0]}` };
  try {
    checkTimes(a, opts.now ?? Date.now());
  } catch (e) {
    const expired = e instanceof JwtError && e.code === 'expired';
    return {
      ok: false,
      code: expired ? 'account_expired' : 'account_not_yet_valid',
      reason: `account ${a.sub} JWT ${expired ? 'has expired' : 'is not yet valid'}`,
    };
  }
  return { ok: true, claims: a };
}
