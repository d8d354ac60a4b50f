// nkey pairs whose seeds exist only sealed (libs/secrets) outside the function that signs with them.
import { createAccount, createOperator, createUser, fromSeed, type KeyPair } from '@nats-io/nkeys';
import { openSeed, sealSeed, type Keyring } from '@switchboard/secrets';

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
  const publicKey = pair.getPublicKey();
  return { publicKey, seedEnc: new Uint8Array(sealSeed(keyring, publicKey, pair.getSeed())), pair };
}

/** The signing key pair for a stored `seed_enc`; throws SecretError if the envelope is not this key's. */
export function openSigner(keyring: Keyring, key: { publicKey: string; seedEnc: Uint8Array }): KeyPair {
  // The pair keeps a reference to these bytes: do not zero them here.
  return fromSeed(openSeed(keyring, key.publicKey, key.seedEnc));
}
