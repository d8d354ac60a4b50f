// AES-256-GCM envelopes for secrets at rest (nkey seeds).
//
// Envelope v1:  0x01 | idLen (1 byte) | keyId (ASCII) | iv (12) | tag (16) | ciphertext
// The header (version + key id) and the caller's context string are authenticated data, so an
// envelope cannot be relabelled with another key id, nor moved to another row when the context
// names the row (e.g. the public key the seed belongs to).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { masterKeyId, MASTER_KEY_BYTES, MasterKeyError } from './master-key.js';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type SecretErrorCode = 'malformed' | 'unknown_key' | 'authentication_failed';

export class SecretError extends Error {
  override name = 'SecretError';
  constructor(
    readonly code: SecretErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class Keyring {
  readonly #keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  /** `keys[0]` encrypts; every key decrypts (older keys stay listed during a rotation). */
  constructor(keys: readonly Uint8Array[]) {
    if (keys.length === 0) throw new MasterKeyError('a keyring needs at least one master key');
    for (const k of keys) {
      if (k.length !== MASTER_KEY_BYTES) throw new MasterKeyError(`master keys are ${MASTER_KEY_BYTES} bytes`);
      this.#keys.set(masterKeyId(k), Buffer.from(k));
    }
    this.currentKeyId = masterKeyId(keys[0]!);
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /** Encrypts with the current key; a fresh random IV makes every call's output different. */
  seal(plaintext: Uint8Array | string, context = ''): Buffer {
    const header = headerFor(this.currentKeyId);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(aad(header, context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
  }

  /** Decrypts an envelope made by seal() with the same context; throws SecretError otherwise. */
  open(envelope: Uint8Array, context = ''): Buffer {
    const { keyId, header, iv, tag, body } = parse(envelope);
    const key = this.#keys.get(keyId);
    if (!key) {
      throw new SecretError('unknown_key', `secret was encrypted with master key ${keyId}, which is not configured (configured: ${this.keyIds.join(', ')})`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aad(header, context));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new SecretError('authentication_failed', 'secret failed authentication: it was modified or belongs elsewhere');
    }
  }

  /** True when the envelope is not under the current key (re-seal it to finish a rotation). */
  needsRewrap(envelope: Uint8Array): boolean {
    return parse(envelope).keyId !== this.currentKeyId;
  }

  // Keys must never reach a log: printing or serialising a keyring shows key ids only.
  toJSON(): { keyIds: string[]; currentKeyId: string } {
    return { keyIds: this.keyIds, currentKeyId: this.currentKeyId };
  }

  [inspect.custom](): string {
    return `Keyring { current: ${this.currentKeyId}, keys: [${this.keyIds.join(', ')}] }`;
  }
}

/** Key id of an envelope, without decrypting it. */
export function envelopeKeyId(envelope: Uint8Array): string {
  return parse(envelope).keyId;
}

function headerFor(keyId: string): Buffer {
  const id = Buffer.from(keyId, 'ascii');
  return Buffer.concat([Buffer.from([VERSION, id.length]), id]);
}

function aad(header: Buffer, context: string): Buffer {
  return Buffer.concat([header, Buffer.from(context, 'utf8')]);
}

function parse(envelope: Uint8Array) {
  const buf = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
  if (buf.length < 2 || buf[0] !== VERSION) throw new SecretError('malformed', 'not a Switchboard secret envelope (v1)');
  const headerLen = 2 + buf[1]!;
  if (buf.length < headerLen + IV_BYTES + TAG_BYTES) throw new SecretError('malformed', 'secret envelope is truncated');
  const header = buf.subarray(0, headerLen);
  const keyId = header.subarray(2).toString('ascii');
  const iv = buf.subarray(headerLen, headerLen + IV_BYTES);
  const tag = buf.subarray(headerLen + IV_BYTES, headerLen + IV_BYTES + TAG_BYTES);
  return { keyId, header, iv, tag, body: buf.subarray(headerLen + IV_BYTES + TAG_BYTES) };
}
