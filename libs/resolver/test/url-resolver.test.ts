import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResolverError, UrlResolver, type AccountUpdate } from '../src/index.js';
import { startAccountServer, type AccountServer } from './account-server.js';
import { waitFor } from '@switchboard/testing';
import { createAccount, fakeClock, makeOperator, recordingLogger, tempDir } from './helpers.js';

const op = makeOperator();
const acct = createAccount();
const key = acct.getPublicKey();

let http: AccountServer;
let tmp: ReturnType<typeof tempDir>;
const open: UrlResolver[] = [];

function resolver(opts: Partial<ConstructorParameters<typeof UrlResolver>[0]> = {}): UrlResolver {
  const r = new UrlResolver({ trust: op.trust, url: http.url, cacheDir: tmp.dir, ...opts });
  open.push(r);
  return r;
}

beforeEach(async () => {
  http = await startAccountServer();
  tmp = tempDir();
});
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
  await http.close();
  tmp.remove();
});

describe('UrlResolver fetch', () => {
  it('fetches GET <base><key>, caches it in memory and on disk', async () => {
    const jwt = op.issue(acct);
    http.accounts.set(key, jwt);
    const r = resolver();
    expect(r.kind).toBe('URL');
    expect(await r.fetch(key)).toBe(jwt);
    expect(await r.fetch(key)).toBe(jwt);
    expect(http.count(key)).toBe(1);
    expect(readFileSync(join(tmp.dir, `${key}.jwt`), 'utf8')).toBe(jwt);
    expect(readdirSync(tmp.dir)).toEqual([`${key}.jwt`]);
  });

  it('accepts a base URL without the trailing slash and trims a trailing newline from the answer', async () => {
    const jwt = op.issue(acct);
    http.override.set(key, { body: `${jwt}\n` });
    const r = resolver({ url: http.url.replace(/\/$/, '') });
    expect(r.base).toBe(http.url);
    expect(await r.fetch(key)).toBe(jwt);
  });

  it('404 means no such account (and is not asked again within the retry interval)', async () => {
    const clock = fakeClock();
    const r = resolver({ now: clock.now });
    expect(await r.fetch(key)).toBeUndefined();
    expect(await r.fetch(key)).toBeUndefined();
    expect(http.count(key)).toBe(1);
    const jwt = op.issue(acct);
    http.accounts.set(key, jwt);
    clock.advance(1001);
    expect(await r.fetch(key)).toBe(jwt);
    expect(http.count(key)).toBe(2);
  });

  it('never asks the URL for something that is not an account key', async () => {
    const r = resolver();
    expect(await r.fetch('../../etc/passwd')).toBeUndefined();
    expect(await r.fetch(op.operator.getPublicKey())).toBeUndefined();
    expect([...http.hits.keys()]).toEqual([]);
  });

  it('refetches after the TTL and tells listeners when the JWT changed', async () => {
    const clock = fakeClock();
    const t0 = clock.now();
    const first = op.issue(acct, { issuedAt: t0 - 10_000 });
    http.accounts.set(key, first);
    const r = resolver({ now: clock.now, ttlMs: 60_000 });
    const updates: AccountUpdate[] = [];
    r.onUpdate((u) => updates.push(u));
    expect(await r.fetch(key)).toBe(first);
    const second = op.issue(acct, { issuedAt: t0, name: 'renamed' });
    http.accounts.set(key, second);
    clock.advance(59_999);
    expect(await r.fetch(key)).toBe(first);
    expect(http.count(key)).toBe(1);
    clock.advance(2);
    expect(await r.fetch(key)).toBe(second);
    expect(http.count(key)).toBe(2);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ pubkey: key, jwt: second, previous: first });
    expect(updates[0]!.claims.name).toBe('renamed');
    expect(readFileSync(join(tmp.dir, `${key}.jwt`), 'utf8')).toBe(second);
  });

  it('never serves a JWT past its exp without asking again', async () => {
    const clock = fakeClock();
    const now = clock.now();
    const jwt = op.issue(acct, { issuedAt: now, edit: (c) => (c.exp = Math.floor(now / 1000) + 30) });
    http.accounts.set(key, jwt);
    const r = resolver({ now: clock.now, ttlMs: 3_600_000 });
    await r.fetch(key);
    clock.advance(29_000);
    await r.fetch(key);
    expect(http.count(key)).toBe(1);
    clock.advance(2_000);
    await r.fetch(key);
    expect(http.count(key)).toBe(2);
  });

  it('coalesces concurrent fetches of one account into one request', async () => {
    const jwt = op.issue(acct);
    http.accounts.set(key, jwt);
    http.hold.add(key);
    const r = resolver();
    const all = Promise.all(Array.from({ length: 20 }, () => r.fetch(key)));
    await waitFor(() => http.held() === 1, 10_000, 'the request to reach the server');
    http.release();
    expect(new Set(await all)).toEqual(new Set([jwt]));
    expect(http.count(key)).toBe(1);
  });

  it('a restarted resolver serves known accounts from disk while the URL is down', async () => {
    const jwt = op.issue(acct);
    http.accounts.set(key, jwt);
    const other = createAccount();
    const first = resolver();
    expect(await first.fetch(key)).toBe(jwt);
    await first.close();
    await http.close();

    const log = recordingLogger();
    const second = resolver({ logger: log });
    await second.start(); // the startup probe fails: a warning, not an error
    expect(log.lines.some((l) => l.includes('could not fetch'))).toBe(true);
    expect(await second.fetch(key)).toBe(jwt);
    expect(log.lines.some((l) => l.includes('serving the cached JWT') && l.includes(key))).toBe(true);
    // Unknown and not cached: the failure is reported, not hidden as "no such account".
    const err = await second.fetch(other.getPublicKey()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResolverError);
    expect((err as ResolverError).code).toBe('unreachable');
    expect((err as ResolverError).message).toMatch(/could not fetch <".*">: .*ECONNREFUSED/);
  });

  it('falls back to the cached JWT on a server error, and asks again after the retry interval', async () => {
    const clock = fakeClock();
    const jwt = op.issue(acct);
    http.accounts.set(key, jwt);
    const r = resolver({ now: clock.now, ttlMs: 1000 });
    await r.fetch(key);
    http.override.set(key, { status: 503 });
    clock.advance(1001);
    expect(await r.fetch(key)).toBe(jwt);
    expect(await r.fetch(key)).toBe(jwt);
    expect(http.count(key)).toBe(2);
    http.override.delete(key);
    clock.advance(1001);
    expect(await r.fetch(key)).toBe(jwt);
    expect(http.count(key)).toBe(3);
  });

  it('times out a resolver that does not answer and falls back to disk', async () => {
    const jwt = op.issue(acct);
    const seed = resolver();
    expect((await seed.store(key, jwt)).status).toBe('stored');
    await seed.close();
    http.hold.add(key);
    const log = recordingLogger();
    const r = resolver({ timeoutMs: 150, logger: log });
    expect(await r.fetch(key)).toBe(jwt);
    expect(log.lines.join('\n')).toMatch(/no answer within 150ms/);
  });

  it('reports an error when nothing is cached and the server answers 500', async () => {
    http.override.set(key, { status: 500 });
    const r = resolver();
    await expect(r.fetch(key)).rejects.toThrow(/could not fetch <".*">: 500 Internal Server Error/);
  });
});

