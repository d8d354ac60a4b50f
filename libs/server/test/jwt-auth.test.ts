import { encodeAccount, encodeOperator, encodeUser } from '@nats-io/jwt';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import fc from 'fast-check';
import { trustOperators } from '@switchboard/nats-jwt';
import { MemoryResolver } from '@switchboard/resolver';
import { describe, expect, it } from 'vitest';
import { defaultConnectOptions, JwtAuthenticator, type ServerLog as Logger } from '../src/index.js';

const operator = createOperator();
const account = createAccount();
const operatorJwt = await encodeOperator('OP', operator);
const accountJwt = await encodeAccount(
  'A',
  account,
  { limits: { subs: 5, payload: 64, data: -1, conn: -1, imports: -1, exports: -1, wildcards: true, leaf: -1 } },
  { signer: operator },
);
const trust = trustOperators([operatorJwt]);
const userKey = createUser();
const exp = Math.floor(Date.now() / 1000) + 3600;
const userJwt = await encodeUser('u', userKey, account, { pub: { allow: ['a.>'] }, resp: { max: 2, ttl: 5_000_000_000 } }, { exp });
const NONCE = 'abcdefghijklmno';
const sig = (nonce: string) => Buffer.from(userKey.sign(new TextEncoder().encode(nonce))).toString('base64url');

function setup() {
  const lines: string[] = [];
  const logger: Logger = { trace: false, log: (_l: string, m: string) => void lines.push(m) } as unknown as Logger;
  const resolver = new MemoryResolver({ trust, preload: { [account.getPublicKey()]: accountJwt } });
  return { auth: new JwtAuthenticator(trust, resolver, logger), lines };
}
const conn = { ip: '127.0.0.1', describe: () => '127.0.0.1:1 - cid:1' };
const opts = (o: Record<string, unknown>) => ({ ...defaultConnectOptions(), ...o });

describe('JwtAuthenticator', () => {
  it('accepts a signed nonce: account, user key, expiry, limits and response permission from the JWTs', async () => {
    const { auth } = setup();
    const r = await auth.authenticate(opts({ jwt: userJwt, sig: sig(NONCE) }), NONCE, conn);
    expect(r).toMatchObject({
      account: account.getPublicKey(),
      user: userKey.getPublicKey(),
      jwt: { userKey: userKey.getPublicKey(), expiresAt: exp * 1000, maxSubs: 5, maxPayload: 64, name: 'u' },
      responses: { maxMsgs: 2, ttlMs: 5_000 },
    });
    expect(r!.permissions!.canPublish('a.b')).toBe(true);
    expect(r!.permissions!.canPublish('b')).toBe(false);
  });

  it('keeps the account expiry apart from the user expiry (nats-server words them differently)', async () => {
    const accExp = exp - 600;
    const acc = await encodeAccount('A', account, {}, { signer: operator, exp: accExp });
    const lines: string[] = [];
    const logger = { trace: false, log: (_l: string, m: string) => void lines.push(m) } as unknown as Logger;
    const auth = new JwtAuthenticator(trust, new MemoryResolver({ trust, preload: { [account.getPublicKey()]: acc } }), logger);
    const r = await auth.authenticate(opts({ jwt: userJwt, sig: sig(NONCE) }), NONCE, conn);
    expect(r?.jwt).toMatchObject({ expiresAt: exp * 1000, accountExpiresAt: accExp * 1000 });
  });

  it('refuses with a logged reason that holds no secrets', async () => {
    const { auth, lines } = setup();
    const other = sig('another nonce');
    expect(await auth.authenticate(opts({ jwt: userJwt, sig: other }), NONCE, conn)).toBeNull();
    expect(auth.authenticate(opts({}), NONCE, conn)).toBeNull();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^127\.0\.0\.1:1 - cid:1 - authentication error - signature not verified/);
    for (const l of lines) {
      expect(l).not.toContain(other);
      expect(l).not.toContain(userJwt.split('.')[2]!);
    }
  });

  it('never throws or rejects, whatever the jwt and sig (property)', async () => {
    const { auth } = setup();
    const mutated = fc
      .tuple(fc.nat(userJwt.length - 1), fc.string({ minLength: 1, maxLength: 1 }))
      .map(([i, c]) => userJwt.slice(0, i) + c + userJwt.slice(i + 1));
    const jwtArb = fc.oneof(
      fc.string(),
      fc.constant(userJwt),
      mutated,
      fc.string().map((s) => `eyJ${s}.${s}.${s}`),
      fc.constant(accountJwt),
    );
    await fc.assert(
      fc.asyncProperty(jwtArb, fc.oneof(fc.string(), fc.constant(sig(NONCE))), fc.string(), async (jwt, s, nonce) => {
        const r = await auth.authenticate(opts({ jwt, sig: s }), nonce, conn);
        if (r !== null) expect(r.user).toBe(userKey.getPublicKey());
      }),
      { numRuns: 300 },
    );
  });
});
