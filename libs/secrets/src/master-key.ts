// Master keys: 32 random bytes, written as base64 or hex. Their id (a hash) travels with each
// ciphertext so a rotated keyring still knows which key opens an old envelope.
import { createHash, randomBytes } from 'node:crypto';

export const MASTER_KEY_BYTES = 32;

export class MasterKeyError extends Error {
  override name = 'MasterKeyError';
}

/** Parses one key written as 64 hex digits or base64/base64url of 32 bytes. The message never echoes the input. */
export function parseMasterKey(text: string, source = 'master key'): Buffer {
  const s = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(s)) key = Buffer.from(s, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) key = Buffer.from(s, 'base64');
  if (!key || key.length !== MASTER_KEY_BYTES) {
    throw new MasterKeyError(`${source} must be ${MASTER_KEY_BYTES} bytes written as 64 hex digits or base64 (e.g. \`openssl rand -base64 32\`)`);
  }
  return key;
}

/** A short, stable, non-secret name for a key: 'k' + 11 base64url chars of a domain-separated SHA-256. */
export function masterKeyId(key: Uint8Array): string {
  const h = createHash('sha256').update('switchboard/master-key-id\0').update(key).digest('base64url');
  return `k${h.slice(0, 11)}`;
}

export function generateMasterKey(): Buffer {
  return randomBytes(MASTER_KEY_BYTES);
}
