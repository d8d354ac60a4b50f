// Bulk propagation: N accounts (default 10,000) queued at once and pushed through BullMQ to one
// real nats-server (full resolver). Prints the time to queue them and until every job completed.
//   node --conditions=@switchboard/source --import tsx libs/propagation/bench/bulk-push.ts [accounts] [concurrency]
// Needs the machine's PostgreSQL and Redis (TEST_PG_URL / TEST_REDIS_URL to override).
// Also prints the CPU time each process spent, since wall time on a shared machine says little.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { BullPropagationQueue, ClaimsPusher, DbJwtSource, PropagationWorker, StaticBrokers } from '../src/index.js';
import { waitFor, World } from '@switchboard/testing';

const count = Number(process.argv[2] ?? 10_000);
const concurrency = Number(process.argv[3] ?? 200);
const world = await new World().start();
try {
  const accounts = await world.addAccounts(count);
  const pusher = new ClaimsPusher({ creds: world.systemCreds });
  const queue = new BullPropagationQueue({ connection: world.redis, prefix: world.prefix });
  let done = 0;
  let failed = 0;
  const worker = new PropagationWorker({
    connection: world.redis,
    prefix: world.prefix,
    concurrency,
    deps: { source: new DbJwtSource(world.db.prisma), brokers: new StaticBrokers([world.server.url]), pusher },
  });
  worker.worker.on('completed', (_j, r) => (r.failed.length === 0 && r.status === 'pushed' ? done++ : failed++));
  worker.worker.on('failed', () => failed++);
  await worker.ready();

  const redisPid = Number(/process_id:(\d+)/.exec(await world.redis.info('server'))?.[1]);
  const before = { node: process.cpuUsage(), nats: cpuSeconds(world.server.pid), redis: cpuSeconds(redisPid) };
  const t0 = performance.now();
  await queue.enqueueAccounts(accounts.map((a) => a.pub));
  const queued = performance.now() - t0;
  await waitFor(() => done + failed >= count, 600_000, `${count} jobs`);
  const total = performance.now() - t0;
  const nodeCpu = process.cpuUsage(before.node);
  const cpu = {
    node: (nodeCpu.user + nodeCpu.system) / 1e6,
    nats: cpuSeconds(world.server.pid) - before.nats,
    redis: cpuSeconds(redisPid) - before.redis,
  };

  // Spot-check that the broker really holds what was pushed.
  for (const a of [accounts[0]!, accounts[Math.floor(count / 2)]!, accounts[count - 1]!]) {
    if ((await world.brokerJwt(a.pub)) !== a.jwt) throw new Error(`broker lacks the JWT of ${a.pub}`);
  }
  console.log(
    `bulk-push: ${count} accounts, concurrency ${concurrency}: queued in ${(queued / 1000).toFixed(2)} s, ` +
      `all pushed in ${(total / 1000).toFixed(2)} s (${Math.round(count / (total / 1000))} accounts/s), ${failed} failed; ` +
      `CPU s: worker ${cpu.node.toFixed(1)}, nats-server ${cpu.nats.toFixed(1)}, redis ${Number.isNaN(cpu.redis) ? '?' : cpu.redis.toFixed(1)}`,
  );
  await worker.close();
  await queue.close();
  await pusher.close();
} finally {
  await world.close();
}

/** user+system CPU seconds of a local process (NaN when it cannot be read, e.g. a remote Redis). */
function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}
