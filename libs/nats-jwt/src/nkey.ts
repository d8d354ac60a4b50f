import { createPublicKey, createPrivateKey, generateKeyPairSync, sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto';
import type { KeyPair } from '@nats-io/nkeys';
import { JwtError } from './errors.js';

// nkeys: base32(prefix byte(s) | 32-byte ed25519 key | crc16 little-endian).
// Decoding is done here so signatures can use Node's native ed25519 (measured ~68k verifies/s)
// instead of @nats-io/nkeys' pure-JS tweetnacl (~85 verifies/s on the same machine).

export const KeyPrefix = {
  Seed: 18 << 3,
  Operator: 14 << 3,
  Server: 13 << 3,
  Cluster: 2 << 3,
  Account: 0,
  User: 20 << 3,
} as const;
export type KeyPrefix = (typeof KeyPrefix)[keyof typeof KeyPrefix];

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const LOOKUP = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

function base32Decode(s: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((s.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c]! : -1;
    if (v < 0) return undefined;
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out[o++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
}

function base32Encode(data: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (let i = 0; i < data.length; i++) {
    value = ((value << 8) | data[i]!) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function crc16(data: Uint8Array, len: number): number {
  let crc = 0;
  for (let i = 0; i < len; i++) {
    crc ^= data[i]! << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

function decodeChecked(s: string): Uint8Array | undefined {
  const raw = base32Decode(s);
  if (!raw || raw.length < 4) return undefined;
  const n = raw.length - 2;
  const want = raw[n]! | (raw[n + 1]! << 8);
  return crc16(raw, n) === want ? raw.subarray(0, n) : undefined;
}

/** Raw 32-byte ed25519 public key of a public nkey with the given prefix, or undefined. */
export function publicKeyBytes(key: string, prefix?: KeyPrefix): Uint8Array | undefined {
  if (typeof key !== 'string' || key.length !== 56) return undefined;
  const raw = decodeChecked(key);
  if (!raw || raw.length !== 33) return undefined;
  const p = raw[0]!;
  if (prefix === undefined ? !isPublicPrefix(p) : p !== prefix) return undefined;
  return raw.subarray(1);
}

function isPublicPrefix(p: number): boolean {
  return p === KeyPrefix.Operator || p === KeyPrefix.Server || p === KeyPrefix.Cluster || p === KeyPrefix.Account || p === KeyPrefix.User;
}

/** The public nkey (prefix letter + base32 + crc16) of a raw 32-byte ed25519 public key. */
export function encodePublicKey(prefix: KeyPrefix, raw: Uint8Array): string {
  const buf = new Uint8Array(35);
  buf[0] = prefix;
  buf.set(raw.subarray(0, 32), 1);
  const crc = crc16(buf, 33);
  buf[33] = crc & 0xff;
  buf[34] = crc >> 8;
  return base32Encode(buf);
}

/**
 * The public key of a fresh key pair made by Node's native ed25519 (what a server's ID is).
 * nkeys' createServer() does the same in tweetnacl: ~200 ms of CPU at broker start-up.
 */
export function newPublicKey(prefix: KeyPrefix): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return encodePublicKey(prefix, der.subarray(der.length - 32));
}

export const isOperatorKey = (k: unknown): k is string => typeof k === 'string' && publicKeyBytes(k, KeyPrefix.Operator) !== undefined;
export const isAccountKey = (k: unknown): k is string => typeof k === 'string' && publicKeyBytes(k, KeyPrefix.Account) !== undefined;
export const isUserKey = (k: unknown): k is string => typeof k === 'string' && publicKeyBytes(k, KeyPrefix.User) !== undefined;

const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

// Keys recur (operators, accounts, signing keys): cache their KeyObjects, bounded.
const verifyKeys = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 10_000;

function verifyKeyObject(key: string): KeyObject | undefined {
  let ko = verifyKeys.get(key);
  if (ko) return ko;
  const raw = publicKeyBytes(key);
  if (!raw) return undefined;
  ko = createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
  if (verifyKeys.size >= MAX_CACHED_KEYS) verifyKeys.clear();
  verifyKeys.set(key, ko);
  return ko;
}

/** True when `sig` is a valid ed25519 signature of `data` by the public nkey `key`. Never throws. */
export function verifySignature(key: string, data: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== 64) return false;
  const ko = verifyKeyObject(key);
  if (!ko) return false;
  try {
    return edVerify(null, data, ko, sig);
  } catch {
    return false;
  }
}

// Per key pair: its ed25519 private KeyObject and public nkey, derived once through node:crypto.
// @nats-io/nkeys derives both with tweetnacl on every getPublicKey()/sign() (~10 ms each here).
interface NodeKeys {
  privateKey: KeyObject;
  publicKey: string;
}
const nodeKeys = new WeakMap<KeyPair, NodeKeys>();

function nodeKeysOf(kp: KeyPair): NodeKeys {
  let k = nodeKeys.get(kp);
  if (k) return k;
  let seed: Uint8Array;
  try {
    seed = kp.getSeed();
  } catch {
    throw new JwtError('bad_key', 'signer is not a usable key pair');
  }
  const raw = decodeChecked(Buffer.from(seed).toString('latin1'));
  if (!raw || raw.length !== 34 || (raw[0]! & 0xf8) !== KeyPrefix.Seed) throw new JwtError('bad_key', 'signing key pair has an invalid seed');
  const prefix = ((raw[0]! & 7) << 5) | ((raw[1]! & 0xf8) >> 3);
  if (!isPublicPrefix(prefix)) throw new JwtError('bad_key', 'signing key pair is not an ed25519 nkey');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, raw.subarray(2)]), format: 'der', type: 'pkcs8' });
  raw.fill(0);
  const der = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  k = { privateKey, publicKey: encodePublicKey(prefix as KeyPrefix, der.subarray(der.length - 32)) };
  nodeKeys.set(kp, k);
  return k;
}

/** kp.getPublicKey(), derived once per key pair with node:crypto (nkeys re-derives it in tweetnacl on every call). */
export function publicKeyOf(kp: KeyPair): string {
  return nodeKeysOf(kp).publicKey;
}

/** Signs with an nkeys KeyPair through Node's ed25519 (same signature as kp.sign, far faster). */
export function signWith(kp: KeyPair, data: Uint8Array): Uint8Array {
  return edSign(null, data, nodeKeysOf(kp).privateKey);
}

/**
 * The public nkey of a seed, derived by Node's ed25519 (nkeys' fromSeed does it in tweetnacl,
 * ~10 ms, and loading nkeys at all costs the broker's start-up); undefined when not a valid seed.
 */
export function publicKeyOfSeed(seed: string): string | undefined {
  if (typeof seed !== 'string' || seed.length !== 58) return undefined;
  const raw = decodeChecked(seed);
  if (!raw || raw.length !== 34 || (raw[0]! & 0xf8) !== KeyPrefix.Seed) return undefined;
  const role = ((raw[0]! & 7) << 5) | ((raw[1]! & 0xf8) >> 3);
  if (!isPublicPrefix(role)) return undefined;
  const ko = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, raw.subarray(2)]), format: 'der', type: 'pkcs8' });
  raw.fill(0);
  const der = createPublicKey(ko).export({ format: 'der', type: 'spki' });
  return encodePublicKey(role as KeyPrefix, der.subarray(der.length - 32));
}

