// No API call can leave an account JWT that nats-server refuses: what would be refused is a 400
// naming the field (nothing stored), and the JWTs the API does sign load in the real nats-server.
import { createUser } from '@nats-io/nkeys';
import fc from 'fast-check';
import { connect, jwtAuthenticator } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccount, decode, trustOperators, type AccountClaims, type Trust } from '@switchboard/nats-jwt';
import { operatorModeConfig, startNatsServer } from '@switchboard/testing';
import { startControlPlane, type Harness } from './harness.js';

describe('account JWTs the API signs', { timeout: 120_000 }, () => {
  let h: Harness;
  let trust: Trust;
  let operatorJwt: string;
  let sys: { publicKey: string; jwt: string };
  const tenants: { accountId: string; publicKey: string; token: string }[] = [];

  beforeAll(async () => {
    h = await startControlPlane({ SIGNUPS_PER_HOUR: '50' });
    const op = (await h.call('GET', '/v1/operator', h.adminToken)).body;
    operatorJwt = op.jwt;
    sys = op.systemAccount;
    trust = trustOperators([operatorJwt]);
    for (const i of [1, 2, 3]) {
      const r = await h.call('POST', '/v1/signup', undefined, { email: `v${i}@example.com`, organization: `V${i}` });
      expect(r.status).toBe(201);
      tenants.push({ accountId: r.body.account.id, publicKey: r.body.account.publicKey, token: r.body.token });
    }
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const jwtOf = async (t: (typeof tenants)[number]) => (await h.call('GET', `/v1/accounts/${t.accountId}/jwt`, t.token)).text;

  it('refuses an export whose account token position is beyond its subject with a 400 naming the field, storing nothing', async () => {
    const t = tenants[0]!;
    const before = await jwtOf(t);
    const r = await h.call('POST', `/v1/accounts/${t.accountId}/exports`, t.token, {
      name: 'per-account',
      subject: 'svc.*',
      type: 'service',
      accountTokenPosition: 3,
    });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ statusCode: 400, message: 'validation failed' });
    expect(r.body.details).toEqual([
      {
        field: 'accountTokenPosition',
        message: `nats-server would refuse the account JWT: export "per-account" (svc.*): Account Token Position 3 exceeds length of subject 'svc.*'`,
      },
    ]);
    expect((await h.call('GET', `/v1/accounts/${t.accountId}/exports`, t.token)).body.items).toEqual([]);
    expect(await jwtOf(t)).toBe(before);
    // The same export with the position on its `*` is taken.
    expect(
      (
        await h.call('POST', `/v1/accounts/${t.accountId}/exports`, t.token, {
          name: 'per-account',
          subject: 'svc.*',
          type: 'service',
          accountTokenPosition: 2,
        })
      ).status,
    ).toBe(201);
  });

  it('refuses a service export that overlaps another (nats-server would drop the account) with a 400 on subject', async () => {
    const t = tenants[0]!;
    const r = await h.call('POST', `/v1/accounts/${t.accountId}/exports`, t.token, { name: 'all', subject: 'svc.>', type: 'service' });
    expect(r.status).toBe(400);
    expect(r.body.details[0]).toMatchObject({ field: 'subject', message: expect.stringContaining('service export subject "svc.>" already exports "svc.*"') });
  });

  it('property: after any sequence of export/import calls every stored JWT is valid, and nats-server takes them all', async () => {
    const token = fc.constantFrom('a', 'b', '*', '>');
    const subject = fc.array(token, { minLength: 1, maxLength: 3 }).map((ts) => ts.map((t, i) => (t === '>' && i < ts.length - 1 ? 'x' : t)).join('.'));
    const exportBody = fc.record(
      {
        name: fc.constantFrom('e1', 'e2', 'e3'),
        subject,
        type: fc.constantFrom('stream', 'service'),
        accountTokenPosition: fc.integer({ min: 1, max: 4 }),
        responseType: fc.constantFrom('Singleton', 'Stream', 'Chunked'),
      },
      { requiredKeys: ['name', 'subject', 'type'] },
    );
    const importBody = fc.record(
      { name: fc.constantFrom('i1', 'i2'), subject, localSubject: subject, type: fc.constantFrom('stream', 'service') },
      { requiredKeys: ['name', 'subject', 'type'] },
    );
    const call = fc.record({
      who: fc.nat({ max: 2 }),
      from: fc.nat({ max: 2 }),
      body: fc.oneof(
        exportBody.map((b) => ({ kind: 'exports' as const, b })),
        importBody.map((b) => ({ kind: 'imports' as const, b })),
      ),
    });
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 6 }), async (calls) => {
        for (const c of calls) {
          const t = tenants[c.who]!;
          const body = c.body.kind === 'imports' ? { ...c.body.b, account: tenants[c.from]!.publicKey } : c.body.b;
          const r = await h.call('POST', `/v1/accounts/${t.accountId}/${c.body.kind}`, t.token, body);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          expect([201, 400, 409]).toContain(r.status);
          const check = checkAccount(await jwtOf(t), trust, { account: t.publicKey });
          expect(check.ok, JSON.stringify(check)).toBe(true);
        }
      }),
      { numRuns: 15 },
    );
    // Both outcomes happened: some calls were signed, some refused before signing.
    expect(statuses.get(201)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);

    const preload = Object.fromEntries([[sys.publicKey, sys.jwt], ...(await Promise.all(tenants.map(async (t) => [t.publicKey, await jwtOf(t)] as const)))]);
    const server = await startNatsServer({ config: operatorModeConfig({ operatorJwt, systemAccount: sys.publicKey, resolver: 'resolver: MEMORY', preload }) });
    try {
      for (const t of tenants) {
        // A user signed by the account's own signing key (made here: the API keeps its seeds).
        const claims = decode<AccountClaims>(preload[t.publicKey]!).claims;
        expect(claims.nats.signing_keys?.length).toBeGreaterThan(0);
        const u = createUser();
        const users = await h.call('POST', `/v1/accounts/${t.accountId}/users`, t.token, {
          name: `probe-${u.getPublicKey().slice(1, 8)}`,
          publicKey: u.getPublicKey(),
        });
        expect(users.status).toBe(201);
        const nc = await connect({ servers: server.url, authenticator: jwtAuthenticator(users.body.jwt, u.getSeed()), reconnect: false, timeout: 5000 });
        await nc.close();
      }
    } finally {
      await server.stop();
    }
  });
});