describe('UrlResolver refuses unusable answers', () => {
  const cases: Array<[string, () => string | Buffer]> = [
    ['garbage', () => 'not a jwt'],
    ['an operator JWT', () => op.jwt],
    ['an account JWT for another account', () => op.issue(createAccount())],
    ['an account JWT signed by an untrusted operator', () => makeOperator().issue(acct)],
    [
      'a tampered account JWT',
      () => {
        const [h, p, s] = op.issue(acct).split('.') as [string, string, string];
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
        claims.nats.limits = { conn: -1 };
        return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
      },
    ],
    ['binary noise', () => Buffer.from([0, 255, 254, 10, 0, 46, 46])],
    ['a body over the JWT size limit', () => 'e'.repeat(1024 * 1024 + 1)],
  ];
  for (const [what, body] of cases) {
    it(`${what}: not used, not cached; the last good JWT is served instead`, async () => {
      const good = op.issue(acct);
      const clock = fakeClock();
      const r = resolver({ now: clock.now, ttlMs: 1000 });
      http.override.set(key, { body: body() });
      const err = await r.fetch(key).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ResolverError);
      expect((err as ResolverError).code).toBe('invalid_jwt');
      expect(existsSync(join(tmp.dir, `${key}.jwt`))).toBe(false);

      http.override.delete(key);
      http.accounts.set(key, good);
      clock.advance(1001);
      expect(await r.fetch(key)).toBe(good);
      http.override.set(key, { body: body() });
      clock.advance(1001);
      expect(await r.fetch(key)).toBe(good);
      expect(readFileSync(join(tmp.dir, `${key}.jwt`), 'utf8')).toBe(good);
    });
  }

  it("an expired JWT is the resolver's answer: served, the broker refuses it at use", async () => {
    const now = Date.now();
    const expired = op.issue(acct, { issuedAt: now, edit: (c) => (c.exp = Math.floor(now / 1000) - 60) });
    http.accounts.set(key, expired);
    const r = resolver();
    expect(await r.fetch(key)).toBe(expired);
  });
});

