// kill -9 the broker while clients publish to a file stream: after a restart on the same
// store_dir the stream is back and every message that was acked is there, with its payload.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection, type PubAck } from 'nats';
import { startBrokerProcess, waitFor, type RunningServer } from '@switchboard/testing';

const storeDir = mkdtempSync(join(tmpdir(), 'sb-js-durable-'));
const started: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  rmSync(storeDir, { recursive: true, force: true });
});

async function broker(): Promise<RunningServer> {
  const s = await startBrokerProcess({ config: `jetstream { store_dir: "${storeDir}" }\n` });
  started.push(s);
  return s;
}

describe('JetStream durability (SIGKILL)', () => {
  it('loses no acked message and brings streams back', async () => {
    const first = await broker();
    const nc = await connect({ servers: first.url, reconnect: false });
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: 'DUR', subjects: ['dur.>'] });
    await jsm.streams.add({ name: 'KEEP', subjects: ['keep'], max_msgs_per_subject: 1 });
    await nc.jetstream().publish('keep', new TextEncoder().encode('kept'));
    const js = nc.jetstream();
    const acked = new Map<number, string>();
    let stop = false;
    // Publishers with many publishes in flight each, until the process dies under them.
    const publisher = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const batch: Promise<PubAck>[] = [];
        const bodies: string[] = [];
        for (let k = 0; k < 50; k++) {
          const body = `w${w}-${i}-${k}`;
          bodies.push(body);
          batch.push(js.publish(`dur.${w}`, new TextEncoder().encode(body), { timeout: 2000 }));
        }
        const results = await Promise.allSettled(batch);
        results.forEach((r, k) => {
          if (r.status === 'fulfilled') acked.set(r.value.seq, bodies[k]!);
        });
        if (results.some((r) => r.status === 'rejected')) return;
      }
    };
    const pubs = [0, 1, 2, 3].map((w) => publisher(w));
    await waitFor(() => acked.size >= 3000, 30_000, '3000 acked publishes');
    process.kill(first.pid, 'SIGKILL');
    await first.child.exited;
    stop = true;
    await Promise.allSettled(pubs);
    await (nc as NatsConnection).close().catch(() => {});
    const ackedCount = acked.size;
    expect(ackedCount).toBeGreaterThanOrEqual(3000);

    const second = await broker();
    expect(second.log()).toMatch(/Restored \d+ messages for stream '\$G > DUR'/);
    const nc2 = await connect({ servers: second.url });
    const jsm2 = await nc2.jetstreamManager();
    const info = await jsm2.streams.info('DUR');
    expect(info.state.messages).toBeGreaterThanOrEqual(ackedCount);
    const lost: number[] = [];
    for (const [seq, body] of acked) {
      const m = await jsm2.streams.getMessage('DUR', { seq }).catch(() => null);
      if (m === null || new TextDecoder().decode(m.data) !== body) lost.push(seq);
    }
    expect(lost).toEqual([]);
    const kept = await jsm2.streams.getMessage('KEEP', { last_by_subj: 'keep' });
    expect(new TextDecoder().decode(kept.data)).toBe('kept');
    // The stream goes on where it stopped.
    const next = await nc2.jetstream().publish('dur.x', new Uint8Array(0));
    expect(next.seq).toBe(info.state.last_seq + 1);
    await nc2.close();
  }, 120_000);
});
