import { createHash } from 'node:crypto';
import type { KeyPair } from '@nats-io/nkeys';
import type { AccountClaims } from './account-claims.js';
import type { ActivationClaims } from './activation-claims.js';
import { base32Std } from './activation-claims.js';
import { decodeBase64Url, encodeBase64Url } from './base64.js';
import type { ClaimsData } from './claims.js';
import { JwtError } from './errors.js';
import { KeyPrefix, publicKeyBytes, publicKeyOf, signWith, verifySignature } from './nkey.js';
import type { OperatorClaims } from './operator-claims.js';
import type { UserClaims } from './user-claims.js';

/** nats-io/jwt's MaxTokenSize: longer tokens are refused before any parsing. */
export const MaxTokenSize = 1024 * 1024;

export const TokenTypeJwt = 'JWT';
export const AlgorithmNkey = 'ed25519-nkey';
const HEADER = encodeBase64Url(JSON.stringify({ typ: TokenTypeJwt, alg: AlgorithmNkey }));

export interface ClaimsByType {
  operator: OperatorClaims;
  account: AccountClaims;
  user: UserClaims;
  activation: ActivationClaims;
}
export type AnyClaims = ClaimsData;

export interface JwtHeader {
  typ: string;
  alg: string;
}

/** A structurally valid token: parsed parts; the signature is not yet checked. */
export interface DecodedJwt<C extends ClaimsData = ClaimsData> {
  header: JwtHeader;
  claims: C;
  /** nats.type ("generic" when absent). */
  type: string;
  /** header.payload, the bytes the signature covers. */
  signingInput: string;
  signature: Uint8Array;
}

// Which keys may issue each kind, and what its subject must be (as nats-io/jwt's ExpectedPrefixes).
const ISSUERS: Record<string, readonly KeyPrefix[]> = {
  operator: [KeyPrefix.Operator],
  account: [KeyPrefix.Account, KeyPrefix.Operator],
  user: [KeyPrefix.Account],
  activation: [KeyPrefix.Account, KeyPrefix.Operator],
  authorization_response: [KeyPrefix.Account],
  authorization_request: [KeyPrefix.Server],
};
const SUBJECTS: Record<string, KeyPrefix> = {
  operator: KeyPrefix.Operator,
  account: KeyPrefix.Account,
  user: KeyPrefix.User,
  activation: KeyPrefix.Account,
};

export interface EncodeOptions {
  /** Clock for `iat`, epoch milliseconds (default Date.now()). */
  now?: number;
}

/**
 * Signs `claims` with `signer` as nats-io/jwt v2 does: sets iss, iat, jti (base32 of SHA-512/256
 * over the registered claims), nats.version = 2; keeps any other field as given.
 * Does not modify `claims`. Throws JwtError when subject or signer do not fit the claim kind.
 */
export function encode(claims: AnyClaims, signer: KeyPair, opts: EncodeOptions = {}): string {
  if (!claims || typeof claims !== 'object') throw new JwtError('bad_claims', 'claims must be an object');
  const nats = claims.nats;
  if (!nats || typeof nats !== 'object' || Array.isArray(nats)) throw new JwtError('bad_claims', 'claims need a nats object');
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new JwtError('bad_claims', 'subject is not set');
  const type = typeof nats.type === 'string' && nats.type !== '' ? nats.type : 'generic';
  const subPrefix = SUBJECTS[type];
  if (subPrefix !== undefined && !publicKeyBytes(claims.sub, subPrefix)) {
    throw new JwtError('bad_claims', `subject of ${type} claims must be a ${prefixName(subPrefix)} public key`);
  }
  const iss = publicKeyOf(signer);
  checkIssuer(type, iss);

  const base: Record<string, unknown> = {};
  if (claims.aud) base.aud = claims.aud;
  if (claims.exp) base.exp = claims.exp;
  base.iat = Math.floor((opts.now ?? Date.now()) / 1000);
  base.iss = iss;
  if (claims.name) base.name = claims.name;
  if (claims.nbf) base.nbf = claims.nbf;
  base.sub = claims.sub;
  const jti = claimsHash(base);

  // Registered claims first in Go's field order, then nats, then whatever else was present.
  // No prototype, so an unknown "__proto__" field stays a plain field.
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (base.aud !== undefined) out.aud = base.aud;
  if (base.exp !== undefined) out.exp = base.exp;
  out.jti = jti;
  out.iat = base.iat;
  out.iss = iss;
  if (base.name !== undefined) out.name = base.name;
  if (base.nbf !== undefined) out.nbf = base.nbf;
  out.sub = claims.sub;
  out.nats = { ...nats, type, version: 2 };
  for (const [k, v] of Object.entries(claims)) if (!REGISTERED.has(k)) out[k] = v;

  const signingInput = `${HEADER}.${encodeBase64Url(JSON.stringify(out))}`;
  return `${signingInput}.${encodeBase64Url(signWith(signer, Buffer.from(signingInput, 'latin1')))}`;
}

