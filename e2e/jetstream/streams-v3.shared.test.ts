// nats.js v3 (@nats-io/jetstream on @nats-io/transport-node) against nats-server -js and the broker.
import { describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamApiError } from '@nats-io/jetstream';
import { useBothServers } from './server-pair.js';

const servers = useBothServers();

for (const kind of ['nats-server', 'broker'] as const) {
  describe(`streams with nats.js v3 (${kind})`, () => {
    it('manages streams, publishes with expectations, reads with direct get', async () => {
      const nc = await connect({ servers: servers[kind].url });
      try {
        const jsm = await jetstreamManager(nc);
        await jsm.streams.add({ name: 'V3', subjects: ['v3.>'], allow_direct: true, max_msgs_per_subject: 2 });
        const js = jetstream(nc);
        expect((await js.publish('v3.a', 'one')).seq).toBe(1);
        expect((await js.publish('v3.a', 'two', { msgID: 'i2' })).seq).toBe(2);
        expect((await js.publish('v3.a', 'two', { msgID: 'i2' })).duplicate).toBe(true);
        expect((await js.publish('v3.a', 'three', { expect: { lastSubjectSequence: 2 } })).seq).toBe(3);
        const err = await js.publish('v3.b', 'x', { expect: { streamName: 'OTHER' } }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(JetStreamApiError);
        expect((err as JetStreamApiError).code).toBe(10060);
        const m = await jsm.direct.getMessage('V3', { last_by_subj: 'v3.a' });
        expect(m?.string()).toBe('three');
        const si = await jsm.streams.info('V3');
        expect(si.state.messages).toBe(2);
        expect(si.state.first_seq).toBe(2);
        const updated = await jsm.streams.update('V3', { max_msgs_per_subject: 1 });
        expect(updated.state.messages).toBe(1);
        const names: string[] = [];
        for await (const n of jsm.streams.names()) names.push(n);
        expect(names).toEqual(['V3']);
        expect(await jsm.streams.delete('V3')).toBe(true);
      } finally {
        await nc.close();
      }
    });
  });
}
