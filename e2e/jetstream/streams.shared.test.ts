// The nats.js v2 client's JetStream API against nats-server -js and the broker, same test on both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, headers, StorageType, type NatsConnection } from 'nats';
import { useBothServers } from './server-pair.js';

const servers = useBothServers();

for (const kind of ['nats-server', 'broker'] as const) {
  describe(`streams with nats.js v2 (${kind})`, () => {
    let nc: NatsConnection;
    beforeAll(async () => {
      nc = await connect({ servers: servers[kind].url });
    });
    afterAll(async () => {
      await nc?.close();
    });

    it('says JetStream in INFO and answers account info', async () => {
      expect(nc.info?.jetstream).toBe(true);
      const jsm = await nc.jetstreamManager();
      const ai = await jsm.getAccountInfo();
      expect(ai.limits.max_streams).toBe(-1);
    });

    it('creates, publishes with acks, reads back, lists, purges and deletes', async () => {
      const jsm = await nc.jetstreamManager();
      const si = await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'], storage: StorageType.File });
      expect(si.config.duplicate_window).toBe(120_000_000_000);
      const js = nc.jetstream();
      for (let i = 1; i <= 5; i++) {
        const ack = await js.publish(`orders.${i % 2 ? 'odd' : 'even'}`, new TextEncoder().encode(`o${i}`));
        expect(ack).toMatchObject({ stream: 'ORDERS', seq: i, duplicate: false });
      }
      const h = headers();
      h.set('Nats-Msg-Id', 'x1');
      await js.publish('orders.odd', new Uint8Array(0), { headers: h });
      const dup = await js.publish('orders.odd', new Uint8Array(0), { msgID: 'x1' });
      expect(dup.duplicate).toBe(true);
      await expect(js.publish('orders.odd', new Uint8Array(0), { expect: { lastSequence: 2 } })).rejects.toThrow(/wrong last sequence: 6/);
      const m = await jsm.streams.getMessage('ORDERS', { last_by_subj: 'orders.even' });
      expect(m.seq).toBe(4);
      expect(new TextDecoder().decode(m.data)).toBe('o4');
      const names = await jsm.streams.names('orders.odd').next();
      expect(names).toEqual(['ORDERS']);
      const list = await jsm.streams.list().next();
      expect(list.map((s) => s.state.messages)).toEqual([6]);
      expect((await jsm.streams.purge('ORDERS', { filter: 'orders.odd' })).purged).toBe(4);
      expect(await jsm.streams.deleteMessage('ORDERS', 4)).toBe(true);
      const info = await jsm.streams.info('ORDERS');
      expect(info.state.messages).toBe(1);
      expect(await jsm.streams.delete('ORDERS')).toBe(true);
      await expect(jsm.streams.info('ORDERS')).rejects.toThrow(/stream not found/);
    });

    it('keeps max_msgs_per_subject and discard new as a KV bucket needs, and serves direct get', async () => {
      const js = nc.jetstream();
      const kv = await js.views.kv('cfg', { history: 2 });
      await kv.put('a', new TextEncoder().encode('1'));
      await kv.put('a', new TextEncoder().encode('2'));
      await kv.put('a', new TextEncoder().encode('3'));
      const e = await kv.get('a');
      expect(new TextDecoder().decode(e!.value)).toBe('3');
      expect(e!.revision).toBe(3);
      await expect(kv.create('a', new Uint8Array(0))).rejects.toThrow(/wrong last sequence/);
      const st = await kv.status();
      expect(st.values).toBe(2);
    });

    it('refuses a stream whose subjects overlap another (10065)', async () => {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.add({ name: 'A1', subjects: ['a.>'] });
      await expect(jsm.streams.add({ name: 'A2', subjects: ['a.b'] })).rejects.toThrow(/subjects overlap with an existing stream/);
      await jsm.streams.delete('A1');
    });
  });
}