const REGISTERED = new Set(['aud', 'exp', 'jti', 'iat', 'iss', 'name', 'nbf', 'sub', 'nats']);

/** jti as nats-io/jwt computes it: Go's json.Marshal of ClaimsData (jti empty) -> SHA-512/256 -> base32, no padding. */
export function claimsHash(base: Record<string, unknown>): string {
  return base32Std(createHash('sha512-256').update(goJson(base)).digest(), false);
}

// Go's encoding/json escapes <, >, & and U+2028/9 in strings; the hash must see the same bytes.
function goJson(v: Record<string, unknown>): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Parses a token without checking its signature or times. Throws JwtError on any malformed input. */
export function decode<C extends ClaimsData = ClaimsData>(token: string): DecodedJwt<C> {
  if (typeof token !== 'string') throw new JwtError('malformed', 'token is not a string');
  if (token.length > MaxTokenSize) throw new JwtError('too_large', `token size ${token.length} exceeds maximum of ${MaxTokenSize} bytes`);
  const dot1 = token.indexOf('.');
  const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
  if (dot1 < 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) throw new JwtError('malformed', 'expected 3 chunks');

  const header = parseJsonObject(decodeBase64Url(token.slice(0, dot1), 'header'), 'header') as Partial<JwtHeader>;
  if (typeof header.typ !== 'string' || header.typ.toUpperCase() !== TokenTypeJwt) {
    throw new JwtError('bad_header', `not supported type ${JSON.stringify(String(header.typ)).slice(0, 40)}`);
  }
  const alg = typeof header.alg === 'string' ? header.alg.toLowerCase() : '';
  if (alg === 'ed25519') throw new JwtError('unsupported_version', 'JWT v1 (alg ed25519) is not supported');
  if (alg !== AlgorithmNkey) throw new JwtError('bad_header', `unexpected ${JSON.stringify(String(header.alg)).slice(0, 40)} algorithm`);

  const claims = parseJsonObject(decodeBase64Url(token.slice(dot1 + 1, dot2), 'payload'), 'payload') as unknown as C;
  const nats = (claims as ClaimsData).nats as unknown;
  if (nats === null || typeof nats !== 'object' || Array.isArray(nats)) throw new JwtError('bad_claims', 'claims have no nats object');
  const n = nats as Record<string, unknown>;
  if (n.version !== undefined && typeof n.version !== 'number') throw new JwtError('bad_claims', 'nats.version is not a number');
  if (typeof n.version === 'number' && n.version > 2) throw new JwtError('unsupported_version', 'JWT was generated by a newer version');
  if ((claims as Record<string, unknown>).type !== undefined && n.version === undefined) {
    throw new JwtError('unsupported_version', 'JWT v1 claims are not supported');
  }
  if (n.type !== undefined && typeof n.type !== 'string') throw new JwtError('bad_claims', 'nats.type is not a string');
  const type = (n.type as string | undefined) || 'generic';
  checkClaimFields(claims);
  if (type === 'cluster' || type === 'server') throw new JwtError('bad_claims', `${type} claims are not supported`);
  checkIssuer(type, claims.iss as string);

  const signature = decodeBase64Url(token.slice(dot2 + 1), 'signature');
  if (signature.length !== 64) throw new JwtError('bad_signature', 'signature is not 64 bytes');
  return { header: { typ: header.typ, alg: header.alg as string }, claims, type, signingInput: token.slice(0, dot2), signature };
}

