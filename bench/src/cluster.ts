// npm run bench:cluster — two-node clusters side by side: nats-server 2.9 and the broker, the
// same nats.js load on each: publish on node 1 → subscriber on node 2 (msgs/s), and requests
// from node 1 to a responder on node 2 (p50/p99). Ratios matter, not absolute figures: the
// machine is shared, so the load average is printed beside them. BENCH_CLUSTER_TLS=1 runs the
// routes with TLS (a cluster { tls { } } block, certificates made by openssl for the run).
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { connect, type NatsConnection } from 'nats';
import { freePort, makeCerts, type CertSet } from '@switchboard/testing';
import { BROKER_BUILT, REPO, startBroker, startNatsServer, type ServerProcess } from './servers.js';

const MSGS = Number(process.env.BENCH_CLUSTER_MSGS ?? 200_000);
const REQUESTS = Number(process.env.BENCH_CLUSTER_REQUESTS ?? 2_000);
const PAYLOAD = new Uint8Array(128);
const TLS = process.env.BENCH_CLUSTER_TLS === '1';
let certs: CertSet | null = null;

/** `-c <file>` with the cluster's tls block (nats-server has no flags for it); the --cluster flags add the rest. */
function tlsConfigArgs(): string[] {
  if (!TLS) return [];
  certs ??= makeCerts();
  const file = join(certs.dir, 'cluster-tls.conf');
  writeFileSync(file, `cluster { tls { cert_file: "${certs.nodeCert}", key_file: "${certs.nodeKey}", ca_file: "${certs.ca}" } }\n`);
  return ['-c', file];
}

type Kind = 'nats-server' | 'broker';

async function clusterPair(kind: Kind): Promise<ServerProcess[]> {
  const [c1, c2] = [await freePort(), await freePort()];
  const flags = (port: number, routes: number[]) => [
    ...tlsConfigArgs(),
    '--cluster',
    `nats://127.0.0.1:${port}`,
    '--cluster_name',
    'bench',
    ...(routes.length > 0 ? ['--routes', routes.map((p) => `nats://127.0.0.1:${p}`).join(',')] : []),
  ];
  // The built broker when there is one (what production runs), else its sources through tsx.
  const source = !existsSync(new URL(BROKER_BUILT, `file://${REPO}`));
  const start = (extra: string[]) => (kind === 'nats-server' ? startNatsServer(false, extra) : startBroker(false, extra, source));
  const n1 = await start(flags(c1, []));
  const n2 = await start(flags(c2, [c1]));
  return [n1, n2];
}

/** Publishes on `pub` until `sub`'s callback has seen one message: the route carries the interest. */
async function interestArrived(pub: NatsConnection, sub: NatsConnection, subject: string): Promise<void> {
  let seen = false;
  const s = sub.subscribe(`${subject}.probe`, { callback: () => (seen = true) });
  await sub.flush();
  for (let i = 0; i < 200 && !seen; i++) {
    pub.publish(`${subject}.probe`);
    await pub.flush();
    await new Promise((r) => setTimeout(r, 25)); // between probes
  }
  s.unsubscribe();
  if (!seen) throw new Error('interest never crossed the route');
}

async function throughput(n1: ServerProcess, n2: ServerProcess): Promise<number> {
  const pub = await connect({ port: n1.ep.port });
  const sub = await connect({ port: n2.ep.port });
  let got = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  sub.subscribe('bench.t.>', {
    callback: () => {
      if (++got === MSGS) done();
    },
  });
  await sub.flush();
  await interestArrived(pub, sub, 'bench.t');
  const start = performance.now();
  for (let i = 0; i < MSGS; i++) {
    pub.publish('bench.t.x', PAYLOAD);
    if (i % 5_000 === 4_999) await pub.flush();
  }
  await pub.flush();
  await finished;
  const rate = MSGS / ((performance.now() - start) / 1000);
  await Promise.all([pub.close(), sub.close()]);
  return rate;
}

async function latency(n1: ServerProcess, n2: ServerProcess): Promise<{ p50: number; p99: number }> {
  const req = await connect({ port: n1.ep.port });
  const rep = await connect({ port: n2.ep.port });
  rep.subscribe('bench.rr', { callback: (_e, m) => m.respond(m.data) });
  await rep.flush();
  await interestArrived(req, rep, 'bench.rr');
  for (let i = 0; i < 200; i++) await req.request('bench.rr', PAYLOAD, { timeout: 5_000 });
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    await req.request('bench.rr', PAYLOAD, { timeout: 5_000 });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  await Promise.all([req.close(), rep.close()]);
  return { p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.floor(times.length * 0.99)]! };
}

async function run(kind: Kind): Promise<{ rate: number; p50: number; p99: number }> {
  const nodes = await clusterPair(kind);
  try {
    const rate = await throughput(nodes[0]!, nodes[1]!);
    const { p50, p99 } = await latency(nodes[0]!, nodes[1]!);
    return { rate, p50, p99 };
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
  }
}

async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_CLUSTER_ROUNDS ?? 2);
  const results: Record<Kind, { rate: number; p50: number; p99: number }[]> = { 'nats-server': [], broker: [] };
  for (let r = 0; r < rounds; r++) {
    for (const kind of ['nats-server', 'broker'] as const) results[kind].push(await run(kind));
  }
  const best = (k: Kind) => ({
    rate: Math.max(...results[k].map((x) => x.rate)),
    p50: Math.min(...results[k].map((x) => x.p50)),
    p99: Math.min(...results[k].map((x) => x.p99)),
  });
  const ns = best('nats-server');
  const sb = best('broker');
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  process.stdout.write(
    `two-node cluster${TLS ? ' (TLS routes)' : ''}, pub on node 1 -> sub on node 2 (${MSGS} x 128 B), ${REQUESTS} requests node 1 -> node 2; best of ${rounds}; load average ${load}\n`,
  );
  process.stdout.write(`| server | msgs/s | request p50 ms | request p99 ms |\n|---|---|---|---|\n`);
  for (const [name, x] of [
    ['nats-server', ns],
    ['broker', sb],
  ] as const) {
    process.stdout.write(`| ${name} | ${Math.round(x.rate)} | ${x.p50.toFixed(3)} | ${x.p99.toFixed(3)} |\n`);
  }
  process.stdout.write(`broker/nats-server: msgs/s ${(sb.rate / ns.rate).toFixed(2)}x, p99 ${(sb.p99 / ns.p99).toFixed(2)}x\n`);
  certs?.remove();
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
