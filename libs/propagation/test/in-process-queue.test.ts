import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClaimsPusher, DbJwtSource, InProcessPropagationQueue, InvalidAccountKeyError, StaticBrokers, type PropagationResult } from '../src/index.js';
import { freePort, waitFor, World } from '@switchboard/testing';
import { CountingPusher } from './rig.js';

// Embedded mode's queue against a real nats-server and PostgreSQL: the rules of the BullMQ path
// (propagation.test.ts) without Redis.

const world = new World();
const open: Array<{ q: InProcessPropagationQueue; p: CountingPusher }> = [];

function embedded(opts: { brokers?: string[]; attempts?: number; backoffMs?: number } = {}) {
  const logs: string[] = [];
  const completed: PropagationResult[] = [];
  // Default timeouts, as in rig.ts: a slow first connection under load is not a failed push.
  const pusher = new CountingPusher(new ClaimsPusher({ creds: world.systemCreds }));
  const q = new InProcessPropagationQueue({
    attempts: opts.attempts ?? 3,
    backoffMs: opts.backoffMs ?? 20,
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    onCompleted: (r) => completed.push(r),
  });
  const start = () => q.start({ source: new DbJwtSource(world.db.prisma), brokers: new StaticBrokers(opts.brokers ?? [world.server.url]), pusher });
  open.push({ q, p: pusher });
  return { q, pusher, logs, completed, start, done: (pk: string) => completed.filter((r) => r.account === pk).length };
}

beforeAll(async () => {
  await world.start();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map(async ({ q, p }) => (await q.close(), await p.inner.close())));
});
afterAll(async () => {
  await world.close();
});

describe('InProcessPropagationQueue (embedded mode)', () => {
  it('jobs enqueued before start wait for it, coalesce per account, and push the newest JWT', async () => {
    const e = embedded();
    const acct = await world.addAccount('embedded');
    for (let i = 0; i < 10; i++) await e.q.enqueueAccount(acct.pub);
    const v2 = await world.updateAccount(acct, (c) => (c.nats.limits!.conn = 5));
    expect(e.q.size).toBe(1);
    expect(await e.q.counts()).toEqual({ waiting: 1, active: 0, retrying: 0, dead: 0 });
    e.start();
    await waitFor(() => e.done(acct.pub) === 1, 15_000, 'job completed');
    expect(e.pusher.calls.map((c) => c.jwt)).toEqual([v2]);
    expect(await world.brokerJwt(acct.pub)).toBe(v2);
    expect(e.q.size).toBe(0);
    expect(await e.q.counts()).toEqual({ waiting: 0, active: 0, retrying: 0, dead: 0 });
  });

  it('a change made while the job runs gets exactly one follow-up run', async () => {
    const e = embedded();
    e.start();
    const acct = await world.addAccount('embedded-follow');
    const v1 = acct.jwt;
    const gate = e.pusher.holdNext();
    await e.q.enqueueAccount(acct.pub);
    await gate.reached;
    expect(await e.q.counts()).toEqual({ waiting: 0, active: 1, retrying: 0, dead: 0 });
    const v2 = await world.updateAccount(acct, (c) => (c.nats.limits!.subs = 42));
    await e.q.enqueueAccounts([acct.pub, acct.pub]);
    gate.release();
    await waitFor(() => e.done(acct.pub) === 2, 15_000, 'two runs');
    expect(e.pusher.calls.map((c) => c.jwt)).toEqual([v1, v2]);
    expect(await world.brokerJwt(acct.pub)).toBe(v2);
  });

  it('a broker that is down: retries (skipping brokers that took the JWT), then a dead letter; replay once it is up', async () => {
    const port = await freePort();
    const down = `nats://127.0.0.1:${port}`;
    const e = embedded({ brokers: [world.server.url, down], attempts: 3, backoffMs: 20 });
    e.start();
    const acct = await world.addAccount('embedded-dead');
    await e.q.enqueueAccount(acct.pub);
    await waitFor(async () => (await e.q.deadLetters()).length === 1, 15_000, 'dead letter');
    const [dl] = await e.q.deadLetters();
    expect(dl).toMatchObject({ account: acct.pub, attempts: 3, failed: [{ broker: down }] });
    expect(dl!.failed[0]!.reason).toMatch(/cannot connect/);
    expect((await e.q.counts()).dead).toBe(1);
    expect(e.pusher.count(acct.pub, world.server.url)).toBe(1);
    expect(e.pusher.count(acct.pub, down)).toBe(3);
    expect(e.logs.filter((l) => l.startsWith('propagation attempt'))).toHaveLength(2);
    expect(e.logs.filter((l) => l.startsWith('propagation dead-lettered after 3 attempts'))).toHaveLength(1);

    const back = await world.startServer(port);
    expect(await e.q.replayDeadLetters()).toBe(1);
    await waitFor(() => e.done(acct.pub) === 1, 15_000, 'replayed job completed');
    expect(await world.brokerJwt(acct.pub, back.url)).toBe(acct.jwt);
    expect(await e.q.deadLetters()).toEqual([]);
    expect((await e.q.counts()).dead).toBe(0);
  });

  it('refuses what is not an account public key', async () => {
    const e = embedded();
    await expect(e.q.enqueueAccount('UABC')).rejects.toBeInstanceOf(InvalidAccountKeyError);
  });
});