export interface VerifyOptions<K extends string = string> {
  /** Epoch milliseconds to check exp/nbf against (default Date.now()). */
  now?: number;
  /** Required claim kind. */
  type?: K;
  /** Skip exp/nbf (for callers that check them later with checkTimes). */
  ignoreTimes?: boolean;
}

/**
 * decode() plus: signature by the claims' own issuer key, then exp/nbf (as nats-io/jwt: expired
 * when now > exp; not yet valid when nbf > now). Whether that issuer is trusted is the caller's
 * question (see authorizeUser for the broker's chain).
 */
export function verify<K extends keyof ClaimsByType>(token: string, opts: VerifyOptions<K> & { type: K }): DecodedJwt<ClaimsByType[K]>;
export function verify(token: string, opts?: VerifyOptions): DecodedJwt;
export function verify(token: string, opts: VerifyOptions = {}): DecodedJwt {
  const d = decode(token);
  if (opts.type !== undefined && d.type !== opts.type)
    throw new JwtError('wrong_type', `expected ${opts.type} claims, got ${JSON.stringify(d.type).slice(0, 40)}`);
  if (!verifySignature(d.claims.iss!, Buffer.from(d.signingInput, 'latin1'), d.signature)) {
    throw new JwtError('bad_signature', 'claim failed V2 signature verification');
  }
  if (!opts.ignoreTimes) checkTimes(d.claims, opts.now ?? Date.now());
  return d;
}

/** Throws JwtError('expired' | 'not_yet_valid') when `claims` are outside their validity at `now` (ms). */
export function checkTimes(claims: ClaimsData, now: number): void {
  const secs = Math.floor(now / 1000);
  if (claims.exp && claims.exp > 0 && secs > claims.exp) throw new JwtError('expired', 'claim is expired');
  if (claims.nbf && claims.nbf > 0 && claims.nbf > secs) throw new JwtError('not_yet_valid', 'claim is not yet valid');
}

function parseJsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new JwtError('bad_json', `${what} is not valid JSON`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new JwtError('bad_json', `${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

function checkClaimFields(c: ClaimsData): void {
  const r = c as unknown as Record<string, unknown>;
  for (const k of ['aud', 'jti', 'iss', 'name', 'sub'] as const) {
    if (r[k] !== undefined && typeof r[k] !== 'string') throw new JwtError('bad_claims', `${k} is not a string`);
  }
  for (const k of ['exp', 'iat', 'nbf'] as const) {
    if (r[k] !== undefined && (typeof r[k] !== 'number' || !Number.isFinite(r[k]))) throw new JwtError('bad_claims', `${k} is not a number`);
  }
  if (!c.sub) throw new JwtError('bad_claims', 'subject is not set');
  if (!c.iss) throw new JwtError('bad_issuer', 'issuer is not set');
}

function checkIssuer(type: string, iss: string): void {
  const allowed = ISSUERS[type];
  if (allowed) {
    if (!allowed.some((p) => publicKeyBytes(iss, p))) {
      throw new JwtError('bad_issuer', `${type} claims must be issued by ${allowed.map(prefixName).join(' or ')} key`);
    }
  } else if (!publicKeyBytes(iss)) {
    throw new JwtError('bad_issuer', 'issuer is not a public nkey');
  }
}

function prefixName(p: KeyPrefix): string {
  switch (p) {
    case KeyPrefix.Operator:
      return 'an operator';
    case KeyPrefix.Account:
      return 'an account';
    case KeyPrefix.User:
      return 'a user';
    case KeyPrefix.Server:
      return 'a server';
    default:
      return 'a cluster';
  }
}
