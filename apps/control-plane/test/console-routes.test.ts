// Routes added for the console, on real PostgreSQL: tenant search, plan edit (impact count, re-sign
// of every account on the plan), broker status and account connections from broker monitoring
// (an unmonitored and an unreachable broker are reported as such), scope checks.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type Harness } from './harness.js';

describe('console routes', { timeout: 60_000 }, () => {
  let h: Harness;
  let admin: string;
  const A = { tenantId: '', accountId: '', publicKey: '', token: '' };
  const B = { tenantId: '', accountId: '', token: '' };
  let monitor: http.Server;
  let monitorUrl = '';
  const asked: string[] = [];

  beforeAll(async () => {
    h = await startControlPlane();
    admin = h.adminToken;
    const a = (await h.call('POST', '/v1/signup', undefined, { email: 'a@routes.test', organization: 'Alpha Freight' })).body;
    Object.assign(A, { tenantId: a.tenant.id, accountId: a.account.id, publicKey: a.account.publicKey, token: a.token });
    const b = (await h.call('POST', '/v1/signup', undefined, { email: 'b@routes.test', organization: 'Beta' })).body;
    Object.assign(B, { tenantId: b.tenant.id, accountId: b.account.id, token: b.token });
    // A broker's monitoring endpoint as nats-server answers it (only what the console reads).
    monitor = http.createServer((req, res) => {
      asked.push(req.url!);
      res.setHeader('content-type', 'application/json');
      if (req.url!.startsWith('/varz'))
        return void res.end(
          JSON.stringify({ version: '2.9.10', uptime: '1m2s', connections: 3, subscriptions: 4, in_msgs: 10, out_msgs: 9, slow_consumers: 1 }),
        );
      const acc = new URL(req.url!, 'http://x').searchParams.get('acc');
      res.end(
        JSON.stringify({
          connections:
            acc === A.publicKey
              ? [
                  {
                    cid: 7,
                    name: 'app',
                    lang: 'nats.js',
                    version: '2.29.3',
                    ip: '127.0.0.1',
                    port: 5000,
                    rtt: '1ms',
                    uptime: '5s',
                    idle: '0s',
                    subscriptions: 2,
                    in_msgs: 5,
                    out_msgs: 1,
                    in_bytes: 50,
                    out_bytes: 10,
                    authorized_user: 'UX',
                  },
                ]
              : [],
        }),
      );
    });
    await new Promise<void>((r) => monitor.listen(0, '127.0.0.1', r));
    monitorUrl = `http://127.0.0.1:${(monitor.address() as AddressInfo).port}`;
    expect((await h.call('POST', '/v1/brokers', admin, { name: 'm1', url: 'nats://127.0.0.1:4999', monitorUrl })).status).toBe(201);
    expect((await h.call('POST', '/v1/brokers', admin, { name: 'm2-down', url: 'nats://127.0.0.1:4998', monitorUrl: 'http://127.0.0.1:9' })).status).toBe(201);
    expect((await h.call('POST', '/v1/brokers', admin, { name: 'm3-plain', url: 'nats://127.0.0.1:4997' })).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    monitor?.close();
    await h?.close();
  });

  it('searches tenants by name or email (operators only)', async () => {
    const byName = await h.call('GET', '/v1/tenants?q=FREIGHT', admin);
    expect(byName.body.items.map((t: { name: string }) => t.name)).toEqual(['Alpha Freight']);
    expect(byName.body.total).toBe(1);
    expect((await h.call('GET', '/v1/tenants?q=b@routes', admin)).body.items.map((t: { name: string }) => t.name)).toEqual(['Beta']);
    expect((await h.call('GET', '/v1/tenants?q=nothing-like-it', admin)).body).toEqual({ items: [], total: 0 });
    expect((await h.call('GET', '/v1/tenants?q=a', A.token)).status).toBe(403);
  });

  it('keeps the suspension reason in the audit log', async () => {
    expect((await h.call('PATCH', `/v1/tenants/${B.tenantId}`, admin, { status: 'suspended', reason: 'abuse report 17' })).status).toBe(200);
    const audit = (await h.call('GET', '/v1/audit?limit=5', admin)).body.items;
    expect(audit[0]).toMatchObject({ action: 'tenant.update', details: { status: 'suspended', reason: 'abuse report 17' } });
    expect((await h.call('PATCH', `/v1/tenants/${B.tenantId}`, admin, { status: 'active' })).status).toBe(200);
  });

  it('edits a plan: says how many accounts change, re-signs each of them, operators only', async () => {
    const free = (await h.call('GET', '/v1/plans', admin)).body.items.find((p: { name: string }) => p.name === 'free');
    expect((await h.call('GET', `/v1/plans/${free.id}/impact`, admin)).body).toEqual({ tenants: 2, accounts: 2 });
    expect((await h.call('GET', `/v1/plans/${free.id}/impact`, A.token)).status).toBe(403);
    expect((await h.call('PATCH', `/v1/plans/${free.id}`, A.token, { limits: { maxConnections: 1 } })).status).toBe(403);
    const bad = await h.call('PATCH', `/v1/plans/${free.id}`, admin, { limits: { maxConnections: -2 } });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('limits.maxConnections');
    const before = h.queue.enqueued.length;
    const r = await h.call('PATCH', `/v1/plans/${free.id}`, admin, { limits: { maxConnections: 42 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'free', accountsChanged: 2, limits: { maxConnections: 42, maxSubscriptions: 1000 } });
    const pushed = h.queue.enqueued.slice(before);
    expect(new Set(pushed)).toEqual(new Set([A.publicKey, (await h.call('GET', `/v1/accounts/${B.accountId}`, admin)).body.publicKey]));
    expect((await h.call('GET', `/v1/accounts/${A.accountId}`, A.token)).body.limits.maxConnections).toBe(42);
    const other = (await h.call('POST', '/v1/plans', admin, { name: 'empty-plan' })).body;
    expect((await h.call('PATCH', `/v1/plans/${other.id}`, admin, { maxAccounts: 5 })).body.accountsChanged).toBe(0);
    expect((await h.call('PATCH', '/v1/plans/00000000-0000-7000-8000-000000000000', admin, { maxAccounts: 5 })).status).toBe(404);
  });

  it("reports each broker's health from /varz; unmonitored and unreachable brokers say so", async () => {
    const r = await h.call('GET', '/v1/brokers/status', admin);
    expect(r.status).toBe(200);
    const byName = Object.fromEntries(r.body.items.map((b: { name: string }) => [b.name, b]));
    expect(byName.m1).toMatchObject({ health: 'ok', version: '2.9.10', uptime: '1m2s', connections: 3, slowConsumers: 1, monitorUrl });
    expect(byName['m2-down']).toMatchObject({ health: 'down' });
    expect(byName['m3-plain']).toMatchObject({ health: 'unmonitored' });
    expect((await h.call('GET', '/v1/brokers/status', A.token)).status).toBe(403);
  });

  it("lists an account's connections from /connz?acc=, only the own tenant's", async () => {
    const r = await h.call('GET', `/v1/accounts/${A.accountId}/connections`, A.token);
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([
      {
        broker: 'm1',
        cid: 7,
        name: 'app',
        lang: 'nats.js',
        version: '2.29.3',
        ip: '127.0.0.1:5000',
        rtt: '1ms',
        uptime: '5s',
        idle: '0s',
        subscriptions: 2,
        inMsgs: 5,
        outMsgs: 1,
        inBytes: 50,
        outBytes: 10,
        user: 'UX',
      },
    ]);
    expect(r.body.unreachable).toEqual(['m2-down']);
    expect(asked.some((u) => u.startsWith(`/connz?acc=${A.publicKey}`))).toBe(true);
    expect((await h.call('GET', `/v1/accounts/${A.accountId}/connections`, B.token)).status).toBe(404);
    expect((await h.call('GET', `/v1/accounts/${B.accountId}/connections`, B.token)).body.items).toEqual([]);
  });

  it('shows the propagation queue with dead letters named by tenant and account, and replays them (operators only)', async () => {
    h.queue.dead.push({ account: A.publicKey, reason: 'broker m1: timeout', attempts: 10, failedAt: '2026-12-02T10:00:00.000Z' });
    const r = await h.call('GET', '/v1/propagation', admin);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      waiting: 0,
      active: 0,
      retrying: 0,
      deadLetters: [
        {
          account: A.publicKey,
          reason: 'broker m1: timeout',
          attempts: 10,
          failedAt: '2026-12-02T10:00:00.000Z',
          accountName: 'default',
          tenant: 'Alpha Freight',
        },
      ],
    });
    expect((await h.call('GET', '/v1/propagation', A.token)).status).toBe(403);
    expect((await h.call('POST', '/v1/propagation/replay', A.token)).status).toBe(403);
    const before = h.queue.enqueued.length;
    expect((await h.call('POST', '/v1/propagation/replay', admin)).body).toEqual({ replayed: 1 });
    expect(h.queue.enqueued.slice(before)).toEqual([A.publicKey]);
    expect((await h.call('GET', '/v1/propagation', admin)).body.deadLetters).toEqual([]);
  });
});
