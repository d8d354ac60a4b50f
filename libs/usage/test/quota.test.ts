// The monthly quota check against a fresh PostgreSQL database with the project's migrations:
// accounts flip over quota (JWT re-signed with sb:rate_msgs=0, propagation enqueued) and back.
import { createAccount, createOperator } from '@nats-io/nkeys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitsFromClaims } from '@switchboard/accounts';
import type { Database } from '@switchboard/db';
import { testDatabase, type TestDatabase } from '@switchboard/testing';
import { RecordingPropagationQueue, signAccount, UNLIMITED } from '@switchboard/issuer';
import { verify } from '@switchboard/nats-jwt';
import { QuotaCheck, UsageStore, monthStart, overQuota, type UsageSample } from '../src/index.js';

let fresh: TestDatabase;
let db: Database;
let store: UsageStore;
const operator = createOperator();
const signer = createOperator(); // the operator's signing key
let operatorId: string;
let n = 0;

beforeAll(async () => {
  fresh = await testDatabase();
  db = fresh.db;
  store = new UsageStore(db.prisma);
  const op = await db.prisma.operator.create({ data: { name: 'op', publicKey: operator.getPublicKey(), seedEnc: Buffer.from('x'), jwt: 'x' } });
  operatorId = op.id;
});
afterAll(async () => {
  await fresh?.drop();
});

/** A tenant on a new plan and one account of it, its JWT signed as the control plane would. */
async function setup(plan: { rateMsgs: number; monthlyMsgs?: number; monthlyBytes?: number }) {
  const i = ++n;
  const p = await db.prisma.plan.create({
    data: { name: `p${i}`, rateMsgs: BigInt(plan.rateMsgs), monthlyMsgs: BigInt(plan.monthlyMsgs ?? -1), monthlyBytes: BigInt(plan.monthlyBytes ?? -1) },
  });
  const t = await db.prisma.tenant.create({ data: { name: `t${i}`, email: `t${i}@example.com`, planId: p.id } });
  const kp = createAccount();
  const pk = kp.getPublicKey();
  const { jwt } = signAccount({ publicKey: pk, name: `a${i}`, limits: { ...UNLIMITED, rateMsgs: plan.rateMsgs }, signingKeys: [] }, signer);
  const a = await db.prisma.account.create({
    data: { tenantId: t.id, operatorId, name: `a${i}`, publicKey: pk, seedEnc: Buffer.from('x'), jwt, jwtIssuedAt: new Date(Date.now() - 5000) },
  });
  return { id: a.id, pk, planId: p.id };
}

function sample(account: string, at: Date, msgsIn: number, bytesIn = 0): UsageSample {
  return {
    serverId: 'S1',
    serverName: 'S1',
    jsMemory: 0,
    jsStorage: 0,
    jsStreams: 0,
    jsConsumers: 0,
    account,
    at,
    msgsIn,
    msgsOut: 0,
    bytesIn,
    bytesOut: 0,
    totalConns: 1,
    throttledMs: 0,
    connections: 1,
    subscriptions: 0,
    leafNodes: 0,
  };
}

async function jwtOf(id: string) {
  const a = await db.prisma.account.findUniqueOrThrow({ where: { id } });
  const claims = verify(a.jwt, { type: 'account' }).claims;
  return { over: a.overQuotaSince !== null, tags: claims.nats.tags ?? [], limits: limitsFromClaims(claims.nats), iss: claims.iss };
}

describe('overQuota / monthStart', () => {
  it('reaching a quota counts; -1 is unlimited', () => {
    expect(overQuota({ monthlyMsgs: 10, monthlyBytes: -1 }, { msgs: 9, bytes: 1e12 })).toBe(false);
    expect(overQuota({ monthlyMsgs: 10, monthlyBytes: -1 }, { msgs: 10, bytes: 0 })).toBe(true);
    expect(overQuota({ monthlyMsgs: -1, monthlyBytes: 100 }, { msgs: 1e9, bytes: 100 })).toBe(true);
    expect(overQuota({ monthlyMsgs: 0, monthlyBytes: -1 }, { msgs: 0, bytes: 0 })).toBe(true);
  });
  it('months start at 00:00 UTC on the 1st', () => {
    expect(monthStart(new Date('2026-11-30T23:59:59.999Z')).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(monthStart(new Date('2026-12-01T00:00:00.000Z')).toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });
});

describe('QuotaCheck', () => {
  it('holds publishers at the monthly message quota, lifts on a raised quota and in a new month', async () => {
    const acc = await setup({ rateMsgs: 50, monthlyMsgs: 100 });
    let now = new Date('2026-11-20T10:30:00Z');
    const queue = new RecordingPropagationQueue();
    const check = new QuotaCheck({ db: db.prisma, signer, queue, now: () => now });

    await store.record(sample(acc.pk, new Date('2026-10-31T23:00:00Z'), 500)); // last month's use does not count
    await store.record(sample(acc.pk, now, 599));
    expect(await check.run()).toEqual({ held: [], lifted: [] });
    expect((await jwtOf(acc.id)).limits.rateMsgs).toBe(50);

    await store.record(sample(acc.pk, now, 600)); // 100 this month
    expect(await check.run()).toEqual({ held: [acc.pk], lifted: [] });
    const held = await jwtOf(acc.id);
    expect(held.over).toBe(true);
    expect(held.tags).toContain('sb:rate_msgs=0');
    expect(held.limits.rateMsgs).toBe(0);
    expect(held.iss).toBe(signer.getPublicKey());
    expect(queue.enqueued).toContain(acc.pk);
    expect(await check.run()).toEqual({ held: [], lifted: [] }); // nothing changes twice

    // An operator override raises the quota: lifted, the plan's rate is back.
    await db.prisma.account.update({ where: { id: acc.id }, data: { limits: { monthlyMsgs: 1000 } } });
    expect(await check.run()).toEqual({ held: [], lifted: [acc.pk] });
    expect(await jwtOf(acc.id)).toMatchObject({ over: false, limits: { rateMsgs: 50 } });

    await db.prisma.account.update({ where: { id: acc.id }, data: { limits: {} } });
    expect((await check.run()).held).toEqual([acc.pk]);

    now = new Date('2026-12-01T00:00:05Z'); // a new month: nothing used yet
    expect(await check.run()).toEqual({ held: [], lifted: [acc.pk] });
    expect(await jwtOf(acc.id)).toMatchObject({ over: false, tags: ['sb:rate_msgs=50'] });
  });

  it('a byte quota holds too; accounts without quotas are never touched', async () => {
    const acc = await setup({ rateMsgs: -1, monthlyBytes: 1000 });
    const free = await setup({ rateMsgs: -1 });
    const now = new Date('2026-11-20T11:00:00Z');
    const check = new QuotaCheck({ db: db.prisma, signer, queue: new RecordingPropagationQueue(), now: () => now });
    await store.record(sample(acc.pk, now, 3, 1000));
    await store.record(sample(free.pk, now, 1e6, 1e9));
    const before = (await db.prisma.account.findUniqueOrThrow({ where: { id: free.id } })).jwt;
    const c = await check.run();
    expect(c.held).toContain(acc.pk);
    expect(c.held).not.toContain(free.pk);
    expect(await jwtOf(acc.id)).toMatchObject({ over: true, tags: ['sb:rate_msgs=0'] });
    expect((await db.prisma.account.findUniqueOrThrow({ where: { id: free.id } })).jwt).toBe(before);
  });
});
