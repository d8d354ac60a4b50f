// The store against a fresh PostgreSQL database with the project's migrations.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@switchboard/db';
import { testDatabase, type TestDatabase } from '@switchboard/testing';
import { HOUR_MS, UsageStore, type UsageSample } from '../src/index.js';

let fresh: TestDatabase;
let db: Database;
let store: UsageStore;

beforeAll(async () => {
  fresh = await testDatabase();
  db = fresh.db;
  store = new UsageStore(db.prisma);
});
afterAll(async () => {
  await fresh?.drop();
});

const H0 = Date.UTC(2026, 10, 23, 10);
let n = 0;
/** A fresh account key per test, so tests do not see each other's rows. */
const account = (): string => `ACC${++n}`;

function sample(acc: string, server: string, atMs: number, c: Partial<UsageSample> = {}): UsageSample {
  return {
    serverId: server,
    serverName: server,
    jsMemory: 0,
    jsStorage: 0,
    jsStreams: 0,
    jsConsumers: 0,
    account: acc,
    at: new Date(atMs),
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
  };
}

describe('UsageStore', () => {
  it('takes deltas of cumulative counters per hour; replays change nothing', async () => {
    const a = account();
    const s1 = sample(a, 'S1', H0 + 60_000, {
      msgsIn: 10,
      bytesIn: 100,
      msgsOut: 20,
      bytesOut: 200,
      totalConns: 2,
      connections: 2,
      subscriptions: 3,
      leafNodes: 1,
    });
    const s2 = sample(a, 'S1', H0 + 30 * 60_000, {
      msgsIn: 15,
      bytesIn: 150,
      msgsOut: 30,
      bytesOut: 300,
      totalConns: 3,
      connections: 1,
      subscriptions: 1,
      leafNodes: 2,
      throttledMs: 40,
    });
    const s3 = sample(a, 'S1', H0 + HOUR_MS + 60_000, {
      msgsIn: 40,
      bytesIn: 400,
      msgsOut: 80,
      bytesOut: 800,
      totalConns: 3,
      connections: 1,
      subscriptions: 1,
      throttledMs: 50,
    });
    for (const s of [s1, s2, s3, s1, s2, s3, s2]) await store.record(s); // a worker restart replays, out of order too
    const r = await store.report(a, new Date(H0), new Date(H0 + 2 * HOUR_MS));
    expect(r.hourly).toEqual([
      {
        period: new Date(H0).toISOString(),
        msgsIn: 15,
        bytesIn: 150,
        msgsOut: 30,
        bytesOut: 300,
        connectionsOpened: 3,
        connections: 2,
        subscriptions: 3,
        leafNodes: 2,
        throttledMs: 40,
        jsMemory: 0,
        jsStorage: 0,
        jsStreams: 0,
        jsConsumers: 0,
      },
      {
        period: new Date(H0 + HOUR_MS).toISOString(),
        msgsIn: 25,
        bytesIn: 250,
        msgsOut: 50,
        bytesOut: 500,
        connectionsOpened: 0,
        connections: 1,
        subscriptions: 1,
        leafNodes: 0,
        throttledMs: 10,
        jsMemory: 0,
        jsStorage: 0,
        jsStreams: 0,
        jsConsumers: 0,
      },
    ]);
    expect(r.totals).toEqual({
      msgsIn: 40,
      bytesIn: 400,
      msgsOut: 80,
      bytesOut: 800,
      connectionsOpened: 3,
      connections: 2,
      subscriptions: 3,
      leafNodes: 2,
      throttledMs: 50,
      jsMemory: 0,
      jsStorage: 0,
      jsStreams: 0,
      jsConsumers: 0,
    });
  });

  it('keeps the peak JetStream storage of each hour (gauges: replays change nothing), summed over brokers', async () => {
    const a = account();
    const js = (at: number, server: string, jsStorage: number, jsMemory = 0) => sample(a, server, at, { jsStorage, jsMemory, jsStreams: 2, jsConsumers: 1 });
    for (const s of [
      js(H0 + 1000, 'S1', 500),
      js(H0 + 2000, 'S1', 900, 10),
      js(H0 + 3000, 'S1', 700),
      js(H0 + 2000, 'S1', 900, 10),
      js(H0 + 1000, 'S2', 100),
    ]) {
      await store.record(s);
    }
    await store.record(js(H0 + HOUR_MS + 1000, 'S1', 300));
    const r = await store.report(a, new Date(H0), new Date(H0 + 2 * HOUR_MS));
    expect(r.hourly.map((h) => [h.jsStorage, h.jsMemory, h.jsStreams, h.jsConsumers])).toEqual([
      [1000, 10, 4, 2],
      [300, 0, 2, 1],
    ]);
    expect(r.totals).toMatchObject({ jsStorage: 1000, jsMemory: 10, jsStreams: 4, jsConsumers: 2 });
  });

  it('a restarted broker (new server id) starts from zero; brokers add up', async () => {
    const a = account();
    await store.record(sample(a, 'OLD', H0 + 1000, { msgsIn: 100 }));
    await store.record(sample(a, 'NEW', H0 + 2000, { msgsIn: 7 })); // the restarted run counts from 0 again
    await store.record(sample(a, 'OTHER', H0 + 3000, { msgsIn: 5, connections: 4 }));
    const r = await store.report(a, new Date(H0), new Date(H0 + HOUR_MS));
    expect(r.totals.msgsIn).toBe(112);
    expect(r.totals.connections).toBe(4);
  });

  it('reports only the hours asked for and only the account asked for', async () => {
    const a = account();
    const b = account();
    await store.record(sample(a, 'S', H0 - HOUR_MS, { msgsIn: 1 }));
    await store.record(sample(a, 'S', H0 + 5, { msgsIn: 3 }));
    await store.record(sample(b, 'S', H0 + 5, { msgsIn: 1000 }));
    const r = await store.report(a, new Date(H0), new Date(H0 + HOUR_MS));
    expect(r.hourly.map((h) => h.msgsIn)).toEqual([2]);
    expect((await store.report(a, new Date(H0 + HOUR_MS), new Date(H0 + 5 * HOUR_MS))).hourly).toEqual([]);
  });

  it('property: any order and repetition of one run’s samples gives the same totals as the last sample', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat({ max: 5 }), { maxLength: 6 }),
        async (steps, extra) => {
          const a = account();
          let total = 0;
          const samples = steps.map((d, i) => sample(a, 'P', H0 + i * 20 * 60_000, { msgsIn: (total += d) }));
          // In time order (as the broker sends), with arbitrary replays of already-sent samples after.
          for (const s of samples) await store.record(s);
          for (const i of extra) await store.record(samples[i % samples.length]!);
          const r = await store.report(a, new Date(H0 - HOUR_MS), new Date(H0 + 10 * HOUR_MS));
          expect(r.totals.msgsIn).toBe(total);
        },
      ),
      { numRuns: 15 },
    );
  });
});
