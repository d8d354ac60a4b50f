// Monthly quota end to end: an operator-mode broker (in process) reports usage, the worker stores
// it, finds account C at its plan's monthly quota, re-signs C's JWT with sb:rate_msgs=0 and pushes
// it; the broker then holds C's publisher (nothing dropped). Raising the quota lifts the hold and
// the held message arrives.
import { connect, jwtAuthenticator, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@switchboard/testing';
import { startWorker, type RunningWorker } from '../src/index.js';
import { startUsageRig, type UsageRig } from './usage-rig.js';

let rig: UsageRig;
let w: RunningWorker | undefined;

beforeAll(async () => {
  rig = await startUsageRig('sb-quota');
}, 30_000);
afterAll(async () => {
  await w?.close();
  await rig?.close();
});

describe('monthly quota', () => {
  it('holds the publisher of an account over its quota; a raised quota lets the held message through', async () => {
    const { fx, broker, fresh } = rig;
    const C = fx.keys.c.getPublicKey();
    // Account C as the control plane stores it: on a plan of 5 messages a month.
    const op = await fresh.db.prisma.operator.create({
      data: { name: 'op', publicKey: fx.keys.operator.getPublicKey(), seedEnc: Buffer.from('x'), jwt: fx.operatorJwt },
    });
    const plan = await fresh.db.prisma.plan.create({ data: { name: 'tiny', monthlyMsgs: 5n } });
    const tenant = await fresh.db.prisma.tenant.create({ data: { name: 't', email: 't@quota.example', planId: plan.id } });
    await fresh.db.prisma.account.create({
      data: {
        tenantId: tenant.id,
        operatorId: op.id,
        name: 'C',
        publicKey: C,
        seedEnc: Buffer.from('x'),
        jwt: fx.accountJwt.c,
        jwtIssuedAt: new Date(Date.now() - 5000),
      },
    });

    const sub: NatsConnection = await connect({ port: broker.port, authenticator: jwtAuthenticator(fx.users.c1.jwt, fx.users.c1.key.getSeed()) });
    const pub: NatsConnection = await connect({ port: broker.port, authenticator: jwtAuthenticator(fx.users.c2.jwt, fx.users.c2.key.getSeed()) });
    let received = 0;
    const s = sub.subscribe('meter');
    void (async () => {
      for await (const _m of s) received++;
    })();
    await sub.flush();
    for (let i = 0; i < 5; i++) pub.publish('meter', 'x');
    await pub.flush();
    await waitFor(() => received === 5, 15_000, '5 delivered');

    w = await startWorker(rig.workerOptions({ quota: { signer: fx.keys.operator, intervalMs: 100 } }));
    const account = () => broker.server.accounts.get(C)!;
    await waitFor(() => account().limits.rateMsgs === 0, 15_000, 'the broker holds C (sb:rate_msgs=0 pushed)');
    expect((await fresh.db.prisma.account.findUniqueOrThrow({ where: { publicKey: C } })).overQuotaSince).not.toBeNull();

    // The rate limiter charges what a read brought in, then pauses the reader: the publish that
    // meets the hold is routed, and everything after it waits in the connection (not dropped).
    pub.publish('meter', 'first');
    await waitFor(() => received === 6 && account().rate?.waitMs() === Infinity, 15_000, 'the first routed, then the reader held');
    pub.publish('meter', 'held');
    // Still held a few usage samples later (the broker sends one per 100 ms).
    const stored = w.usage!.stored;
    await waitFor(() => w!.usage!.stored >= stored + 2, 15_000, 'two more usage samples stored');
    expect(received).toBe(6);

    await fresh.db.prisma.plan.update({ where: { id: plan.id }, data: { monthlyMsgs: 1000n } });
    await waitFor(() => received === 7, 15_000, 'lifted: the held message arrives');
    expect(account().limits.rateMsgs).toBe(-1);
    expect((await fresh.db.prisma.account.findUniqueOrThrow({ where: { publicKey: C } })).overQuotaSince).toBeNull();
    await Promise.all([sub.close(), pub.close()]);
  }, 45_000);
});
