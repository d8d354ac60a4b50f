// npm run bench:cores — one machine, many cores: a broker process is one thread, so a host runs
// N of them joined as a cluster. Same load on each setup: PAIRS publisher→subscriber pairs, pair
// i on subject bench.c.<i>, raw-protocol clients in worker threads (the bench's roles). Setups:
// one process with every pair; two processes with each pair's publisher and subscriber on the
// same node (the traffic splits: each node carries half); two processes with each pair crossing
// the route both ways (every message handled by both nodes); every publisher on node 1 and every
// subscriber on node 2; nats-server (multi-threaded) the same ways beside them. Reported: messages received per second by all subscribers together
// (median of 250 ms slices), server CPU per message, load average before each setup. The
// generator shares the cores with the servers, and the machine with other people: read ratios.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { connect } from 'nats';
import { freePort } from '@switchboard/testing';
import { newCounters, RECEIVED } from './counters.js';
import { BROKER_BUILT, REPO, startBroker, startNatsServer, type ServerProcess } from './servers.js';
import { RoleThread } from './spawn.js';
import { sleep } from './stats.js';

const PAIRS = Number(process.env.BENCH_CORES_PAIRS ?? 4);
const SIZE = Number(process.env.BENCH_CORES_SIZE ?? 128);
const WARMUP_MS = Number(process.env.BENCH_CORES_WARMUP_MS ?? 1_500);
const MEASURE_MS = Number(process.env.BENCH_CORES_MEASURE_MS ?? 4_000);
const ROUNDS = Number(process.env.BENCH_CORES_ROUNDS ?? 2);
const SLICE_MS = 250;

type Kind = 'nats-server' | 'broker';
/** Where pair i's publisher and subscriber connect, given the number of nodes. */
type Placement = 'one' | 'local' | 'crossing' | 'one-way';

interface Setup {
  name: string;
  kind: Kind;
  nodes: 1 | 2;
  placement: Placement;
}

const SETUPS: Setup[] = [
  { name: 'nats-server x1', kind: 'nats-server', nodes: 1, placement: 'one' },
  { name: 'nats-server x2, pairs local', kind: 'nats-server', nodes: 2, placement: 'local' },
  { name: 'nats-server x2, pairs crossing', kind: 'nats-server', nodes: 2, placement: 'crossing' },
  { name: 'broker x1', kind: 'broker', nodes: 1, placement: 'one' },
  { name: 'broker x2, pairs local', kind: 'broker', nodes: 2, placement: 'local' },
  { name: 'broker x2, pairs crossing', kind: 'broker', nodes: 2, placement: 'crossing' },
  { name: 'broker x2, all node 1 -> node 2', kind: 'broker', nodes: 2, placement: 'one-way' },
];
/** BENCH_CORES_SETUPS='name;name': only those (by name). */
const ONLY = process.env.BENCH_CORES_SETUPS?.split(';').map((x) => x.trim());
const RUN = ONLY ? SETUPS.filter((s) => ONLY.includes(s.name)) : SETUPS;

async function startNodes(kind: Kind, n: 1 | 2): Promise<ServerProcess[]> {
  const source = kind === 'broker' && !existsSync(new URL(BROKER_BUILT, `file://${REPO}`));
  const start = (extra: string[]): Promise<ServerProcess> => (kind === 'nats-server' ? startNatsServer(false, extra) : startBroker(false, extra, source));
  if (n === 1) return [await start([])];
  const [c1, c2] = [await freePort(), await freePort()];
  const flags = (port: number, routes: number[]): string[] => [
    '--cluster',
    `nats://127.0.0.1:${port}`,
    '--cluster_name',
    'cores',
    ...(routes.length > 0 ? ['--routes', routes.map((p) => `nats://127.0.0.1:${p}`).join(',')] : []),
  ];
  const n1 = await start(flags(c1, []));
  const n2 = await start(flags(c2, [c1]));
  return [n1, n2];
}

/**
 * Waits until a subscription made on `subNode` after the pair's subscriber is seen from `pubNode`:
 * route interest travels in order, so the subscriber's own interest has arrived too.
 */
