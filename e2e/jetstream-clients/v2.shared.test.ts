// JetStream through nats.js v2 (`nats`): the same client code against nats-server -js and the
// broker -js. Streams with push and pull consumers, acks and redelivery, KV and object store.
import { createHash } from 'node:crypto';
import {
  AckPolicy,
  type ConsumerInfo,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type KV,
  type KvEntry,
  type NatsConnection,
  StringCodec,
  connect,
  consumerOpts,
} from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetStreamConfig, startServer, waitFor, type RunningServer, type ServerKind } from '@switchboard/testing';

const sc = StringCodec();

for (const kind of ['nats-server', 'broker'] as ServerKind[]) {
  describe(`nats.js v2 JetStream on ${kind}`, () => {
    let server: RunningServer;
    let nc: NatsConnection;
    let js: JetStreamClient;
    let jsm: JetStreamManager;

    beforeAll(async () => {
      server = await startServer(kind, { config: jetStreamConfig });
      nc = await connect({ servers: server.url });
      jsm = await nc.jetstreamManager();
      js = nc.jetstream();
    });
    afterAll(async () => {
      await nc?.close();
      await server?.stop();
    });

    it('push consumer: js.subscribe delivers, acks move the floor', async () => {
      await jsm.streams.add({ name: 'PUSH', subjects: ['push.>'] });
      for (let i = 0; i < 10; i++) await js.publish(`push.${i % 3}`, sc.encode(`m${i}`));
      const opts = consumerOpts().durable('pd').deliverTo(`dlv.${kind}`).ackExplicit().manualAck();
      const sub = await js.subscribe('push.>', opts);
      const got: string[] = [];
      for await (const m of sub) {
        got.push(sc.decode(m.data));
        expect(m.info.stream).toBe('PUSH');
        expect(m.info.consumer).toBe('pd');
        m.ack();
        if (m.info.pending === 0) break;
      }
      expect(got).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
      await waitFor(async () => (await jsm.consumers.info('PUSH', 'pd')).ack_floor.stream_seq === 10, 5000);
      const ci = await jsm.consumers.info('PUSH', 'pd');
      expect(ci).toMatchObject({ num_ack_pending: 0, num_pending: 0, delivered: { consumer_seq: 10, stream_seq: 10 } });
    });

    it('pull consumer: fetch in batches, nak redelivers, term and ack', async () => {
      await jsm.streams.add({ name: 'PULL', subjects: ['pull.>'] });
      for (let i = 0; i < 5; i++) await js.publish('pull.a', sc.encode(`p${i}`));
      await jsm.consumers.add('PULL', { durable_name: 'w', ack_policy: AckPolicy.Explicit, ack_wait: 2_000_000_000 });
      const batch1: JsMsg[] = [];
      for await (const m of js.fetch('PULL', 'w', { batch: 3, expires: 2000 })) batch1.push(m);
      expect(batch1.map((m) => sc.decode(m.data))).toEqual(['p0', 'p1', 'p2']);
      batch1[0]!.ack();
      batch1[1]!.nak();
      batch1[2]!.term();
      const batch2: JsMsg[] = [];
      for await (const m of js.fetch('PULL', 'w', { batch: 3, expires: 2000 })) batch2.push(m);
      // The NAK and the next pull travel apart: p1 comes back in this batch, in some place.
      expect(batch2.map((m) => `${sc.decode(m.data)}#${m.info.redeliveryCount}`).sort()).toEqual(['p1#2', 'p3#1', 'p4#1']);
      for (const m of batch2) await m.ackAck();
      const ci = await jsm.consumers.info('PULL', 'w');
      expect(ci).toMatchObject({ num_ack_pending: 0, num_pending: 0, ack_floor: { stream_seq: 5 } });
      // Nothing left: an expiring fetch ends empty (408 from the server).
      const none: JsMsg[] = [];
      for await (const m of js.fetch('PULL', 'w', { batch: 2, expires: 500 })) none.push(m);
      expect(none).toHaveLength(0);
    });

    it('redelivery after ack wait, and consumers API (list, names, delete)', async () => {
      await jsm.streams.add({ name: 'RD', subjects: ['rd'] });
      await js.publish('rd', sc.encode('once'));
      await jsm.consumers.add('RD', { durable_name: 'slow', ack_policy: AckPolicy.Explicit, ack_wait: 500_000_000 });
      const first: JsMsg[] = [];
      for await (const m of js.fetch('RD', 'slow', { batch: 1, expires: 1000 })) first.push(m);
      expect(first).toHaveLength(1);
      const again: JsMsg[] = [];
      await waitFor(async () => {
        for await (const m of js.fetch('RD', 'slow', { batch: 1, expires: 400 })) again.push(m);
        return again.length > 0;
      }, 5000);
      expect(again[0]!.info.redeliveryCount).toBe(2);
      again[0]!.ack();
      await jsm.consumers.add('RD', { durable_name: 'other', ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.Last });
      const names: string[] = [];
      for await (const n of jsm.consumers.list('RD')) names.push((n as ConsumerInfo).name);
      expect(names.sort()).toEqual(['other', 'slow']);
      expect(await jsm.consumers.delete('RD', 'other')).toBe(true);
      await expect(jsm.consumers.info('RD', 'other')).rejects.toThrow(/consumer not found/);
    });

    it('KV: put/get/create/update/delete/purge/history/keys/watch', async () => {
      const kv: KV = await js.views.kv(`cfg_${kind.replace('-', '_')}`, { history: 5 });
      expect(await kv.put('a', sc.encode('1'))).toBe(1);
      expect(await kv.put('b', sc.encode('2'))).toBe(2);
      expect(sc.decode((await kv.get('a'))!.value)).toBe('1');
      await expect(kv.create('a', sc.encode('x'))).rejects.toThrow();
      expect(await kv.create('c', sc.encode('3'))).toBe(3);
      expect(await kv.update('a', sc.encode('1b'), 1)).toBe(4);
      await expect(kv.update('a', sc.encode('bad'), 1)).rejects.toThrow();
      await kv.delete('b');
      expect(await kv.get('b')).toMatchObject({ operation: 'DEL' });
      const hist: KvEntry[] = [];
      for await (const e of await kv.history({ key: 'a' })) hist.push(e);
      expect(hist.map((e) => sc.decode(e.value))).toEqual(['1', '1b']);
      const keys: string[] = [];
      for await (const k of await kv.keys()) keys.push(k);
      expect(keys.sort()).toEqual(['a', 'c']);
      // Watch: the initial values, then the marker (null), then live updates.
      const seen: string[] = [];
      const w = await kv.watch({ initializedFn: () => seen.push('<init>') });
      const done = (async () => {
        for await (const e of w) {
          seen.push(`${e.key}=${e.operation === 'PUT' ? sc.decode(e.value) : e.operation}`);
          if (e.key === 'z') break;
        }
      })();
      await waitFor(() => seen.includes('<init>'), 5000);
      await kv.put('z', sc.encode('live'));
      await done;
      expect(seen).toEqual(['c=3', 'a=1b', 'b=DEL', '<init>', 'z=live']);
      await kv.purge('c');
      expect(await kv.get('c')).toMatchObject({ operation: 'PURGE' });
      const st = await kv.status();
      expect(st.history).toBe(5);
      const buckets: string[] = [];
      for await (const b of jsm.streams.listKvs()) buckets.push(b.bucket);
      expect(buckets).toContain(`cfg_${kind.replace('-', '_')}`);
    });

    it('object store: many chunks with digest, info, list, links, delete', async () => {
      const os = await js.views.os('files');
      const data = new Uint8Array(700 * 1024);
      for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
      const info = await os.put({ name: 'big.bin' }, readable(data));
      expect(info.chunks).toBe(6);
      expect(info.digest).toBe(`SHA-256=${createHash('sha256').update(data).digest('base64url')}=`);
      const r = await os.get('big.bin');
      const back = await collect(r!.data);
      expect(await r!.error).toBeFalsy();
      expect(Buffer.compare(Buffer.from(back), Buffer.from(data))).toBe(0);
      await os.put({ name: 'small.txt' }, readable(sc.encode('hello')));
      await os.link('alias', (await os.info('small.txt'))!);
      const linked = await os.get('alias');
      expect(sc.decode(await collect(linked!.data))).toBe('hello');
      const list = (await os.list()).map((i) => i.name).sort();
      expect(list).toEqual(['alias', 'big.bin', 'small.txt']);
      await os.delete('big.bin');
      expect((await os.info('big.bin'))?.deleted).toBe(true);
      expect((await os.list()).map((i) => i.name).sort()).toEqual(['alias', 'small.txt']);
    });
  });
}

function readable(data: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      controller.enqueue(data);
      controller.close();
    },
  });
}

async function collect(rs: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = rs.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return Buffer.concat(parts);
}
