import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
  it('lists registered brokers plus configured ones, and sees a new registration at the next call', async () => {
    await db.prisma.broker.create({ data: { name: 'b1', url: 'nats://b1:4222' } });
    const brokers = new DbBrokers(db.prisma, ['nats://cfg:4222', 'nats://b1:4222']);
    expect(await brokers.brokers()).toEqual(['nats://b1:4222', 'nats://cfg:4222']);
    await db.prisma.broker.create({ data: { name: 'a0', url: 'nats://a0:4222' } });
    expect(await brokers.brokers()).toEqual(['nats://a0:4222', 'nats://b1:4222', 'nats://cfg:4222']);
  });

  it('a call made while a read is under way gets the next read, which a burst shares', async () => {
    const started: Array<() => void> = [];
    let queries = 0;
    // Each read waits until the test lets it run its query.
    const gated = {
      broker: {
        findMany: (args: never) => {
          queries++;
          return new Promise<void>((r) => started.push(r)).then(() => db.prisma.broker.findMany(args));
        },
      },
    } as unknown as Db;
    const brokers = new DbBrokers(gated);
    const early = brokers.brokers();
    await db.prisma.broker.create({ data: { name: 'c-late', url: 'nats://late:4222' } });
    const burst = Array.from({ length: 20 }, () => brokers.brokers());
    expect(queries).toBe(1);
    // The first read runs its query only now, after the row was committed, yet the burst, asked
    // while it was under way, must not rely on it: it waits for a read of its own.
    started.shift()!();
    await early;
    await vi.waitFor(() => expect(queries).toBe(2));
    await db.prisma.broker.delete({ where: { name: 'c-late' } });
    started.shift()!();
    const lists = await Promise.all(burst);
    expect(queries).toBe(2);
    expect(lists.every((l) => l === lists[0])).toBe(true);
    expect(lists[0]).not.toContain('nats://late:4222');
  });

  it('a failed read rejects its callers and the next call reads again', async () => {
    let fail = true;
    const flaky = {
      broker: { findMany: (args: never) => (fail ? Promise.reject(new Error('db down')) : db.prisma.broker.findMany(args)) },
    } as unknown as Db;
    const brokers = new DbBrokers(flaky);
    await expect(brokers.brokers()).rejects.toThrow('db down');
    fail = false;
    expect(await brokers.brokers()).toContain('nats://b1:4222');
  });
});
