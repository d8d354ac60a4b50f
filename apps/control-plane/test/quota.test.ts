// Plan rates and monthly quotas from the API to the account JWT (sb: tags), and the worker's quota
// check flipping an account over quota and back, on real PostgreSQL; nats-server's own checks
// (checkAccount under the operator's trust) still accept every JWT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitsFromClaims } from '@switchboard/accounts';
import type { Database } from '@switchboard/db';
import { checkAccount, trustOperators, verify } from '@switchboard/nats-jwt';
import { QuotaCheck, UsageStore, type UsageSample } from '@switchboard/usage';
import { OperatorService } from '../src/operator/operator.service.js';
import { DATABASE } from '../src/tokens.js';
import { startControlPlane, type Harness } from './harness.js';

describe('plan rates and monthly quotas', { timeout: 60_000 }, () => {
  let h: Harness;
  let db: Database;
  const A = { accountId: '', publicKey: '', tenantId: '', token: '' };
  const now = new Date('2026-11-10T12:00:00Z');

  const sample = (msgsIn: number, bytesIn: number): UsageSample => ({
    serverId: 'S1',
    serverName: 'S1',
    jsMemory: 0,
    jsStorage: 0,
    jsStreams: 0,
    jsConsumers: 0,
    account: A.publicKey,
    at: now,
    msgsIn,
    msgsOut: 0,
    bytesIn,
    bytesOut: 0,
    totalConns: 1,
    throttledMs: 0,
    connections: 1,
    subscriptions: 0,
    leafNodes: 0,
  });
  const claims = async () => {
    const a = await db.prisma.account.findUniqueOrThrow({ where: { id: A.accountId } });
    const trust = trustOperators([(await db.prisma.operator.findFirstOrThrow()).jwt]);
    expect(checkAccount(a.jwt, trust, { account: A.publicKey }).ok).toBe(true);
    return verify(a.jwt, { type: 'account' }).claims.nats;
  };

  beforeAll(async () => {
    h = await startControlPlane();
    db = h.app.get<Database>(DATABASE);
    const r = await h.call('POST', '/v1/signup', undefined, { email: 'q@quota.example', organization: 'Quota' });
    expect(r.status).toBe(201);
    Object.assign(A, { accountId: r.body.account.id, publicKey: r.body.account.publicKey, tenantId: r.body.tenant.id, token: r.body.token });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('a plan carries rates, subs_total and monthly quotas; the account JWT gets sb: tags', async () => {
    const limits = { rateMsgs: 100, rateBytes: 65536, subsTotal: 50, monthlyMsgs: 20, monthlyBytes: -1 };
    const p = await h.call('POST', '/v1/plans', h.adminToken, { name: 'metered', limits });
    expect(p.status).toBe(201);
    expect(p.body.limits).toMatchObject(limits);
    expect((await h.call('POST', '/v1/plans', h.adminToken, { name: 'bad', limits: { rateMsgs: -2 } })).status).toBe(400);
    expect((await h.call('PATCH', `/v1/tenants/${A.tenantId}`, h.adminToken, { plan: 'metered' })).status).toBe(200);
    const nats = await claims();
    expect(nats.tags).toEqual(['sb:subs_total=50', 'sb:rate_msgs=100', 'sb:rate_bytes=65536']);
    expect(limitsFromClaims(nats)).toMatchObject({ maxAccountSubscriptions: 50, rateMsgs: 100, rateBytes: 65536 });
    // An override of one key keeps the plan's others.
    expect((await h.call('PATCH', `/v1/accounts/${A.accountId}`, h.adminToken, { limits: { rateBytes: 1024 } })).status).toBe(200);
    expect((await claims()).tags).toEqual(['sb:subs_total=50', 'sb:rate_msgs=100', 'sb:rate_bytes=1024']);
  });

  it('over the monthly quota: held (sb:rate_msgs=0) through control-plane re-signs too, until the quota is raised', async () => {
    const check = new QuotaCheck({ db: db.prisma, signer: h.app.get(OperatorService).signer(), queue: h.queue, now: () => now });
    await new UsageStore(db.prisma).record(sample(20, 2000));
    const queued = h.queue.enqueued.length;
    expect(await check.run()).toMatchObject({ held: [A.publicKey] });
    expect(h.queue.enqueued.slice(queued)).toEqual([A.publicKey]);
    expect(limitsFromClaims(await claims()).rateMsgs).toBe(0);
    const usage = await h.call('GET', `/v1/accounts/${A.accountId}/usage`, A.token);
    expect(usage.body.quota).toEqual({ monthlyMsgs: 20, monthlyBytes: -1, overQuota: true });

    // A control-plane change re-signs from the rows: still held.
    expect((await h.call('PATCH', `/v1/accounts/${A.accountId}`, h.adminToken, { limits: { maxConnections: 9 } })).status).toBe(200);
    expect(await claims()).toMatchObject({ limits: { conn: 9 }, tags: ['sb:subs_total=50', 'sb:rate_msgs=0', 'sb:rate_bytes=1024'] });

    expect((await h.call('PATCH', `/v1/accounts/${A.accountId}`, h.adminToken, { limits: { monthlyMsgs: 1000 } })).status).toBe(200);
    expect(await check.run()).toMatchObject({ lifted: [A.publicKey] });
    expect(limitsFromClaims(await claims()).rateMsgs).toBe(100);
    expect((await h.call('GET', `/v1/accounts/${A.accountId}/usage`, A.token)).body.quota).toEqual({ monthlyMsgs: 1000, monthlyBytes: -1, overQuota: false });
  });
});
