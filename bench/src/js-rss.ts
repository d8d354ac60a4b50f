// RSS of the built broker holding a file stream of 10 million 128 B messages (1000 subjects):
// JetStream must not need RAM in proportion to the messages it stores.
// 1. The broker creates stream RSS (`rss.>`, file storage, allow_direct) and stops.
// 2. The stream's store is filled to N messages directly through @switchboard/stream-store
//    (the same files the broker writes; publishing 10M through the broker takes ~10 min here).
// 3. The broker starts again on it; RSS (VmRSS of the broker process) after start, after a
//    pull consumer read 200k messages from the start (acked), after 20k direct gets of the
//    last message of a subject (KV get), after 20k MSG.GET at random sequences.
// Run: npm run bench:js-rss [-- dir]
// The directory (default /tmp/sb-js-rss) is kept, so a second run skips the filling. N=… for fewer.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { AckPolicy, connect, StorageType, type NatsConnection } from 'nats';
import { openFileStore } from '@switchboard/stream-store';
import { freePort } from '@switchboard/testing';
import { BROKER_BUILT, BROKER_ENV, REPO } from './servers.js';

const dir = process.argv[2] ?? '/tmp/sb-js-rss';
const N = Number(process.env.N ?? 10_000_000);
const SUBJECTS = Array.from({ length: 1000 }, (_, i) => `rss.orders.${i}`);
const streamDir = path.join(dir, 'jetstream', '$G', 'streams', 'RSS');

function status(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function startBroker(): Promise<{ child: ChildProcess; nc: NatsConnection; startMs: number }> {
  const port = await freePort();
  const t0 = Date.now();
  const child = spawn(process.execPath, [BROKER_BUILT, '-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
    cwd: REPO,
    env: { ...process.env, ...BROKER_ENV },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (;;) {
    try {
      const nc = await connect({ servers: `127.0.0.1:${port}`, reconnect: false });
      // Ready when JetStream answers (the stream is recovered before the account's API is up).
      await (await nc.jetstreamManager()).getAccountInfo();
      return { child, nc, startMs: Date.now() - t0 };
    } catch {
      if (child.exitCode !== null) throw new Error('broker exited');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function stop(b: { child: ChildProcess; nc: NatsConnection }): Promise<void> {
  await b.nc.close();
  const gone = new Promise((r) => b.child.once('exit', r));
  b.child.kill('SIGTERM');
  await gone;
}

if (!existsSync(path.join(streamDir, 'meta.json'))) {
  const b = await startBroker();
  await (await b.nc.jetstreamManager()).streams.add({ name: 'RSS', subjects: ['rss.>'], storage: StorageType.File, allow_direct: true });
  await stop(b);
}
{
  const s = openFileStore({ dir: streamDir });
  const have = s.state().msgs;
  if (have < N) {
    const payload = Buffer.alloc(128, 0x63);
    const t0 = Date.now();
    for (let i = have; i < N;) {
      for (let j = 0; j < 1000 && i < N; j++, i++) s.append(SUBJECTS[i % 1000]!, null, payload);
      await s.flushed();
    }
    console.log(`filled ${N - have} messages in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  await s.close();
}

const b = await startBroker();
const pid = b.child.pid!;
const jsm = await b.nc.jetstreamManager();
const info = await jsm.streams.info('RSS');
const rows: Array<[string, number]> = [[`after start (${b.startMs} ms to answer JetStream)`, status(pid, 'VmRSS')]];

await jsm.consumers.add('RSS', { durable_name: 'rss', ack_policy: AckPolicy.Explicit });
const js = b.nc.jetstream();
for (let n = 0; n < 200_000;) {
  for await (const m of js.fetch('RSS', 'rss', { batch: 1000, expires: 5000 })) {
    m.ack();
    n++;
  }
}
rows.push(['after a pull consumer read 200k (acked)', status(pid, 'VmRSS')]);
for (let i = 0; i < 20_000; i++) await b.nc.request(`$JS.API.DIRECT.GET.RSS.${SUBJECTS[(i * 7919) % 1000]!}`); // as kv.get asks
rows.push(['after 20k direct gets, last by subject', status(pid, 'VmRSS')]);
for (let i = 0; i < 20_000; i++) await jsm.streams.getMessage('RSS', { seq: 1 + ((i * 2654435761) % info.state.messages) });
rows.push(['after 20k MSG.GET at random sequences', status(pid, 'VmRSS')]);
const hwm = status(pid, 'VmHWM');
await stop(b);

console.log(
  `stream RSS: ${info.state.messages} msgs, ${(info.state.bytes / 1e9).toFixed(2)} GB, ${info.state.num_subjects ?? 1000} subjects; load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log('| broker (built), file stream of 128 B messages | RSS (MiB) |\n|---|---:|');
for (const [what, mb] of rows) console.log(`| ${what} | ${mb} |`);
console.log(`| peak (VmHWM) | ${hwm} |`);
