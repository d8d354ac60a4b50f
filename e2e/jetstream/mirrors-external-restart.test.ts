// A mirror and a source in account B of a stream in account A (`external`, through B's imports
// of A's consumer API, delivery subjects and flow control) across broker restarts, real
// processes on one store_dir: SIGKILL while they copy a burst (4 MB: flow control engaged), a
// restart, more messages, a clean stop, another restart, more messages. Afterwards the mirror
// holds exactly the origin and the source each origin sequence exactly once, in order.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type JetStreamClient, type JetStreamManager, type NatsConnection, type PubAck } from 'nats';
import { startBrokerProcess, waitFor, type RunningServer } from '@switchboard/testing';

const N = 20_000;
const PAYLOAD = 'x'.repeat(200);
const storeDir = mkdtempSync(join(tmpdir(), 'sb-js-mirrors-ext-'));
const started: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  rmSync(storeDir, { recursive: true, force: true });
});

const config = `
jetstream { store_dir: "${storeDir}" }
accounts {
  A: {
    jetstream: enabled
    users: [{ user: a, password: a }]
    exports [{ service: "$JS.API.CONSUMER.>" }, { stream: "deliver.A.>" }, { service: "$JS.FC.>" }]
  }
  B: {
    jetstream: enabled
    users: [{ user: b, password: b }]
    imports [
      { service: { account: A, subject: "$JS.API.CONSUMER.>" }, to: "$JS.A.API.CONSUMER.>" }
      { stream: { account: A, subject: "deliver.A.>" } }
      { service: { account: A, subject: "$JS.FC.>" } }
    ]
  }
}
`;
const ext = { api: '$JS.A.API', deliver: 'deliver.A' };

interface Side {
  nc: NatsConnection;
  jsm: JetStreamManager;
  js: JetStreamClient;
}

async function broker(): Promise<{ server: RunningServer; a: Side; b: Side }> {
  const server = await startBrokerProcess({ config });
  started.push(server);
  const side = async (user: string): Promise<Side> => {
    const nc = await connect({ servers: server.url, user, pass: user, reconnect: false });
    return { nc, jsm: await nc.jetstreamManager(), js: nc.jetstream() };
  };
  return { server, a: await side('a'), b: await side('b') };
}

/** Publishes origin messages `from..to` with up to 200 in flight. */
async function publish(js: JetStreamClient, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i += 200) {
    const batch: Promise<PubAck>[] = [];
    for (let k = i; k <= Math.min(to, i + 199); k++) batch.push(js.publish(`o.${k % 7}`, new TextEncoder().encode(`m${k} ${PAYLOAD}`)));
    await Promise.all(batch);
  }
}

async function caughtUp(jsm: JetStreamManager, last: number): Promise<void> {
  await waitFor(
    async () => {
      const [m, s] = await Promise.all([jsm.streams.info('M'), jsm.streams.info('S')]);
      return m.state.last_seq === last && s.state.messages === last;
    },
    90_000,
    `mirror and source to reach ${last}`,
  );
}

/** Every message of a stream in order: [seq, subject, data, source header]. */
async function readAll(js: JetStreamClient, stream: string, n: number): Promise<[number, string, string, string][]> {
  const c = await js.consumers.get(stream);
  const out: [number, string, string, string][] = [];
  while (out.length < n) {
    const iter = await c.fetch({ max_messages: Math.min(1000, n - out.length), expires: 5000 });
    for await (const m of iter) out.push([m.seq, m.subject, new TextDecoder().decode(m.data), m.headers?.get('Nats-Stream-Source') ?? '']);
  }
  return out;
}

async function close(...sides: Side[]): Promise<void> {
  await Promise.all(sides.map((s) => s.nc.close().catch(() => {})));
}

describe('external mirror and source across broker restarts', () => {
  it('resume where they were: no repeats, no gaps', async () => {
    const one = await broker();
    await one.a.jsm.streams.add({ name: 'O', subjects: ['o.*'] });
    await publish(one.a.js, 1, N);
    await one.b.jsm.streams.add({ name: 'M', mirror: { name: 'O', external: ext } });
    await one.b.jsm.streams.add({ name: 'S', sources: [{ name: 'O', external: ext }] });
    let before = 0;
    await waitFor(async () => (before = (await one.b.jsm.streams.info('M')).state.last_seq) > 0, 10_000, 'the first copies');
    process.kill(one.server.pid, 'SIGKILL');
    await one.server.child.exited;
    await close(one.a, one.b);

    const two = await broker();
    await caughtUp(two.b.jsm, N);
    await publish(two.a.js, N + 1, N + 1000);
    await caughtUp(two.b.jsm, N + 1000);
    await close(two.a, two.b);
    await two.server.stop(); // SIGTERM: a clean stop

    const three = await broker();
    const total = N + 1500;
    await publish(three.a.js, N + 1001, total);
    await caughtUp(three.b.jsm, total);
    const o = await readAll(three.a.js, 'O', total);
    const [m, s] = await Promise.all([readAll(three.b.js, 'M', total), readAll(three.b.js, 'S', total)]);
    expect(o.map((x) => x[0])).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(m.map(([seq, subj, data]) => [seq, subj, data])).toEqual(o.map(([seq, subj, data]) => [seq, subj, data]));
    const header = /^O:[0-9A-Za-z]{8} /;
    expect(s.every((x) => header.test(x[3]))).toBe(true);
    expect(s.map((x) => Number(x[3].split(' ')[1]))).toEqual(o.map((x) => x[0]));
    expect(s.map((x) => x[2])).toEqual(o.map((x) => x[2]));
    expect((await three.b.jsm.streams.info('M')).mirror).toMatchObject({ name: 'O', external: ext, lag: 0 });
    console.log(`mirror at ${before} of ${N} when the first broker was killed`);
    await close(three.a, three.b);
  }, 300_000);
});