async function interestArrived(pubNode: ServerProcess, subNode: ServerProcess, subject: string): Promise<void> {
  if (pubNode === subNode) return;
  const [pub, sub] = [await connect({ port: pubNode.ep.port }), await connect({ port: subNode.ep.port })];
  let seen = false;
  sub.subscribe(`${subject}.probe`, { callback: () => (seen = true) });
  await sub.flush();
  for (let i = 0; i < 400 && !seen; i++) {
    pub.publish(`${subject}.probe`);
    await pub.flush();
    await sleep(25); // between probes
  }
  await Promise.all([pub.close(), sub.close()]);
  if (!seen) throw new Error(`interest in ${subject} never crossed the route`);
}

interface Result {
  rate: number;
  cpuPerMsg: number;
  load: string;
}

async function run(setup: Setup): Promise<Result> {
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const nodes = await startNodes(setup.kind, setup.nodes);
  const threads: RoleThread[] = [];
  try {
    const pairs = Array.from({ length: PAIRS }, (_, i) => {
      const pubNode = setup.placement === 'one-way' ? nodes[0]! : nodes[i % nodes.length]!;
      const subNode = setup.placement === 'crossing' ? nodes[(i + 1) % nodes.length]! : setup.placement === 'one-way' ? nodes[1]! : pubNode;
      return { subject: `bench.c.${i}`, pubNode, subNode, counters: newCounters() };
    });
    const subs = pairs.map((p) => new RoleThread({ role: 'subscriber', ep: p.subNode.ep, subject: p.subject, queue: '', conns: 1, counters: p.counters }));
    threads.push(...subs);
    await Promise.all(subs.map((t) => t.next('ready')));
    for (const p of pairs) await interestArrived(p.pubNode, p.subNode, p.subject);
    const pubs = pairs.map((p) => new RoleThread({ role: 'publisher', ep: p.pubNode.ep, subject: p.subject, size: SIZE, deliveries: 1, counters: p.counters }));
    threads.push(...pubs);
    await Promise.all(pubs.map((t) => t.next('ready')));
    for (const t of pubs) t.send({ type: 'start' });
    await sleep(WARMUP_MS);
    const received = (): number => pairs.reduce((n, p) => n + Atomics.load(p.counters, RECEIVED), 0);
    const cpu = (): number => nodes.reduce((s, n) => s + n.cpuSeconds(), 0);
    const c0 = received();
    const cpu0 = cpu();
    const rates: number[] = [];
    let r0 = c0;
    let t0 = process.hrtime.bigint();
    for (let i = 0; i < Math.max(1, Math.round(MEASURE_MS / SLICE_MS)); i++) {
      await sleep(SLICE_MS);
      const r1 = received();
      const t1 = process.hrtime.bigint();
      rates.push((r1 - r0) / (Number(t1 - t0) / 1e9));
      [r0, t0] = [r1, t1];
    }
    if (process.env.BENCH_CORES_VERBOSE) process.stderr.write(`  ${setup.name} slices msgs/s: ${rates.map(Math.round).join(' ')}\n`);
    const cpuPerMsg = ((cpu() - cpu0) * 1e6) / (received() - c0);
    for (const t of threads) if (t.error) throw t.error;
    rates.sort((a, b) => a - b);
    return { rate: rates[rates.length >> 1]!, cpuPerMsg, load };
  } finally {
    await Promise.all(threads.map((t) => t.stop()));
    await Promise.all(nodes.map((n) => n.stop()));
  }
}

async function main(): Promise<void> {
  const results = new Map<string, Result[]>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of RUN) {
      const res = await run(s);
      process.stderr.write(`round ${r + 1} ${s.name}: ${Math.round(res.rate)} msgs/s, ${res.cpuPerMsg.toFixed(2)} µs CPU/msg, load ${res.load}\n`);
      results.set(s.name, [...(results.get(s.name) ?? []), res]);
    }
  }
  process.stdout.write(`${PAIRS} publisher->subscriber pairs, ${SIZE} B, ${WARMUP_MS} ms warm-up + ${MEASURE_MS} ms measured, best of ${ROUNDS}\n`);
  process.stdout.write('| setup | msgs/s received | server CPU µs/msg | load average before (1/5/15 min) |\n|---|---|---|---|\n');
  for (const s of RUN) {
    const best = results.get(s.name)!.reduce((a, b) => (b.rate > a.rate ? b : a));
    process.stdout.write(`| ${s.name} | ${Math.round(best.rate)} | ${best.cpuPerMsg.toFixed(2)} | ${best.load} |\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
