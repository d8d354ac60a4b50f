import { describe, expect, it } from 'vitest';
import { MemoryResolver, type AccountUpdate } from '../src/index.js';
import { createAccount, makeOperator, recordingLogger } from './helpers.js';

const op = makeOperator();
const acct = createAccount();
const key = acct.getPublicKey();
const t0 = Date.now();

describe('MemoryResolver', () => {
  it('serves preloaded accounts and nothing else', async () => {
    const jwt = op.issue(acct);
    const r = new MemoryResolver({ trust: op.trust, preload: { [key]: jwt } });
    await r.start();
    expect(r.kind).toBe('MEMORY');
    expect(await r.fetch(key)).toBe(jwt);
    expect(await r.fetch(createAccount().getPublicKey())).toBeUndefined();
    expect(await r.fetch('nonsense')).toBeUndefined();
  });

  it('leaves out (and logs) preloads it cannot use', async () => {
    const log = recordingLogger();
    const stranger = createAccount();
    const r = new MemoryResolver({
      trust: op.trust,
      logger: log,
      preload: { [key]: makeOperator().issue(acct), [stranger.getPublicKey()]: op.issue(acct) },
    });
    expect(await r.fetch(key)).toBeUndefined();
    expect(await r.fetch(stranger.getPublicKey())).toBeUndefined();
    expect(log.lines).toHaveLength(2);
    expect(log.lines[0]).toMatch(/preloaded account .* not used: .*not signed by a trusted operator/);
    expect(log.lines[1]).toMatch(/wanted account/);
  });

  it('store: newest iat wins, an equal iat replaces, the same jti changes nothing', async () => {
    const older = op.issue(acct, { issuedAt: t0 - 5000, name: 'older' });
    const base = op.issue(acct, { issuedAt: t0, name: 'base' });
    const sameSecond = op.issue(acct, { issuedAt: t0, name: 'same-second' });
    const newer = op.issue(acct, { issuedAt: t0 + 5000, name: 'newer' });
    const r = new MemoryResolver({ trust: op.trust, preload: { [key]: base } });
    const updates: AccountUpdate[] = [];
    const off = r.onUpdate((u) => updates.push(u));

    expect(await r.store(key, older)).toMatchObject({ status: 'stale' });
    expect(await r.fetch(key)).toBe(base);
    expect(await r.store(key, base)).toEqual({ status: 'unchanged' });
    const same = await r.store(key, sameSecond);
    expect(same).toMatchObject({ status: 'stored', previous: base });
    expect(await r.fetch(key)).toBe(sameSecond);
    expect(await r.store(key, newer)).toMatchObject({ status: 'stored', previous: sameSecond });
    expect(await r.fetch(key)).toBe(newer);
    expect(updates.map((u) => u.claims.name)).toEqual(['same-second', 'newer']);
    off();
    expect(await r.store(key, op.issue(acct, { issuedAt: t0 + 9000 }))).toMatchObject({ status: 'stored' });
    expect(updates).toHaveLength(2);
  });

  it('the first store of an account is not an update', async () => {
    const r = new MemoryResolver({ trust: op.trust });
    const updates: AccountUpdate[] = [];
    r.onUpdate((u) => updates.push(u));
    expect(await r.store(key, op.issue(acct))).toMatchObject({ status: 'stored', previous: undefined });
    expect(updates).toEqual([]);
  });

  it('concurrent stores end with the newest, whatever the order they were offered in', async () => {
    const jwts = [3, 1, 4, 1, 5, 9, 2, 6].map((n) => op.issue(acct, { issuedAt: t0 + n * 1000, name: `v${n}` }));
    const r = new MemoryResolver({ trust: op.trust });
    await Promise.all(jwts.map((j) => r.store(key, j)));
    expect(await r.fetch(key)).toBe(jwts[5]);
  });

  it('store refuses what is not an acceptable account JWT for the key', async () => {
    const r = new MemoryResolver({ trust: op.trust });
    const other = createAccount();
    const cases: Array<[string, string, RegExp]> = [
      [key, 'garbage', /not valid/],
      [key, op.jwt, /not valid/],
      [key, op.issue(other), /wanted account/],
      [key, makeOperator().issue(acct), /not signed by a trusted operator/],
      ['ABC', op.issue(acct), /not an account public key/],
      [key, op.issue(acct, { signer: op.operator, edit: (c) => (c.nats.limits = { ...c.nats.limits!, conn: 5 }) }), /./],
    ];
    for (const [k, jwt, reason] of cases.slice(0, 5)) {
      const s = await r.store(k, jwt);
      expect(s.status, `${jwt.slice(0, 20)}`).toBe('rejected');
      expect(s.status === 'rejected' && s.reason).toMatch(reason);
    }
    expect(await r.store(key, undefined as unknown as string)).toMatchObject({ status: 'rejected' });
    expect(await r.fetch(key)).toBeUndefined();
    // Signed by the operator's identity key (allowed without strict signing key usage).
    expect((await r.store(key, cases[5]![1])).status).toBe('stored');
  });

  it('an expired JWT with a newer iat wins: that is how an operator ends an account', async () => {
    const now = Math.floor(t0 / 1000);
    const live = op.issue(acct, { issuedAt: t0 - 10_000 });
    const revoked = op.issue(acct, { issuedAt: t0, edit: (c) => (c.exp = now - 1) });
    const r = new MemoryResolver({ trust: op.trust, preload: { [key]: live } });
    expect(await r.store(key, revoked)).toMatchObject({ status: 'stored' });
    expect(await r.fetch(key)).toBe(revoked);
  });

  it('a throwing update listener does not break store', async () => {
    const log = recordingLogger();
    const r = new MemoryResolver({ trust: op.trust, logger: log, preload: { [key]: op.issue(acct, { issuedAt: t0 - 1000 }) } });
    r.onUpdate(() => {
      throw new Error('boom');
    });
    expect((await r.store(key, op.issue(acct, { issuedAt: t0 }))).status).toBe('stored');
    expect(log.lines[0]).toMatch(/listener failed .*boom/);
  });
});
