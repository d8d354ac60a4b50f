// A throw-away user that may only read one KV bucket: for the console's key browser, which reads a
// tenant's bucket through a broker as that tenant's account would. Its key pair is made here and
// lives only in the caller's memory; its JWT expires a minute after issue.
import { createUser, type KeyPair } from '@nats-io/nkeys';
import { IssuerError } from './errors.js';
import { issueUserJwt, type UserPermissionsInput } from './user.js';

/** KV bucket names as nats.js and nats-server's kv.go accept them. */
export const KV_BUCKET = /^[-\w]+$/;
/** KV keys: the characters a key may have (no wildcards, no leading/trailing dot). */
export const KV_KEY = /^[-/=.\w]+$/;

export const KV_READER_TTL_MS = 60_000;

/**
 * Reads of bucket `bucket` and nothing else: its stream's INFO (with subjects_filter: the keys),
 * STREAM.MSG.GET and DIRECT.GET (values, history by next_by_subj). No `$KV.<bucket>.>` publish (no
 * put/delete), no stream update/purge/delete, no other stream, and no consumer: a consumer would
 * count against the tenant's limit. Replies come only to `inboxPrefix`.
 */
export function kvReaderPermissions(bucket: string, inboxPrefix: string): UserPermissionsInput {
  if (!KV_BUCKET.test(bucket)) throw new IssuerError('invalid', 'must be a KV bucket name (letters, digits, - and _)', 'bucket');
  const s = `KV_${bucket}`;
  return {
    pub: {
      allow: ['$JS.API.INFO', `$JS.API.STREAM.INFO.${s}`, `$JS.API.STREAM.MSG.GET.${s}`, `$JS.API.DIRECT.GET.${s}`, `$JS.API.DIRECT.GET.${s}.>`],
    },
    sub: { allow: [`${inboxPrefix}.>`] },
  };
}

export interface KvReader {
  jwt: string;
  /** The user's key pair (its seed signs the server's nonce); clear() it once the connection is closed. */
  pair: KeyPair;
  expiresAt: Date;
}

/** A one-minute user of `account` (signed by one of its signing keys) that may only read `bucket`. */
export function issueKvReader(spec: { account: string; bucket: string; inboxPrefix: string }, accountSigner: KeyPair, now = Date.now()): KvReader {
  const permissions = kvReaderPermissions(spec.bucket, spec.inboxPrefix);
  const pair = createUser();
  const expiresAt = new Date(now + KV_READER_TTL_MS);
  try {
    const jwt = issueUserJwt(
      { publicKey: pair.getPublicKey(), name: `console-kv-reader:${spec.bucket}`, account: spec.account, permissions, expiresAt },
      accountSigner,
      now,
    );
    return { jwt, pair, expiresAt };
  } catch (e) {
    pair.clear();
    throw e;
  }
}
