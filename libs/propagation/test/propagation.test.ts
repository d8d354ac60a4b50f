import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClaimsPusher, enqueueAllAccounts, InvalidAccountKeyError } from '../src/index.js';
import { freePort, waitFor, World } from '@switchboard/testing';
import { Rig } from './rig.js';

// Real nats-server (full resolver), real PostgreSQL, real Redis: a job queued for an account
// ends with the broker holding that account's newest JWT.

const world = new World();
let n = 0;
const rigs: Rig[] = [];
function rig(opts?: ConstructorParameters<typeof Rig>[2]): Rig {
  const r = new Rig(world, `${world.prefix}-${++n}`, opts);
  rigs.push(r);
  return r;
}

beforeAll(async () => {
  await world.start();
});
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  await world.close();
});

describe('propagation to a real nats-server', () => {
  it("a pushed account JWT lets that account's users connect", async () => {
    const r = rig();
    const acct = await world.addAccount('acme');
    const alice = world.user(acct, 'alice');
    await expect(world.connectAs(alice.creds)).rejects.toThrow(/Authorization Violation/i);

    await r.startWorker();
    await r.queue.enqueueAccount(acct.pub);
    await waitFor(() => r.done(acct.pub) === 1, 15_000, 'job completed');

    expect(r.completed[0]).toMatchObject({ account: acct.pub, status: 'pushed', pushed: [world.server.url], failed: [] });
    expect(await world.brokerJwt(acct.pub)).toBe(acct.jwt);
    const nc = await world.connectAs(alice.creds);
    await nc.flush();
    await nc.close();
  });

  it('a revoked user is disconnected once the account JWT carrying the revocation is pushed', async () => {
    const r = rig();
    await r.startWorker();
    const acct = await world.addAccount('revokes');
    const bob = world.user(acct, 'bob');
    await r.queue.enqueueAccount(acct.pub);
    await waitFor(() => r.done(acct.pub) === 1, 15_000, 'first push');

    const nc = await world.connectAs(bob.creds);
    await nc.flush();
    let closed = false;
    void nc.closed().then(() => (closed = true));

    await world.updateAccount(acct, (c) => (c.nats.revocations = { [bob.pub]: world.tick() }));
    await r.queue.enqueueAccount(acct.pub);
    await waitFor(() => closed, 15_000, 'revoked connection closed by the broker');
    await expect(world.connectAs(bob.creds)).rejects.toThrow(/Authorization Violation/i);
  });

  it('repeated enqueues of one account coalesce into one job and one push', async () => {
    const r = rig();
    const acct = await world.addAccount('coalesce');
    for (let i = 0; i < 25; i++) await r.queue.enqueueAccount(acct.pub);
    await r.queue.enqueueAccounts([acct.pub, acct.pub, acct.pub]);
    expect(await r.queue.queue.getWaitingCount()).toBe(1);

    await r.startWorker();
    await waitFor(() => r.done(acct.pub) === 1, 15_000, 'job completed');
    expect(await r.queue.queue.getJobCounts('waiting', 'active', 'delayed')).toEqual({ waiting: 0, active: 0, delayed: 0 });
    expect(r.pusher.count(acct.pub)).toBe(1);
  });

  it('newest wins: a job queued before a change pushes the JWT current when it runs', async () => {
    const r = rig();
    const acct = await world.addAccount('newest');
    await r.queue.enqueueAccount(acct.pub);
    const v2 = await world.updateAccount(acct, (c) => (c.nats.limits!.conn = 7));
    await r.queue.enqueueAccount(acct.pub);

    await r.startWorker();
    await waitFor(() => r.done(acct.pub) === 1, 15_000, 'job completed');
    expect(r.pusher.calls.filter((c) => c.account === acct.pub).map((c) => c.jwt)).toEqual([v2]);
    expect(await world.brokerJwt(acct.pub)).toBe(v2);
  });

  it("a change made while the account's job is running gets one follow-up run with the newer JWT", async () => {
    const r = rig();
    await r.startWorker();
    const acct = await world.addAccount('follow-up');
    const v1 = acct.jwt;
    const gate = r.pusher.holdNext();
    await r.queue.enqueueAccount(acct.pub);
    await gate.reached; // the job has read v1 and is pushing it

    const v2 = await world.updateAccount(acct, (c) => (c.nats.limits!.subs = 99));
    await r.queue.enqueueAccount(acct.pub);
    await r.queue.enqueueAccount(acct.pub);
    gate.release();

    await waitFor(() => r.done(acct.pub) === 2, 15_000, 'two runs');
    expect(r.pusher.calls.filter((c) => c.account === acct.pub).map((c) => c.jwt)).toEqual([v1, v2]);
    expect(await world.brokerJwt(acct.pub)).toBe(v2);
  });

  it('a broker that is down: retries with backoff, then the job is dead-lettered with the reason', async () => {
    const down = `nats://127.0.0.1:${await freePort()}`;
    const r = rig({ brokers: [world.server.url, down], attempts: 3, backoffMs: 20 });
    await r.startWorker();
    const acct = await world.addAccount('dead');
    await r.queue.enqueueAccount(acct.pub);

    await waitFor(async () => (await r.queue.deadLetters()).length === 1, 15_000, 'dead letter');
    const [dl] = await r.queue.deadLetters();
    expect(dl).toMatchObject({ account: acct.pub, attempts: 3, failed: [{ broker: down }] });
    expect(dl!.failed[0]!.reason).toMatch(/cannot connect/);
    expect(dl!.reason).toContain(down);
    expect((await r.queue.counts()).dead).toBe(1);
    // The dead letter is written before the last attempt's failure is recorded: wait for that too.
    await waitFor(() => r.failures.length === 3, 15_000, 'three failed attempts');
    // The broker that took the JWT on the first attempt is not pushed again by the retries.
    expect(r.pusher.count(acct.pub, world.server.url)).toBe(1);
    expect(r.pusher.count(acct.pub, down)).toBe(3);
    expect(await world.brokerJwt(acct.pub)).toBe(acct.jwt);
  });

  it('a broker back up before the last attempt gets the JWT without a dead letter', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const url = `nats://127.0.0.1:${port}`;
    const r = rig({ brokers: [url], attempts: 20, backoffMs: 50 });
    await r.startWorker();
    const acct = await world.addAccount('late-broker');
    await r.queue.enqueueAccount(acct.pub);
    await waitFor(() => r.failures.length >= 1, 15_000, 'a failed attempt');

    const late = await world.startServer(port);
    await waitFor(() => r.done(acct.pub) === 1, 45_000, 'job completed');
    expect(await world.brokerJwt(acct.pub, late.url)).toBe(acct.jwt);
    expect(await r.queue.deadLetters()).toEqual([]);
  });

  it('dead letters can be replayed once the broker is reachable', async () => {
    const port = await freePort();
    const url = `nats://127.0.0.1:${port}`;
    const r = rig({ brokers: [url], attempts: 1 });
    await r.startWorker();
    const acct = await world.addAccount('replay');
    await r.queue.enqueueAccount(acct.pub);
    await waitFor(async () => (await r.queue.deadLetters()).length === 1, 15_000, 'dead letter');

    const back = await world.startServer(port);
    expect(await r.queue.replayDeadLetters()).toBe(1);
    await waitFor(() => r.done(acct.pub) === 1, 15_000, 'job completed');
    expect(await world.brokerJwt(acct.pub, back.url)).toBe(acct.jwt);
    expect(await r.queue.deadLetters()).toEqual([]);
  });

  it('an account deleted before its job runs completes as gone, pushing nothing', async () => {
    const r = rig();
    const acct = await world.addAccount('deleted');
    await r.queue.enqueueAccount(acct.pub);
    await world.db.prisma.account.delete({ where: { publicKey: acct.pub } });
    await r.startWorker();
    await waitFor(() => r.done(acct.pub) === 1, 15_000, 'job completed');
    expect(r.completed[0]).toMatchObject({ status: 'gone', pushed: [] });
    expect(r.pusher.count(acct.pub)).toBe(0);
  });

  it('enqueueAllAccounts brings a newly registered broker up to date', async () => {
    const fresh = await world.startServer();
    const r = rig({ brokers: [fresh.url] });
    const mine = [await world.addAccount('resync-1'), await world.addAccount('resync-2')];
    const all = await world.db.prisma.account.findMany({ select: { publicKey: true, jwt: true } });
    expect(await enqueueAllAccounts(r.queue, world.db.prisma, 3)).toBe(all.length);
    await r.startWorker();
    await waitFor(() => r.completed.length === all.length, 15_000, 'every account pushed');
    for (const a of mine) expect(await world.brokerJwt(a.pub, fresh.url)).toBe(a.jwt);
    expect(new Set(r.pusher.calls.map((c) => c.account))).toEqual(new Set(all.map((a) => a.publicKey)));
  });

  it('a broker registered in the brokers table gets the jobs queued right after it (no stale broker list)', async () => {
    const b = await world.startServer();
    const rows = [await world.db.prisma.broker.create({ data: { name: 'reg-a', url: world.server.url } })];
    try {
      const r = rig({ brokers: 'db' });
      await r.startWorker();
      const first = await world.addAccount('reg-1');
      await r.queue.enqueueAccount(first.pub);
      await waitFor(() => r.done(first.pub) === 1, 15_000, 'first job');
      expect(r.pusher.count(first.pub, b.url)).toBe(0);
      // What POST /v1/brokers does: commit the row, then queue every account.
      rows.push(await world.db.prisma.broker.create({ data: { name: 'reg-b', url: b.url } }));
      const second = await world.addAccount('reg-2');
      await enqueueAllAccounts(r.queue, world.db.prisma);
      await waitFor(() => r.done(first.pub) === 2 && r.done(second.pub) === 1, 15_000, 'jobs after the registration');
      expect(await world.brokerJwt(first.pub, b.url)).toBe(first.jwt);
      expect(await world.brokerJwt(second.pub, b.url)).toBe(second.jwt);
      expect(await world.brokerJwt(second.pub)).toBe(second.jwt);
    } finally {
      await world.db.prisma.broker.deleteMany({ where: { id: { in: rows.map((x) => x.id) } } });
    }
  });

  it("ClaimsPusher says why a push cannot happen with creds that are not the system account's", async () => {
    const acct = await world.addAccount('not-system');
    const stranger = world.user(acct, 'stranger'); // account unknown to the broker until pushed
    const p1 = new ClaimsPusher({ creds: stranger.creds, connectTimeoutMs: 2000 });
    const r1 = await p1.push(world.server.url, acct.pub, acct.jwt);
    expect(r1).toMatchObject({ ok: false, broker: world.server.url });
    expect(!r1.ok && r1.reason).toMatch(/^cannot connect: .*Authorization Violation/i);
    await p1.close();

    const r = rig();
    await r.startWorker();
    await r.queue.enqueueAccount(acct.pub);
    await waitFor(() => r.done(acct.pub) === 1, 15_000, 'pushed');
    const p2 = new ClaimsPusher({ creds: stranger.creds, requestTimeoutMs: 1000 });
    const r2 = await p2.push(world.server.url, acct.pub, acct.jwt); // a plain account has no $SYS responders
    expect(!r2.ok && r2.reason).toMatch(/^claims update request failed: .*(no responders|503)/i);
    await p2.close();
  });

  it('refuses to queue something that is not an account public key', async () => {
    const r = rig();
    await expect(r.queue.enqueueAccount('not-a-key')).rejects.toBeInstanceOf(InvalidAccountKeyError);
    await expect(r.queue.enqueueAccount(world.operator.getPublicKey())).rejects.toBeInstanceOf(InvalidAccountKeyError);
    await expect(r.queue.enqueueAccounts([world.sys.getPublicKey(), 'x'])).rejects.toBeInstanceOf(InvalidAccountKeyError);
    expect(await r.queue.queue.getWaitingCount()).toBe(0);
  });
});
