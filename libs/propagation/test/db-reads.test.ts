import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Db } from '@switchboard/db';
import { testDatabase, type TestDatabase } from '@switchboard/testing';
import { createAccount } from '@nats-io/nkeys';
import { DbBrokers, DbJwtSource } from '../src/index.js';

let fresh: TestDatabase;
let db: Database;
const keys = Array.from({ length: 40 }, () => createAccount().getPublicKey());

beforeAll(async () => {
  fresh = await testDatabase();
  db = fresh.db;
  const op = await db.prisma.operator.create({ data: { name: 'op', publicKey: 'OTEST', seedEnc: Buffer.from('x'), jwt: 'x' } });
  await db.prisma.account.createMany({
    data: keys.map((k, i) => ({
      operatorId: op.id,
      name: `a${i}`,
      publicKey: k,
      seedEnc: Buffer.from('x'),
      jwt: `jwt-${i}`,
      jwtIssuedAt: new Date(1_700_000_000_000 + i * 1000),
    })),
  });
});
afterAll(async () => {
  await fresh?.drop();
});

describe('DbJwtSource', () => {
  it('answers concurrent lookups from one query per batch, each with its own row or null', async () => {
    let queries = 0;
    const counting = { account: { findMany: (args: never) => (queries++, db.prisma.account.findMany(args)) } } as unknown as Db;
    const source = new DbJwtSource(counting, 16);
    const missing = createAccount().getPublicKey();
    const asked = [...keys, keys[3]!, missing];
    const got = await Promise.all(asked.map((k) => source.current(k)));
    expect(queries).toBe(Math.ceil(41 / 16)); // 40 distinct present keys + 1 missing, batches of 16
    expect(got[3]).toEqual({ jwt: 'jwt-3', issuedAt: new Date(1_700_000_003_000) });
    expect(got[40]).toEqual(got[3]);
    expect(got[41]).toBeNull();
    got.slice(0, 40).forEach((g, i) => expect(g?.jwt).toBe(`jwt-${i}`));
  });

  it('a failed query rejects every lookup in its batch, and the next batch works again', async () => {
    let fail = true;
    const flaky = {
      account: { findMany: (args: never) => (fail ? Promise.reject(new Error('db down')) : db.prisma.account.findMany(args)) },
    } as unknown as Db;
    const source = new DbJwtSource(flaky);
    await expect(Promise.all([source.current(keys[0]!), source.current(keys[1]!)])).rejects.toThrow('db down');
    fail = false;
    expect((await source.current(keys[1]!))?.jwt).toBe('jwt-1');
  });
});

describe('DbBrokers', () => {
  it('lists registered brokers plus configured ones, and sees a new registration once its cache expires', async () => {
    await db.prisma.broker.create({ data: { name: 'b1', url: 'nats://b1:4222' } });
    const brokers = new DbBrokers(db.prisma, ['nats://cfg:4222', 'nats://b1:4222'], 0);
    expect(await brokers.brokers()).toEqual(['nats://b1:4222', 'nats://cfg:4222']);
    await db.prisma.broker.create({ data: { name: 'a0', url: 'nats://a0:4222' } });
    expect(await brokers.brokers()).toEqual(['nats://a0:4222', 'nats://b1:4222', 'nats://cfg:4222']);
  });

  it('answers a burst from one query while the cache is fresh', async () => {
    let queries = 0;
    const counting = { broker: { findMany: (args: never) => (queries++, db.prisma.broker.findMany(args)) } } as unknown as Db;
    const brokers = new DbBrokers(counting, [], 60_000);
    const lists = await Promise.all(Array.from({ length: 50 }, () => brokers.brokers()));
    expect(queries).toBe(1);
    expect(lists[49]).toEqual(lists[0]);
  });
});