/** Signs `data` with a seed's key through Node's ed25519 (nkeys' fromSeed loads tweetnacl); throws JwtError on a bad seed. */
export function signWithSeed(seed: string, data: Uint8Array): Uint8Array {
  const raw = typeof seed === 'string' && seed.length === 58 ? decodeChecked(seed) : undefined;
  if (!raw || raw.length !== 34 || (raw[0]! & 0xf8) !== KeyPrefix.Seed) throw new JwtError('bad_key', 'nkey seed is not valid');
  const ko = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, raw.subarray(2)]), format: 'der', type: 'pkcs8' });
  raw.fill(0);
  return edSign(null, data, ko);
}

/** The role letter of a seed ('U', 'A', 'O'…), from its two prefix bytes; undefined when not a valid seed. */
export function seedRole(seed: string): 'O' | 'A' | 'U' | 'N' | 'C' | undefined {
  if (typeof seed !== 'string' || seed.length !== 58) return undefined;
  const raw = decodeChecked(seed);
  if (!raw || raw.length !== 34 || (raw[0]! & 0xf8) !== KeyPrefix.Seed) return undefined;
  const role = ((raw[0]! & 7) << 5) | ((raw[1]! & 0xf8) >> 3);
  raw.fill(0);
  switch (role) {
    case KeyPrefix.Operator:
      return 'O';
    case KeyPrefix.Account:
      return 'A';
    case KeyPrefix.User:
      return 'U';
    case KeyPrefix.Server:
      return 'N';
    case KeyPrefix.Cluster:
      return 'C';
    default:
      return undefined;
  }
}
