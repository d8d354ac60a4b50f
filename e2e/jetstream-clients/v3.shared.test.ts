// JetStream through nats.js v3 (@nats-io/jetstream, @nats-io/kv, @nats-io/obj): the same client
// code against nats-server -js and the broker -js.
import { createHash } from 'node:crypto';
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetStreamConfig, startServer, waitFor, type RunningServer, type ServerKind } from '@switchboard/testing';

const te = new TextEncoder();
const td = new TextDecoder();

for (const kind of ['nats-server', 'broker'] as ServerKind[]) {
  describe(`nats.js v3 JetStream on ${kind}`, () => {
    let server: RunningServer;
    let nc: NatsConnection;
    let js: JetStreamClient;
    let jsm: JetStreamManager;

    beforeAll(async () => {
      server = await startServer(kind, { config: jetStreamConfig });
      nc = await connect({ servers: server.url });
      jsm = await jetstreamManager(nc);
      js = jetstream(nc);
    });
    afterAll(async () => {
      await nc?.close();
      await server?.stop();
    });

    it('pull consumer: fetch, consume, ack, nak with delay, term', async () => {
      await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
      for (let i = 0; i < 20; i++) await js.publish(`orders.${i % 4}`, te.encode(`o${i}`));
      await jsm.consumers.add('ORDERS', { durable_name: 'proc', ack_policy: AckPolicy.Explicit, filter_subject: 'orders.1' });
      const c = await js.consumers.get('ORDERS', 'proc');
      const got: string[] = [];
      const batch = await c.fetch({ max_messages: 3, expires: 2000 });
      for await (const m of batch) {
        got.push(td.decode(m.data));
        if (got.length === 1) m.nak(300);
        else if (got.length === 2) m.term();
        else m.ack();
      }
      expect(got).toEqual(['o1', 'o5', 'o9']);
      const rest: JsMsg[] = [];
      const iter = await c.consume({ max_messages: 10 });
      for await (const m of iter) {
        rest.push(m);
        await m.ackAck();
        if (rest.length === 3) break;
      }
      expect(rest.map((m) => td.decode(m.data)).sort()).toEqual(['o1', 'o13', 'o17']);
      expect(rest.find((m) => td.decode(m.data) === 'o1')!.info.deliveryCount).toBe(2);
      const info = await c.info();
      expect(info).toMatchObject({ num_pending: 0, num_ack_pending: 0 });
    });

    it('push consumer through getPushConsumer, and the ordered consumer', async () => {
      await jsm.streams.add({ name: 'EV', subjects: ['ev.*'] });
      for (let i = 0; i < 5; i++) await js.publish('ev.x', te.encode(`e${i}`));
      await jsm.consumers.add('EV', {
        durable_name: 'pushy',
        ack_policy: AckPolicy.Explicit,
        deliver_subject: `push.${kind}`,
        deliver_policy: DeliverPolicy.All,
        idle_heartbeat: 1_000_000_000,
        flow_control: true,
      });
      const pc = await js.consumers.getPushConsumer('EV', 'pushy');
      const seen: string[] = [];
      const it1 = await pc.consume();
      for await (const m of it1) {
        seen.push(td.decode(m.data));
        m.ack();
        if (seen.length === 5) break;
      }
      expect(seen).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
      const oc = await js.consumers.get('EV');
      const ordered: string[] = [];
      const it2 = await oc.consume();
      for await (const m of it2) {
        ordered.push(td.decode(m.data));
        if (m.info.pending === 0) break;
      }
      expect(ordered).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    });

    it('KV: create/update with revisions, delete, purge, history, keys, watch, status, list', async () => {
      const kvm = new Kvm(nc);
      const kv = await kvm.create('settings', { history: 3 });
      expect(await kv.put('x', te.encode('1'))).toBe(1);
      expect(await kv.create('y', te.encode('2'))).toBe(2);
      await expect(kv.create('y', te.encode('again'))).rejects.toThrow();
      expect(await kv.update('x', te.encode('1b'), 1)).toBe(3);
      await expect(kv.update('x', te.encode('stale'), 1)).rejects.toThrow();
      expect(td.decode((await kv.get('x'))!.value)).toBe('1b');
      expect((await kv.get('x', { revision: 1 }))!.string()).toBe('1');
      await kv.delete('y');
      // create after a delete reuses the key (the client retries with the delete's revision).
      expect(await kv.create('y', te.encode('back'))).toBe(5);
      const hist: string[] = [];
      for await (const e of await kv.history({ key: 'x' })) hist.push(e.string());
      expect(hist).toEqual(['1', '1b']);
      const keys: string[] = [];
      for await (const k of await kv.keys()) keys.push(k);
      expect(keys.sort()).toEqual(['x', 'y']);
      const seen: string[] = [];
      // v3 flags with isUpdate the entries from the last initial one on (pending 0 in its ack subject).
      const w = await kv.watch();
      const done = (async () => {
        for await (const e of w) {
          seen.push(`${e.key}=${e.operation}${e.isUpdate ? ' (update)' : ''}`);
          if (e.key === 'w') break;
        }
      })();
      await waitFor(() => seen.length === 2, 5000);
      await kv.put('w', te.encode('live'));
      await done;
      expect(seen).toEqual(['x=PUT', 'y=PUT (update)', 'w=PUT (update)']);
      await kv.purge('x');
      expect((await kv.get('x'))?.operation).toBe('PURGE');
      const st = await kv.status();
      expect(st).toMatchObject({ bucket: 'settings', history: 3 });
      const names: string[] = [];
      for await (const s of kvm.list()) names.push(s.bucket);
      expect(names).toContain('settings');
    });

    it('object store: chunks, digest, info, list, link, delete', async () => {
      const objm = new Objm(nc);
      const os = await objm.create('blobs', { storage: undefined });
      const data = new Uint8Array(300 * 1024 + 17);
      for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
      const info = await os.putBlob({ name: 'a.bin' }, data);
      expect(info.chunks).toBe(3);
      expect(info.digest).toBe(`SHA-256=${createHash('sha256').update(data).digest('base64url')}=`);
      const back = await os.getBlob('a.bin');
      expect(Buffer.compare(Buffer.from(back!), Buffer.from(data))).toBe(0);
      await os.putBlob({ name: 'b.txt' }, te.encode('bee'));
      await os.link('b-link', (await os.info('b.txt'))!);
      expect(td.decode((await os.getBlob('b-link'))!)).toBe('bee');
      expect((await os.list()).map((i) => i.name).sort()).toEqual(['a.bin', 'b-link', 'b.txt']);
      await os.delete('a.bin');
      expect((await os.list()).map((i) => i.name).sort()).toEqual(['b-link', 'b.txt']);
      const st = await os.status();
      expect(st.bucket).toBe('blobs');
    });
  });
}
