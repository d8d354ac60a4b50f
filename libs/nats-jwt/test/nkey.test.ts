import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createAccount, createOperator, createServer, createUser, fromPublic, fromSeed } from '@nats-io/nkeys';
import {
  encodePublicKey,
  isAccountKey,
  isOperatorKey,
  isUserKey,
  KeyPrefix,
  newPublicKey,
  publicKeyOfSeed,
  publicKeyBytes,
  publicKeyOf,
  seedRole,
  signWith,
  signWithSeed,
  verifySignature,
} from '../src/nkey.js';

// Our nkey decoding (used to reach Node's native ed25519) must agree with @nats-io/nkeys.
describe('nkeys compatibility', () => {
  const user = createUser();
  const data = new TextEncoder().encode('some bytes to sign');

  it('signWith gives the same signature as the nkeys key pair (ed25519 is deterministic)', () => {
    expect(Buffer.from(signWith(user, data))).toEqual(Buffer.from(user.sign(data)));
  });

  it('publicKeyOf (node:crypto) gives the public key nkeys derives, for every kind of key pair', () => {
    for (const make of [createOperator, createAccount, createUser, createServer]) {
      for (let i = 0; i < 20; i++) {
        const kp = make();
        // A fresh pair from the same seed: nothing remembered from an earlier call.
        expect(publicKeyOf(fromSeed(kp.getSeed()))).toBe(kp.getPublicKey());
      }
    }
  });

  it('publicKeyOf and signWith refuse a pair without a seed', () => {
    expect(() => publicKeyOf(fromPublic(user.getPublicKey()) as never)).toThrow(/not a usable key pair/);
    expect(() => signWith(fromPublic(user.getPublicKey()) as never, data)).toThrow(/not a usable key pair/);
  });

  it('verifySignature agrees with nkeys on good and bad signatures', () => {
    const sig = user.sign(data);
    expect(verifySignature(user.getPublicKey(), data, sig)).toBe(true);
    const bad = Uint8Array.from(sig);
    bad[10]! ^= 1;
    expect(verifySignature(user.getPublicKey(), data, bad)).toBe(false);
    expect(fromPublic(user.getPublicKey()).verify(data, bad)).toBe(false);
    expect(verifySignature(createUser().getPublicKey(), data, sig)).toBe(false);
    expect(verifySignature('not a key', data, sig)).toBe(false);
    expect(verifySignature(user.getPublicKey(), data, sig.subarray(0, 63))).toBe(false);
  });

  it('encodePublicKey gives the public key nkeys prints; newPublicKey makes server keys nkeys accepts', () => {
    for (const kp of [createServer(), createUser(), createAccount(), createOperator()]) {
      const pk = kp.getPublicKey();
      const prefix = { N: KeyPrefix.Server, U: KeyPrefix.User, A: KeyPrefix.Account, O: KeyPrefix.Operator }[pk[0] as 'N' | 'U' | 'A' | 'O'];
      expect(encodePublicKey(prefix, publicKeyBytes(pk)!)).toBe(pk);
    }
    for (const kp of [createServer(), createUser(), createAccount(), createOperator()]) {
      expect(publicKeyOfSeed(new TextDecoder().decode(kp.getSeed()))).toBe(kp.getPublicKey());
    }
    expect(publicKeyOfSeed('SUAM' + 'A'.repeat(54))).toBeUndefined();
    const u = createUser();
    const nonce = new TextEncoder().encode('nonce');
    expect(Buffer.from(signWithSeed(new TextDecoder().decode(u.getSeed()), nonce))).toEqual(Buffer.from(u.sign(nonce)));
    expect(() => signWithSeed('SUAM' + 'A'.repeat(54), nonce)).toThrow();
    const id = newPublicKey(KeyPrefix.Server);
    expect(id).toMatch(/^N[A-Z2-7]{55}$/);
    expect(fromPublic(id).getPublicKey()).toBe(id);
    expect(newPublicKey(KeyPrefix.Server)).not.toBe(id);
  });

  it('key kinds and seed roles', () => {
    expect([isOperatorKey(createOperator().getPublicKey()), isAccountKey(createAccount().getPublicKey()), isUserKey(user.getPublicKey())]).toEqual([
      true,
      true,
      true,
    ]);
    expect(isAccountKey(user.getPublicKey())).toBe(false);
    expect(seedRole(new TextDecoder().decode(user.getSeed()))).toBe('U');
    expect(seedRole(new TextDecoder().decode(createAccount().getSeed()))).toBe('A');
    expect(seedRole(new TextDecoder().decode(createOperator().getSeed()))).toBe('O');
    expect(seedRole(user.getPublicKey())).toBe(undefined);
  });

  it('a mutated public key is valid here exactly when nkeys accepts it', () => {
    const key = user.getPublicKey();
    fc.assert(
      fc.property(fc.nat({ max: key.length - 1 }), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567a1'.split('')), (i, ch) => {
        const k = key.slice(0, i) + ch + key.slice(i + 1);
        let theirs = true;
        try {
          fromPublic(k);
        } catch {
          theirs = false;
        }
        const ours = publicKeyBytes(k) !== undefined;
        if (k === key) expect(ours).toBe(true);
        else expect(ours).toBe(theirs);
      }),
      { numRuns: 300 },
    );
  });
});
