// User JWTs: the user's key pair is made by the client; only its public key reaches us.
import type { KeyPair } from '@nats-io/nkeys';
import { encode, isAccountKey, isUserKey, newUserClaims, validateUser, type Permission } from '@switchboard/nats-jwt';
import { IssuerError } from './errors.js';
import { durationField } from './duration.js';

export interface UserPermissionsInput {
  pub?: Permission;
  sub?: Permission;
  /** Reply permission: at most `max` replies within `ttl` (a duration such as "5s"). */
  resp?: { max: number; ttl: string };
}

export interface UserSpec {
  publicKey: string;
  name: string;
  /** The account the user belongs to (the signer is one of its signing keys). */
  account: string;
  permissions?: UserPermissionsInput;
  expiresAt?: Date | null;
  bearer?: boolean;
}

/**
 * A user public key from untrusted input. A seed sent by mistake is refused without being echoed
 * (the message and the error carry none of it).
 */
export function checkUserPublicKey(input: unknown, field = 'publicKey'): string {
  if (typeof input === 'string' && /^S[OAUNC]/.test(input)) {
    throw new IssuerError('invalid', 'this is a seed (private key): send only the public key (U…), and treat this seed as leaked', field);
  }
  if (!isUserKey(input)) throw new IssuerError('invalid', 'must be a user public key (56 characters starting with U)', field);
  return input;
}

export function checkAccountPublicKey(input: unknown, field: string): string {
  if (typeof input === 'string' && /^S[OAUNC]/.test(input)) {
    throw new IssuerError('invalid', 'this is a seed (private key): send only the public key (A…)', field);
  }
  if (!isAccountKey(input)) throw new IssuerError('invalid', 'must be an account public key (56 characters starting with A)', field);
  return input;
}

/** Expiry from either `expiresIn` (a duration) or `expiresAt` (ISO time, in the future); none = never. */
export function expiryOf(input: { expiresIn?: string; expiresAt?: string }, now = Date.now()): Date | null {
  if (input.expiresIn !== undefined && input.expiresAt !== undefined) {
    throw new IssuerError('invalid', 'give expiresIn or expiresAt, not both', 'expiresAt');
  }
  if (input.expiresIn !== undefined) return new Date(now + durationField(input.expiresIn, 'expiresIn'));
  if (input.expiresAt !== undefined) {
    const t = Date.parse(input.expiresAt);
    if (!Number.isFinite(t)) throw new IssuerError('invalid', 'must be an ISO-8601 time', 'expiresAt');
    if (t <= now) throw new IssuerError('invalid', 'must be in the future', 'expiresAt');
    return new Date(t);
  }
  return null;
}

/** A user JWT signed by `accountSigner` (a signing key of spec.account). */
export function issueUserJwt(spec: UserSpec, accountSigner: KeyPair, now = Date.now()): string {
  checkUserPublicKey(spec.publicKey);
  const c = newUserClaims(spec.publicKey, spec.name);
  c.nats.issuer_account = spec.account;
  const p = spec.permissions;
  if (p?.pub) c.nats.pub = { ...p.pub };
  if (p?.sub) c.nats.sub = { ...p.sub };
  if (p?.resp) c.nats.resp = { max: p.resp.max, ttl: durationField(p.resp.ttl, 'permissions.resp.ttl') * 1_000_000 };
  if (spec.bearer) c.nats.bearer_token = true;
  if (spec.expiresAt) c.exp = Math.floor(spec.expiresAt.getTime() / 1000);
  // Refuse what a broker would refuse (bad subjects in permissions…), before anything is stored.
  const problems = validateUser(c);
  if (problems.length) throw new IssuerError('invalid', problems.join('; '), 'permissions');
  return encode(c, accountSigner, { now });
}
