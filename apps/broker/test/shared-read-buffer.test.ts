import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@switchboard/config';
import { optionsFromConfig } from '@switchboard/server';
import { RawClient, waitFor } from '@switchboard/testing';
import { startBroker, type Broker } from '../src/broker.js';
import { clientKinds, take, type Conn } from './helpers.js';

// Plain client sockets are read into one buffer all of them share (libs/server/src/read-buffer.ts),
// overwritten by the next read of any connection: whatever the broker keeps past a read — a
// subscriber's queued output, a stored JetStream message, a payload split across reads — must be
// a copy. Payloads carry a pattern that differs by publisher, message and byte, so bytes of
// another read showing through would be seen.

/** Around the sizes where a payload's assembly changes: in one read, split (≤ 4 KiB, ≤ 128 KiB, larger). */
const SIZES = [0, 1, 100, 4095, 4097, 30_000, 65_536, 70_000, 131_072, 200_000];

function pattern(publisher: number, msg: number, size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (publisher * 101 + msg * 31 + i * 7) & 0xff;
  return b;
}

/** Which expected payload this is, by its subject `p.<publisher>.<msg>`; null when intact. */
function damage(subject: string, data: Uint8Array): string | null {
  const [, p, m] = subject.split('.').map(Number) as [number, number, number];
  const want = pattern(p, m, SIZES[m % SIZES.length]!);
  return Buffer.from(data).equals(Buffer.from(want)) ? null : `${subject}: ${data.length} bytes, not the ${want.length} published`;
}

let broker: Broker;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-shared-read-'));
  const { options } = optionsFromConfig(parseConfig(`jetstream { store_dir: "${dir}" }\n`));
  broker = await startBroker({ ...options, host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(clientKinds)('connections read through one shared buffer, $name', (kind) => {
  const conns: Conn[] = [];
  const open = async (): Promise<Conn> => {
    const nc = await kind.connect({ servers: `127.0.0.1:${broker.port}`, reconnect: false });
    conns.push(nc);
    return nc;
  };
  afterAll(async () => {
    await Promise.all(conns.map((c) => (c.isClosed() ? undefined : c.close())));
  });

  const tag = kind.name.replace(/\W/g, '');

  /**
   * Four publishers at once, each sending every size `rounds` times on `<prefix>.<publisher>.<msg>`.
   * Returns how many, and a promise of the broker having read them all.
   */
  async function publishAll(prefix: string, rounds: number): Promise<{ total: number; flushed: Promise<void[]> }> {
    const pubs = await Promise.all([0, 1, 2, 3].map(() => open()));
    const n = SIZES.length * rounds;
    for (let m = 0; m < n; m++) pubs.forEach((nc, p) => nc.publish(`${prefix}.${p}.${m}`, pattern(p, m, SIZES[m % SIZES.length]!)));
    return { total: n * pubs.length, flushed: Promise.all(pubs.map((nc) => nc.flush())) };
  }

  it('several publishers at once: the subscriber gets every payload intact, each publisher in order', async () => {
    const nc = await open();
    const sub = nc.subscribe(`all${tag}.>`);
    await nc.flush();
    const { total } = await publishAll(`all${tag}`, 2);
    const got = await take(sub, total, 20_000);
    expect(got.map((m) => damage(m.subject, m.data)).filter((d) => d !== null)).toEqual([]);
    for (const p of [0, 1, 2, 3]) {
      const seq = got.filter((m) => m.subject.startsWith(`all${tag}.${p}.`)).map((m) => Number(m.subject.split('.')[2]));
      expect(seq).toEqual(seq.map((_, i) => i));
    }
  });

  it('a subscriber that stops reading gets its queued payloads intact once it reads again', async () => {
    const slow = await RawClient.open(broker.port);
    try {
      slow.send(`CONNECT {"verbose":false}\r\nSUB slow${tag}.> 1\r\nPING\r\n`);
      await slow.waitFor('PONG\r\n');
      slow.socket.pause();
      const client = [...broker.server.clients.values()].find((c) => c.port === slow.socket.localPort)!;
      // Enough that the kernel's buffers fill and the broker queues the rest while reads go on.
      const { total, flushed } = await publishAll(`slow${tag}`, 6);
      await waitFor(() => client.pendingBytes > 0, 10_000, 'output queued in the broker');
      slow.socket.resume();
      await flushed;
      const frames = await waitFrames(slow, total);
      expect(frames.map(([s, d]) => damage(s, d)).filter((d) => d !== null)).toEqual([]);
    } finally {
      slow.destroy();
    }
  });

  it('JetStream stores payloads published by several connections at once intact', async () => {
    const nc = await open();
    const stream = `SHARED_${kind.name.replace(/\W/g, '')}`;
    const subject = `js${stream}`;
    const req = (api: string, body: unknown): Promise<unknown> =>
      nc
        .request(`$JS.API.${api}`, new TextEncoder().encode(JSON.stringify(body)), { timeout: 5_000 })
        .then((m) => JSON.parse(new TextDecoder().decode(m.data)));
    expect(await req(`STREAM.CREATE.${stream}`, { name: stream, subjects: [`${subject}.>`], storage: 'file' })).not.toHaveProperty('error');
    const { total } = await publishAll(subject, 1);
    await waitFor(async () => ((await req(`STREAM.INFO.${stream}`, {})) as { state: { messages: number } }).state.messages === total, 10_000, 'all stored');
    const bad: string[] = [];
    for (let seq = 1; seq <= total; seq++) {
      const r = (await req(`STREAM.MSG.GET.${stream}`, { seq })) as { message: { subject: string; data?: string } };
      const d = damage(r.message.subject, Buffer.from(r.message.data ?? '', 'base64'));
      if (d !== null) bad.push(d);
    }
    expect(bad).toEqual([]);
  });
});

/** The MSG frames a raw subscriber has received, once there are `n` of them: [subject, payload]. */
async function waitFrames(c: RawClient, n: number): Promise<[string, Buffer][]> {
  let frames: [string, Buffer][] = [];
  await waitFor(
    () => {
      frames = msgFrames(c.bytes());
      return frames.length >= n;
    },
    20_000,
    `${n} messages`,
  );
  return frames;
}

function msgFrames(b: Buffer): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  let i = 0;
  for (;;) {
    const nl = b.indexOf('\r\n', i);
    if (nl < 0) return out;
    const line = b.toString('latin1', i, nl);
    if (!line.startsWith('MSG ')) {
      i = nl + 2;
      continue;
    }
    const args = line.split(' ');
    const size = Number(args[args.length - 1]);
    if (nl + 2 + size + 2 > b.length) return out;
    out.push([args[1]!, b.subarray(nl + 2, nl + 2 + size)]);
    i = nl + 2 + size + 2;
  }
}
