// How fast a new mirror and a new source catch up on an origin holding N messages, on
// nats-server -js and on the broker (same machine, same run, servers one after the other).
//   node --conditions=@switchboard/source --import tsx e2e/jetstream/bench/mirror-catchup.ts [N]
import { loadavg } from 'node:os';
import { connect, type JetStreamManager, type PubAck } from 'nats';
import { jetStreamConfig, startServer, type ServerKind } from '@switchboard/testing';

const N = Number(process.argv[2] ?? 50_000);
const payload = new Uint8Array(128);

async function until(jsm: JetStreamManager, stream: string, n: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const si = await jsm.streams.info(stream);
    if (si.state.messages >= n) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function run(kind: ServerKind): Promise<string> {
  const server = await startServer(kind, { config: jetStreamConfig });
  try {
    const nc = await connect({ servers: server.url });
    const jsm = await nc.jetstreamManager();
    const js = nc.jetstream();
    await jsm.streams.add({ name: 'O', subjects: ['o.*'] });
    for (let i = 0; i < N; i += 500) {
      const batch: Promise<PubAck>[] = [];
      for (let k = i; k < Math.min(N, i + 500); k++) batch.push(js.publish(`o.${k % 100}`, payload));
      await Promise.all(batch);
    }
    await jsm.streams.add({ name: 'M', mirror: { name: 'O' } });
    const mirrorMs = await until(jsm, 'M', N);
    await jsm.streams.add({ name: 'S', sources: [{ name: 'O' }] });
    const sourceMs = await until(jsm, 'S', N);
    await nc.close();
    const rate = (ms: number): string => `${Math.round(N / (ms / 1000))} msg/s (${Math.round(ms)} ms)`;
    return `${kind.padEnd(11)} mirror ${rate(mirrorMs)}, source ${rate(sourceMs)}`;
  } finally {
    await server.stop();
  }
}

for (const kind of ['nats-server', 'broker', 'nats-server', 'broker'] as const) {
  console.log(
    `${await run(kind)}  load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}
