// Monthly quota end to end: an operator-mode broker (in process) reports usage, the worker stores
// it, finds account C at its plan's monthly quota, re-signs C's JWT with sb:rate_msgs=0 and pushes
// it; the broker then holds C's publisher (nothing dropped). Raising the quota lifts the hold and
// the held message arrives.
import { connect, jwtAuthenticator, type NatsConnection } from 'nats';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@switchboard/config';
import { freshDatabase, openDatabase, type Database, type FreshDatabase } from '@switchboard/db';
import { formatCreds } from '@switchboard/nats-jwt';
import { StaticBrokers } from '@switchboard/propagation';
import { optionsFromConfig } from '@switchboard/server';
import { startBroker, type Broker } from '../../broker/src/broker.js';
import { makeOperator, operatorConfig, type OperatorFixture } from '../../broker/test/operator-fixture.js';
import { REDIS_URL, until } from '../../../libs/propagation/test/world.js';
import { startWorker, type RunningWorker } from '../src/index.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
let fx: OperatorFixture;
let broker: Broker;
let fresh: FreshDatabase;
let db: Database;
let w: RunningWorker | undefined;
const prefix = `sb-quota-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  fx = await makeOperator();
  const { options } = optionsFromConfig(parseConfig(operatorConfig(fx)));
  [broker, fresh] = await Promise.all([startBroker({ ...options, host: '127.0.0.1', port: 0, accountUsageInterval: 100 }), freshDatabase()]);
  db = await openDatabase({ databaseUrl: fresh.url });
  await db.migrate();
}, 30_000);
afterAll(async () => {
  await w?.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await broker?.close();
  await db?.close();
  await fresh?.drop();
});

describe('monthly quota', () => {
  it('holds the publisher of an account over its quota; a raised quota lets the held message through', async () => {
    const C = fx.keys.c.getPublicKey();
    // Account C as the control plane stores it: on a plan of 5 messages a month.
    const op = await db.prisma.operator.create({ data: { name: 'op', publicKey: fx.keys.operator.getPublicKey(), seedEnc: Buffer.from('x'), jwt: fx.operatorJwt } });
    const plan = await db.prisma.plan.create({ data: { name: 'tiny', monthlyMsgs: 5n } });
    const tenant = await db.prisma.tenant.create({ data: { name: 't', email: 't@quota.example', planId: plan.id } });
    await db.prisma.account.create({
      data: { tenantId: tenant.id, operatorId: op.id, name: 'C', publicKey: C, seedEnc: Buffer.from('x'), jwt: fx.accountJwt.c, jwtIssuedAt: new Date(Date.now() - 5000) },
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
    await until('5 delivered', () => received === 5);

    w = await startWorker({
      redisUrl: REDIS_URL, db: db.prisma, brokers: new StaticBrokers([`nats://127.0.0.1:${broker.port}`]),
      systemCreds: formatCreds(fx.users.sys.jwt, new TextDecoder().decode(fx.users.sys.key.getSeed())),
      queuePrefix: prefix, log: quiet, usageRefreshMs: 200, quota: { signer: fx.keys.operator, intervalMs: 100 },
    });
    const account = () => broker.server.accounts.get(C)!;
    await until('the broker holds C (sb:rate_msgs=0 pushed)', () => account().limits.rateMsgs === 0, 15_000);
    expect((await db.prisma.account.findUniqueOrThrow({ where: { publicKey: C } })).overQuotaSince).not.toBeNull();

    // The rate limiter charges what a read brought in, then pauses the reader: the publish that
    // meets the hold is routed, and everything after it waits in the connection (not dropped).
    pub.publish('meter', 'first');
    await until('the first routed, then the reader held', () => received === 6 && account().rate?.waitMs() === Infinity);
    pub.publish('meter', 'held');
    // Still held a few usage samples later (the broker sends one per 100 ms).
    const stored = w.usage!.stored;
    await until('two more usage samples stored', () => w!.usage!.stored >= stored + 2);
    expect(received).toBe(6);

    await db.prisma.plan.update({ where: { id: plan.id }, data: { monthlyMsgs: 1000n } });
    await until('lifted: the held message arrives', () => received === 7, 15_000);
    expect(account().limits.rateMsgs).toBe(-1);
    expect((await db.prisma.account.findUniqueOrThrow({ where: { publicKey: C } })).overQuotaSince).toBeNull();
    await Promise.all([sub.close(), pub.close()]);
  }, 45_000);
});
