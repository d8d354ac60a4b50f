// Mirrors and sources through the nats.js v2 client (jsm.streams.add with mirror / sources, then
// consuming from the copies), the same test on nats-server -js and on the broker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckPolicy, connect, type JetStreamManager, type NatsConnection } from 'nats';
import { waitFor } from '@switchboard/testing';
import { useBothServers } from './server-pair.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

const servers = useBothServers();

/** Until the stream holds `n` messages and its links are caught up (nats-server copies in the background). */
async function caughtUp(jsm: JetStreamManager, stream: string, n: number): Promise<void> {
  await waitFor(
    async () => {
      const si = await jsm.streams.info(stream);
      const links = [...(si.mirror ? [si.mirror] : []), ...(si.sources ?? [])];
      return si.state.messages === n && links.every((l) => l.lag === 0 && !l.error);
    },
    20_000,
    `${stream} to hold ${n} messages`,
  );
}

for (const kind of ['nats-server', 'broker'] as const) {
  describe(`mirrors and sources with nats.js v2 (${kind})`, () => {
    let nc: NatsConnection;
    beforeAll(async () => {
      nc = await connect({ servers: servers[kind].url });
    });
    afterAll(async () => {
      await nc?.close();
    });

    it('a mirror keeps the origin sequences and is consumed like any stream', async () => {
      const jsm = await nc.jetstreamManager();
      const js = nc.jetstream();
      await jsm.streams.add({ name: 'ORIG', subjects: ['orig.>'] });
      for (let i = 1; i <= 10; i++) await js.publish(`orig.${i % 3}`, enc(`m${i}`), { msgID: `id${i}` });
      await jsm.streams.deleteMessage('ORIG', 4);
      const si = await jsm.streams.add({ name: 'MIRR', mirror: { name: 'ORIG' } });
      expect(si.config.mirror).toEqual({ name: 'ORIG' });
      await caughtUp(jsm, 'MIRR', 9);
      for (let i = 11; i <= 15; i++) await js.publish('orig.x', enc(`m${i}`));
      await caughtUp(jsm, 'MIRR', 14);
      const info = await jsm.streams.info('MIRR');
      expect(info.state).toMatchObject({ first_seq: 1, last_seq: 15, num_deleted: 1 });
      expect(info.mirror).toMatchObject({ name: 'ORIG', lag: 0 });

      await jsm.consumers.add('MIRR', { durable_name: 'reader', ack_policy: AckPolicy.Explicit });
      const c = await js.consumers.get('MIRR', 'reader');
      const got: [number, string, string | undefined][] = [];
      const iter = await c.fetch({ max_messages: 14, expires: 5000 });
      for await (const m of iter) {
        got.push([m.seq, dec(m.data), m.headers?.get('Nats-Msg-Id')]);
        m.ack();
      }
      expect(got.map((g) => g[0])).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
      expect(got[0]).toEqual([1, 'm1', 'id1']);
      expect(got[13]).toEqual([15, 'm15', undefined]);
      await jsm.streams.delete('MIRR');
      await jsm.streams.delete('ORIG');
    });

    it('sources merge origins with their own sequences and the Nats-Stream-Source header', async () => {
      const jsm = await nc.jetstreamManager();
      const js = nc.jetstream();
      await jsm.streams.add({ name: 'EU', subjects: ['eu.>'] });
      await jsm.streams.add({ name: 'US', subjects: ['us.>'] });
      await js.publish('eu.order', enc('e1'));
      await js.publish('us.order', enc('u1'));
      await js.publish('us.refund', enc('u2'));
      await jsm.streams.add({ name: 'ALL', subjects: ['all.>'], sources: [{ name: 'EU' }, { name: 'US', filter_subject: 'us.order' }] });
      await caughtUp(jsm, 'ALL', 2);
      await js.publish('eu.order', enc('e2'));
      await caughtUp(jsm, 'ALL', 3);
      const ack = await js.publish('all.local', enc('own'));
      expect(ack).toMatchObject({ stream: 'ALL', seq: 4 });

      const sub = await js.consumers.get('ALL');
      const got: string[] = [];
      const iter = await sub.fetch({ max_messages: 4, expires: 5000 });
      for await (const m of iter) got.push(`${m.seq} ${m.subject} ${dec(m.data)} [${m.headers?.get('Nats-Stream-Source') ?? ''}]`);
      // The two origins' first copies may come in either order on nats-server.
      expect(
        got
          .slice(0, 2)
          .map((g) => g.slice(2))
          .sort(),
      ).toEqual(['eu.order e1 [EU 1]', 'us.order u1 [US 1]']);
      expect(got.slice(2)).toEqual(['3 eu.order e2 [EU 2]', '4 all.local own []']);
      const info = await jsm.streams.info('ALL');
      expect(info.sources?.map((s) => s.name).sort()).toEqual(['EU', 'US']);
      for (const n of ['ALL', 'EU', 'US']) await jsm.streams.delete(n);
    });

    it('mirror_direct: a caught-up mirror of an allow_direct origin answers its direct gets, under its own name', async () => {
      const jsm = await nc.jetstreamManager();
      const js = nc.jetstream();
      await jsm.streams.add({ name: 'DO', subjects: ['do.>'], allow_direct: true });
      await js.publish('do.a', enc('one'));
      await js.publish('do.b', enc('two'));
      const si = await jsm.streams.add({ name: 'DM', mirror: { name: 'DO' } });
      expect(si.config.mirror_direct).toBe(true); // taken from the origin's allow_direct
      await caughtUp(jsm, 'DM', 2);
      // The origin stops answering: what answers DIRECT.GET.DO now is the mirror.
      await jsm.streams.update('DO', { ...(await jsm.streams.info('DO')).config, allow_direct: false });
      const bySeq = await nc.request('$JS.API.DIRECT.GET.DO', enc(JSON.stringify({ seq: 1 })), { timeout: 2000 });
      expect([bySeq.headers?.get('Nats-Stream'), bySeq.headers?.get('Nats-Subject'), dec(bySeq.data)]).toEqual(['DM', 'do.a', 'one']);
      const last = await nc.request('$JS.API.DIRECT.GET.DO.do.b', enc(''), { timeout: 2000 });
      expect([last.headers?.get('Nats-Stream'), last.headers?.get('Nats-Sequence'), dec(last.data)]).toEqual(['DM', '2', 'two']);
      // A mirror of an origin without allow_direct does not.
      await jsm.streams.add({ name: 'DM2', mirror: { name: 'DO' } });
      expect((await jsm.streams.info('DM2')).config.mirror_direct).toBe(false);
      for (const n of ['DM', 'DM2', 'DO']) await jsm.streams.delete(n);
    });
  });
}
