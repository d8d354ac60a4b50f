// nkey pairs whose seeds exist only sealed (libs/secrets) outside the function that signs with them.
import { createAccount, createOperator, createUser, fromSeed, type KeyPair } from '@nats-io/nkeys';
import { openSeed, sealSeed, type Keyring } from '@switchboard/secrets';

export type KeyKind = 'operator' | 'account' | 'user';

export interface SealedKey {
  publicKey: string;
  seedEnc: Buffer;
}

const create = { operator: createOperator, account: createAccount, user: createUser } as const;

/** A new key pair of `kind`: the public key and the seed sealed to it. */
export function newSealedKey(keyring: Keyring, kind: KeyKind): SealedKey & { pair: KeyPair } {
  const pair = create[kind]();
  const publicKey = pair.getPublicKey();
  return { publicKey, seedEnc: sealSeed(keyring, publicKey, pair.getSeed()), pair };
}

/** The signing key pair for a stored `seed_enc`; throws SecretError if the envelope is not this key's. */
export function openSigner(keyring: Keyring, key: SealedKey): KeyPair {
  // The pair keeps a reference to these bytes: do not zero them here.
  return fromSeed(openSeed(keyring, key.publicKey, key.seedEnc));
}
