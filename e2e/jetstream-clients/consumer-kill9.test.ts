// Consumer state survives SIGKILL of the broker process: delivered, ack floor and the pending
// (unacked) deliveries come back, and what was pending is redelivered after its ack wait.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, type JsMsg, type NatsConnection, StringCodec, connect } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type RunningServer } from '@switchboard/testing';

const sc = StringCodec();

describe('consumer state across kill -9 of the broker', () => {
  const storeDir = mkdtempSync(join(tmpdir(), 'jsc-kill9-'));
  const running: RunningServer[] = [];
  const conns: NatsConnection[] = [];
  afterAll(async () => {
    for (const nc of conns) await nc.close().catch(() => {});
    for (const s of running) await s.stop();
    rmSync(storeDir, { recursive: true, force: true });
  });

  it('restores delivered, ack floor and pending, then redelivers the pending', async () => {
    const port = await freePort();
    const first = await startServer('broker', { port, args: ['-js', '-sd', storeDir] });
    running.push(first);
    const nc = await connect({ servers: first.url, reconnect: false });
    conns.push(nc);
    const jsm = await nc.jetstreamManager();
    const js = nc.jetstream();
    await jsm.streams.add({ name: 'K', subjects: ['k.>'] });
    for (let i = 0; i < 10; i++) await js.publish('k.x', sc.encode(`m${i}`));
    await jsm.consumers.add('K', { durable_name: 'dur', ack_policy: AckPolicy.Explicit, ack_wait: 1_000_000_000 });
    const got: JsMsg[] = [];
    for await (const m of js.fetch('K', 'dur', { batch: 6, expires: 2000 })) got.push(m);
    expect(got).toHaveLength(6);
    for (const m of got.slice(0, 3)) await m.ackAck();
    // The acks are answered; the info round trip below runs after the state write they scheduled.
    expect(await jsm.consumers.info('K', 'dur')).toMatchObject({ ack_floor: { stream_seq: 3 }, num_ack_pending: 3 });
    first.child.proc.kill('SIGKILL');
    await first.child.exited;

    const second = await startServer('broker', { port, args: ['-js', '-sd', storeDir] });
    running.push(second);
    const nc2 = await connect({ servers: second.url });
    conns.push(nc2);
    const jsm2 = await nc2.jetstreamManager();
    const js2 = nc2.jetstream();
    const ci = await jsm2.consumers.info('K', 'dur');
    expect(ci).toMatchObject({
      delivered: { consumer_seq: 6, stream_seq: 6 },
      ack_floor: { consumer_seq: 3, stream_seq: 3 },
      num_ack_pending: 3,
      num_pending: 4,
    });
    const after: JsMsg[] = [];
    for await (const m of js2.fetch('K', 'dur', { batch: 10, expires: 4000 })) {
      after.push(m);
      m.ack();
      if (after.length === 7) break;
    }
    const seen = after.map((m) => `${sc.decode(m.data)}#${m.info.redeliveryCount}`);
    expect(seen.sort()).toEqual(['m3#2', 'm4#2', 'm5#2', 'm6#1', 'm7#1', 'm8#1', 'm9#1']);
  });
});
