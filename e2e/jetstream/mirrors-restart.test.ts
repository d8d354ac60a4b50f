// A mirror and a source across broker restarts, real processes on one store_dir: SIGKILL while
// they copy a burst, a restart, more messages, a clean stop, another restart, more messages.
// Afterwards the mirror holds exactly the origin (same sequences, subjects, payloads) and the
// source holds each origin sequence exactly once, in order: nothing repeated, nothing skipped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type JetStreamClient, type JetStreamManager, type NatsConnection, type PubAck } from 'nats';
import { startBrokerProcess, waitFor, type RunningServer } from '@switchboard/testing';

const N = 20_000;
const storeDir = mkdtempSync(join(tmpdir(), 'sb-js-mirrors-'));
const started: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  rmSync(storeDir, { recursive: true, force: true });
});

async function broker(): Promise<{ server: RunningServer; nc: NatsConnection; jsm: JetStreamManager; js: JetStreamClient }> {
  const server = await startBrokerProcess({ config: `jetstream { store_dir: "${storeDir}" }\n` });
  started.push(server);
  const nc = await connect({ servers: server.url, reconnect: false });
  return { server, nc, jsm: await nc.jetstreamManager(), js: nc.jetstream() };
}

/** Publishes origin messages `from..to` with up to 200 in flight. */
async function publish(js: JetStreamClient, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i += 200) {
    const batch: Promise<PubAck>[] = [];
    for (let k = i; k <= Math.min(to, i + 199); k++) batch.push(js.publish(`o.${k % 7}`, new TextEncoder().encode(`m${k}`)));
    await Promise.all(batch);
  }
}

async function caughtUp(jsm: JetStreamManager, last: number): Promise<void> {
  await waitFor(
    async () => {
      const [m, s] = await Promise.all([jsm.streams.info('M'), jsm.streams.info('S')]);
      return m.state.last_seq === last && s.state.messages === last;
    },
    60_000,
    `mirror and source to reach ${last}`,
  );
}

/** Every message of a stream in order, read with an ordered consumer: [seq, subject, data, source header]. */
async function readAll(js: JetStreamClient, stream: string, n: number): Promise<[number, string, string, string][]> {
  const c = await js.consumers.get(stream);
  const out: [number, string, string, string][] = [];
  while (out.length < n) {
    const iter = await c.fetch({ max_messages: Math.min(1000, n - out.length), expires: 5000 });
    for await (const m of iter) out.push([m.seq, m.subject, new TextDecoder().decode(m.data), m.headers?.get('Nats-Stream-Source') ?? '']);
  }
  return out;
}

describe('mirror and source across broker restarts', () => {
  it('resume where they were: no repeats, no gaps', async () => {
    const one = await broker();
    await one.jsm.streams.add({ name: 'O', subjects: ['o.*'] });
    await publish(one.js, 1, N);
    // The mirror and the source start on a full origin: killed while they catch up.
    await one.jsm.streams.add({ name: 'M', mirror: { name: 'O' } });
    await one.jsm.streams.add({ name: 'S', sources: [{ name: 'O' }] });
    let before = 0;
    await waitFor(async () => (before = (await one.jsm.streams.info('M')).state.last_seq) > 0, 10_000, 'the first copies');
    process.kill(one.server.pid, 'SIGKILL');
    await one.server.child.exited;
    await one.nc.close().catch(() => {});

    const two = await broker();
    await caughtUp(two.jsm, N);
    await publish(two.js, N + 1, N + 1000);
    await caughtUp(two.jsm, N + 1000);
    await two.nc.close();
    await two.server.stop(); // SIGTERM: a clean stop

    const three = await broker();
    const total = N + 1500;
    await publish(three.js, N + 1001, total);
    await caughtUp(three.jsm, total);
    const [o, m, s] = await Promise.all([readAll(three.js, 'O', total), readAll(three.js, 'M', total), readAll(three.js, 'S', total)]);
    expect(o.map((x) => x[0])).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(m.map(([seq, subj, data]) => [seq, subj, data])).toEqual(o.map(([seq, subj, data]) => [seq, subj, data]));
    expect(s.map((x) => x[3])).toEqual(o.map((x) => `O ${x[0]}`));
    expect(s.map((x) => x[2])).toEqual(o.map((x) => x[2]));
    const info = await three.jsm.streams.info('M');
    expect(info.mirror).toMatchObject({ name: 'O', lag: 0 });
    // Whether the kill came while the copies were behind (the case this test is for) is timing:
    // say what happened.
    console.log(`mirror at ${before} of ${N} when the first broker was killed`);
    await three.nc.close();
  }, 240_000);
});
