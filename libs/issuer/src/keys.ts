// nkey pairs whose seeds exist only sealed (libs/secrets) in the database. A signing key opened
// once stays open in this process (like the operator's signing key): opening costs an AES-GCM
// decryption and an ed25519 key derivation, which dominated issuing a user JWT.
import { createAccount, createOperator, createUser, fromSeed, type KeyPair } from '@nats-io/nkeys';
import { publicKeyOf } from '@switchboard/nats-jwt';
import { openSeed, sealSeed, SecretError, type Keyring } from '@switchboard/secrets';

export type KeyKind = 'operator' | 'account' | 'user';

/** Bytes on their own ArrayBuffer, as Prisma's Bytes columns take them. */
export type Bytes = Uint8Array<ArrayBuffer>;

export interface SealedKey {
  publicKey: string;
  seedEnc: Bytes;
}

const create = { operator: createOperator, account: createAccount, user: createUser } as const;

/** A new key pair of `kind`: the public key and the seed sealed to it. */
export function newSealedKey(keyring: Keyring, kind: KeyKind): SealedKey & { pair: KeyPair } {
  const pair = create[kind]();
  const publicKey = publicKeyOf(pair);
  return { publicKey, seedEnc: new Uint8Array(sealSeed(keyring, publicKey, pair.getSeed())), pair };
}

interface Opened {
  /** The envelope it was opened from: a row holding other bytes is opened (and checked) again. */
  envelope: Buffer;
  pair: KeyPair;
}

// Per keyring (a process has one; tests make several), by public key. Bounded: cleared when full.
const opened = new WeakMap<Keyring, Map<string, Opened>>();
const MAX_OPENED = 10_000;

/**
 * The signing key pair for a stored `seed_enc`; throws SecretError if the envelope is not this
 * key's. Remembered per keyring and public key while the stored envelope stays the same bytes.
 * Callers must not clear() the pair: it is shared.
 */
export function openSigner(keyring: Keyring, key: { publicKey: string; seedEnc: Uint8Array }): KeyPair {
  let byKey = opened.get(keyring);
  if (!byKey) opened.set(keyring, (byKey = new Map()));
  const hit = byKey.get(key.publicKey);
  if (hit && hit.envelope.equals(key.seedEnc)) return hit.pair;
  // The pair keeps a reference to these bytes: do not zero them here.
  const pair = fromSeed(openSeed(keyring, key.publicKey, key.seedEnc));
  // The envelope's authenticated context names the public key; check the seed itself agrees too.
  if (publicKeyOf(pair) !== key.publicKey) throw new SecretError('authentication_failed', `sealed seed does not belong to ${key.publicKey}`);
  if (byKey.size >= MAX_OPENED) byKey.clear();
  byKey.set(key.publicKey, { envelope: Buffer.from(key.seedEnc), pair });
  return pair;
}