describe('UrlResolver store', () => {
  it('stores pushed JWTs in memory and on disk, newest wins, and a later fetch keeps the newer push', async () => {
    const clock = fakeClock();
    const t0 = clock.now();
    const old = op.issue(acct, { issuedAt: t0 - 60_000 });
    const pushed = op.issue(acct, { issuedAt: t0, name: 'pushed' });
    http.accounts.set(key, old);
    const r = resolver({ now: clock.now, ttlMs: 1000 });
    const updates: AccountUpdate[] = [];
    r.onUpdate((u) => updates.push(u));
    expect(await r.fetch(key)).toBe(old);
    const s = await r.store(key, pushed);
    expect(s.status).toBe('stored');
    expect(updates.map((u) => u.jwt)).toEqual([pushed]);
    expect(await r.fetch(key)).toBe(pushed);
    expect(http.count(key)).toBe(1);
    expect(readFileSync(join(tmp.dir, `${key}.jwt`), 'utf8')).toBe(pushed);
    // The URL still serves the older one: it does not undo the push.
    clock.advance(1001);
    expect(await r.fetch(key)).toBe(pushed);
    expect(http.count(key)).toBe(2);
    expect((await r.store(key, old)).status).toBe('stale');
    expect((await r.store(key, pushed)).status).toBe('unchanged');
    expect(updates).toHaveLength(1);
  });

  it('a stored account is served without asking the URL', async () => {
    const r = resolver();
    const jwt = op.issue(acct);
    expect((await r.store(key, jwt)).status).toBe('stored');
    expect(await r.fetch(key)).toBe(jwt);
    expect(http.count(key)).toBe(0);
  });

  it('sends URL credentials as Basic auth and keeps the password out of messages', async () => {
    http.override.set(key, { status: 500 });
    const withCreds = http.url.replace('http://', 'http://bob:s3cret@');
    const r = resolver({ url: withCreds });
    const err = (await r.fetch(key).catch((e: unknown) => e)) as Error;
    expect(http.lastHeaders?.authorization).toBe(`Basic ${Buffer.from('bob:s3cret').toString('base64')}`);
    expect(err.message).toContain('bob:xxxxx@');
    expect(err.message).not.toContain('s3cret');
  });

  it('close() stops fetching', async () => {
    const r = resolver();
    await r.close();
    await expect(r.fetch(key)).rejects.toMatchObject({ code: 'closed' });
  });
});
