// The one way nkey seeds are stored: sealed with the owner's public key as context, so a seed
// copied onto another row (another key's public key) fails to open.
import type { Keyring } from './keyring.js';

const context = (publicKey: string) => `nkey-seed:${publicKey}`;

/** Envelope for a `seed_enc` column. */
export function sealSeed(keyring: Keyring, publicKey: string, seed: Uint8Array | string): Buffer {
  return keyring.seal(seed, context(publicKey));
}

/** The seed (as bytes, e.g. for nkeys' fromSeed) from a `seed_enc` column; throws SecretError if it does not belong to publicKey. */
export function openSeed(keyring: Keyring, publicKey: string, envelope: Uint8Array): Uint8Array {
  return keyring.open(envelope, context(publicKey));
}
