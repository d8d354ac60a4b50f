// GET /v1/accounts/:id/usage on real PostgreSQL: what the worker's store holds for the account,
// hourly and in total, with the usual scope (a tenant sees its own accounts only).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@switchboard/db';
import { HOUR_MS, UsageStore, type UsageSample } from '@switchboard/usage';
import { DATABASE } from '../src/tokens.js';
import { startControlPlane, type Harness } from './harness.js';

describe('account usage API', { timeout: 60_000 }, () => {
  let h: Harness;
  const A = { accountId: '', publicKey: '', token: '' };
  const B = { accountId: '', publicKey: '', token: '' };
  const H0 = Date.UTC(2026, 9, 1, 8); // 2026-10-01T08:00Z

  const sample = (account: string, server: string, at: number, c: Partial<UsageSample>): UsageSample => ({
    serverId: server,
    serverName: server,
    jsMemory: 0,
    jsStorage: 0,
    jsStreams: 0,
    jsConsumers: 0,
    account,
    at: new Date(at),
    msgsIn: 0,
    msgsOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    totalConns: 0,
    throttledMs: 0,
    connections: 0,
    subscriptions: 0,
    leafNodes: 0,
    ...c,
  });

  beforeAll(async () => {
    h = await startControlPlane();
    for (const [t, email, org] of [
      [A, 'a@usage.example', 'UsageA'],
      [B, 'b@usage.example', 'UsageB'],
    ] as const) {
      const r = await h.call('POST', '/v1/signup', undefined, { email, organization: org });
      expect(r.status).toBe(201);
      Object.assign(t, { accountId: r.body.account.id, publicKey: r.body.account.publicKey, token: r.body.token });
    }
    const store = new UsageStore(h.app.get<Database>(DATABASE).prisma);
    // Two brokers for A over two hours; B elsewhere.
    await store.record(
      sample(A.publicKey, 'S1', H0 + 1000, { msgsIn: 10, bytesIn: 100, msgsOut: 30, bytesOut: 300, totalConns: 1, connections: 1, subscriptions: 2 }),
    );
    await store.record(
      sample(A.publicKey, 'S2', H0 + 2000, {
        msgsIn: 5,
        bytesIn: 50,
        totalConns: 2,
        connections: 2,
        subscriptions: 1,
        leafNodes: 1,
        throttledMs: 7,
        jsStorage: 4096,
        jsMemory: 64,
        jsStreams: 2,
        jsConsumers: 1,
      }),
    );
    await store.record(
      sample(A.publicKey, 'S1', H0 + HOUR_MS + 1000, { msgsIn: 12, bytesIn: 120, msgsOut: 31, bytesOut: 310, totalConns: 1, connections: 1, subscriptions: 2 }),
    );
    await store.record(sample(B.publicKey, 'S1', H0 + 1000, { msgsIn: 999 }));
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('returns totals and hours for the range, summed over brokers', async () => {
    const r = await h.call(
      'GET',
      `/v1/accounts/${A.accountId}/usage?from=${new Date(H0).toISOString()}&to=${new Date(H0 + 3 * HOUR_MS).toISOString()}`,
      A.token,
    );
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      accountId: A.accountId,
      publicKey: A.publicKey,
      from: new Date(H0).toISOString(),
      to: new Date(H0 + 3 * HOUR_MS).toISOString(),
      totals: {
        msgsIn: 17,
        msgsOut: 31,
        bytesIn: 170,
        bytesOut: 310,
        connections: 3,
        subscriptions: 3,
        leafNodes: 1,
        throttledMs: 7,
        connectionsOpened: 3,
        jsMemory: 64,
        jsStorage: 4096,
        jsStreams: 2,
        jsConsumers: 1,
      },
      hourly: [
        {
          period: new Date(H0).toISOString(),
          msgsIn: 15,
          msgsOut: 30,
          bytesIn: 150,
          bytesOut: 300,
          connections: 3,
          subscriptions: 3,
          leafNodes: 1,
          throttledMs: 7,
          connectionsOpened: 3,
          jsMemory: 64,
          jsStorage: 4096,
          jsStreams: 2,
          jsConsumers: 1,
        },
        {
          period: new Date(H0 + HOUR_MS).toISOString(),
          msgsIn: 2,
          msgsOut: 1,
          bytesIn: 20,
          bytesOut: 10,
          connections: 1,
          subscriptions: 2,
          leafNodes: 0,
          throttledMs: 0,
          connectionsOpened: 0,
          jsMemory: 0,
          jsStorage: 0,
          jsStreams: 0,
          jsConsumers: 0,
        },
      ],
      quota: { monthlyMsgs: -1, monthlyBytes: -1, overQuota: false },
      // The tenant's leaf node connections (peak) beside the account's `leaf` limit (the plan's; -1 unlimited).
      leafNodes: { peak: 1, limit: -1 },
    });
  });

  it('rounds from down to its hour and leaves out hours outside the range', async () => {
    const r = await h.call(
      'GET',
      `/v1/accounts/${A.accountId}/usage?from=${new Date(H0 + HOUR_MS + 60_000).toISOString()}&to=${new Date(H0 + 2 * HOUR_MS).toISOString()}`,
      A.token,
    );
    expect(r.status).toBe(200);
    expect(r.body.from).toBe(new Date(H0 + HOUR_MS).toISOString());
    expect(r.body.hourly.map((x: { msgsIn: number }) => x.msgsIn)).toEqual([2]);
  });

  it('defaults to this month: nothing reported yet', async () => {
    const r = await h.call('GET', `/v1/accounts/${A.accountId}/usage`, A.token);
    expect(r.status).toBe(200);
    expect(r.body.totals.msgsIn).toBe(0);
    expect(r.body.hourly).toEqual([]);
    expect(new Date(r.body.from).getUTCDate()).toBe(1);
  });

  it('another tenant gets 404; the operator admin sees any account', async () => {
    expect((await h.call('GET', `/v1/accounts/${A.accountId}/usage`, B.token)).status).toBe(404);
    const q = `from=${new Date(H0).toISOString()}&to=${new Date(H0 + HOUR_MS).toISOString()}`;
    const r = await h.call('GET', `/v1/accounts/${B.accountId}/usage?${q}`, h.adminToken);
    expect(r.status).toBe(200);
    expect(r.body.totals.msgsIn).toBe(999);
    expect((await h.call('GET', `/v1/accounts/${A.accountId}/usage?${q}`)).status).toBe(401);
  });

  it.each([
    ['a bad date', 'from=yesterday', 'from'],
    ['from after to', `from=${new Date(H0 + HOUR_MS).toISOString()}&to=${new Date(H0).toISOString()}`, 'from'],
    ['over a year', `from=2024-01-01&to=2026-01-01`, 'to'],
  ])('refuses %s with 400 naming the field', async (_n, q, field) => {
    const r = await h.call('GET', `/v1/accounts/${A.accountId}/usage?${q}`, A.token);
    expect(r.status).toBe(400);
    expect(r.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });
});
