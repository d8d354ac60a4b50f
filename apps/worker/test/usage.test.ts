// Usage end to end inside the worker: an operator-mode broker (in process) publishes its usage
// events, the worker (real Redis for its queue, real PostgreSQL) stores them, and the stored
// hours add up to what the official client did — also across a worker restart (no double count).
import { connect, jwtAuthenticator, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS, UsageStore } from '@switchboard/usage';
import { waitFor } from '@switchboard/testing';
import { startWorker, type RunningWorker } from '../src/index.js';
import { startUsageRig, type UsageRig } from './usage-rig.js';

let rig: UsageRig;

beforeAll(async () => {
  rig = await startUsageRig('sb-usage');
}, 30_000);
afterAll(async () => {
  // The queue's keys under this run's prefix leave the shared Redis with the test.
  await rig?.close();
});

const start = (): Promise<RunningWorker> => startWorker(rig.workerOptions());

async function report(account: string) {
  const now = Date.now();
  return new UsageStore(rig.fresh.db.prisma).report(account, new Date(now - 2 * HOUR_MS), new Date(now + HOUR_MS));
}

describe('worker usage collector', () => {
  it('stores the broker’s per-account usage; a restarted worker does not count twice', async () => {
    const { fx, broker } = rig;
    const A = fx.keys.a.getPublicKey();
    let w = await start();
    await waitFor(() => w.usage!.connected.length === 1, 15_000, 'collector connected');
    const a: NatsConnection = await connect({ port: broker.port, authenticator: jwtAuthenticator(fx.users.a.jwt, fx.users.a.key.getSeed()) });
    a.subscribe('bill.idle'); // held until close: every later sample shows a subscription
    const sub = a.subscribe('bill.x', { max: 4 });
    for (let i = 0; i < 4; i++) a.publish('bill.x', 'abcdefgh');
    for await (const _m of sub) void _m;
    await waitFor(async () => (await report(A)).totals.msgsIn === 4 && (await report(A)).totals.msgsOut === 4, 15_000, 'traffic stored');

    // The worker restarts while the broker keeps publishing the same cumulative counters.
    await w.close();
    w = await start();
    await waitFor(() => w.usage!.connected.length === 1, 15_000, 'collector reconnected');
    const before = w.usage!.stored;
    await waitFor(() => w.usage!.stored >= before + 3, 15_000, 'more samples stored after the restart');
    await a.close();
    await waitFor(async () => (await report(A)).hourly.length > 0 && (await report(A)).totals.connectionsOpened === 1, 15_000, 'the disconnect sample stored');
    await w.close();

    const r = await report(A);
    expect(r.totals).toMatchObject({ msgsIn: 4, msgsOut: 4, bytesIn: 32, bytesOut: 32, connectionsOpened: 1, connections: 1, throttledMs: 0 });
    expect(r.totals.subscriptions).toBeGreaterThanOrEqual(1);
    // Other accounts did nothing.
    expect((await report(fx.keys.c.getPublicKey())).hourly).toEqual([]);
  }, 30_000);
});
