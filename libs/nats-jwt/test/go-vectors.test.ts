import { describe, expect, it } from 'vitest';
import { fromSeed } from '@nats-io/nkeys';
import { authorizeUser, claimsHash, decode, formatCreds, parseCreds, trustOperators, verify } from '../src/index.js';
import { goVectors } from './helpers.js';

// Tokens and a .creds file made by nsc / nats-io/jwt v2 (Go), taken from nats-server's test configs.
describe('nats-server test vectors (Go-made)', () => {
  const v = goVectors();

  it('verifies the operator, accounts and user, each with its kind', () => {
    expect(verify(v.operator, { type: 'operator' }).claims.name).toBe('js-test');
    expect(verify(v.system, { type: 'account' }).claims.name).toBe('sys');
    const one = verify(v.one, { type: 'account' }).claims;
    expect(one.nats.limits).toMatchObject({ subs: -1, conn: -1, wildcards: true, mem_storage: 1073741824, streams: 100 });
    const { jwt } = parseCreds(v.creds);
    expect(verify(jwt, { type: 'user' }).claims.iss).toBe(one.sub);
  });

  it('recomputes the jti nats-io/jwt wrote (SHA-512/256 of the registered claims)', () => {
    const { jwt } = parseCreds(v.creds);
    for (const token of [v.operator, v.system, v.one, jwt]) {
      const c = decode(token).claims;
      const base: Record<string, unknown> = {};
      for (const k of ['aud', 'exp', 'iat', 'iss', 'name', 'nbf', 'sub'] as const) if (c[k]) base[k] = c[k];
      expect(claimsHash(base)).toBe(c.jti);
    }
  });

  it('formats the same .creds bytes as nsc', () => {
    const { jwt, seed } = parseCreds(v.creds);
    expect(formatCreds(jwt, seed)).toBe(v.creds);
    expect(fromSeed(new TextEncoder().encode(seed)).getPublicKey()).toBe(decode(jwt).claims.sub);
  });

  it('authorizes the Go-made user chain with a nonce signature', () => {
    const { jwt, seed } = parseCreds(v.creds);
    const nonce = 'gq1nP0qJRx6nG2s';
    const sig = Buffer.from(fromSeed(new TextEncoder().encode(seed)).sign(Buffer.from(nonce))).toString('base64url');
    const r = authorizeUser({ userJwt: jwt, accountJwt: v.one, trust: trustOperators([v.operator]), nonce, sig });
    expect(r).toMatchObject({ ok: true, account: decode(v.one).claims.sub, accountName: 'one', limits: { subs: -1, payload: -1, data: -1 } });
  });
});
