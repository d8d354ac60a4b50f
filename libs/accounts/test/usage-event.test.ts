// The usage event's wire contract: what the broker encodes is what the collector decodes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_USAGE_EVENT, ACCOUNT_USAGE_WILDCARD, accountUsageSubject, AccountUsage, parseUsageEvent, usageEvent, usageSnapshot } from '../src/index.js';

const server = { name: 'n1', host: '0.0.0.0', id: 'NSERVERID', ver: '2.9.10', seq: 7, jetstream: false, time: '2026-11-23T10:00:00.000Z' };
const good = {
  type: ACCOUNT_USAGE_EVENT,
  id: 'x',
  timestamp: '2026-11-23T10:00:00.000Z',
  server: { name: 'n', id: 'SID', seq: 1, time: '' },
  acc: 'A',
  conns: 1,
  subs: 2,
  total_conns: 3,
  sent: { msgs: 4, bytes: 5 },
  received: { msgs: 6, bytes: 7 },
  slow_consumers: 0,
  throttled_ms: 8,
};

describe('usage event', () => {
  it('round-trips: the broker side encodes an account usage snapshot, the collector side reads it back', () => {
    const u = new AccountUsage();
    Object.assign(u, { inMsgs: 10, inBytes: 1000, outMsgs: 20, outBytes: 2000, totalConnections: 3, slowConsumers: 1, throttledMs: 12.6 });
    const event = usageEvent({ id: 'EVT', timestamp: '2026-11-23T10:00:00.000Z', server, account: 'ACC', usage: usageSnapshot(u, 2, 5), leafNodes: 1 });
    expect(JSON.parse(JSON.stringify(event))).toEqual({
      type: 'io.switchboard.advisory.v1.account_usage',
      id: 'EVT',
      timestamp: '2026-11-23T10:00:00.000Z',
      server,
      acc: 'ACC',
      conns: 2,
      leafnodes: 1,
      subs: 5,
      total_conns: 3,
      sent: { msgs: 20, bytes: 2000 },
      received: { msgs: 10, bytes: 1000 },
      slow_consumers: 1,
      throttled_ms: 13,
    });
    expect(parseUsageEvent(JSON.stringify(event))).toEqual({
      serverId: 'NSERVERID',
      serverName: 'n1',
      account: 'ACC',
      at: new Date('2026-11-23T10:00:00.000Z'),
      msgsIn: 10,
      bytesIn: 1000,
      msgsOut: 20,
      bytesOut: 2000,
      totalConns: 3,
      throttledMs: 13,
      connections: 2,
      subscriptions: 5,
      leafNodes: 1,
      jsMemory: 0,
      jsStorage: 0,
      jsStreams: 0,
      jsConsumers: 0,
    });
  });

  it("carries the account's JetStream gauges when it has JetStream (absent: none)", () => {
    const usage = usageSnapshot(new AccountUsage(), 1, 1);
    const jetstream = { memory: 10, storage: 12345, streams: 2, consumers: 3 };
    const event = usageEvent({ id: 'E', timestamp: '2026-11-23T10:00:00.000Z', server, account: 'ACC', usage, jetstream });
    expect(JSON.parse(JSON.stringify(event)).jetstream).toEqual(jetstream);
    expect(parseUsageEvent(JSON.stringify(event))).toMatchObject({ jsMemory: 10, jsStorage: 12345, jsStreams: 2, jsConsumers: 3 });
    expect(usageEvent({ id: 'E', timestamp: '2026-11-23T10:00:00.000Z', server, account: 'ACC', usage })).not.toHaveProperty('jetstream');
  });

  it('is published on the subject the collector subscribes to', () => {
    const [prefix, suffix] = ACCOUNT_USAGE_WILDCARD.split('*');
    expect(accountUsageSubject('ACC')).toBe(`${prefix}ACC${suffix}`);
  });

  it('property: any snapshot survives encode -> JSON -> decode', () => {
    const count = fc.nat({ max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(
        fc.record({
          inMsgs: count,
          inBytes: count,
          outMsgs: count,
          outBytes: count,
          totalConnections: count,
          slowConsumers: count,
          throttledMs: count,
          connections: count,
          subscriptions: count,
        }),
        (s) => {
          const text = new TextEncoder().encode(JSON.stringify(usageEvent({ id: 'e', timestamp: new Date(0).toISOString(), server, account: 'A', usage: s })));
          expect(parseUsageEvent(text)).toEqual({
            serverId: server.id,
            serverName: server.name,
            account: 'A',
            at: new Date(0),
            msgsIn: s.inMsgs,
            bytesIn: s.inBytes,
            msgsOut: s.outMsgs,
            bytesOut: s.outBytes,
            totalConns: s.totalConnections,
            throttledMs: s.throttledMs,
            connections: s.connections,
            subscriptions: s.subscriptions,
            leafNodes: 0,
            jsMemory: 0,
            jsStorage: 0,
            jsStreams: 0,
            jsConsumers: 0,
          });
        },
      ),
    );
  });

  it('reads an event without leafnodes (an older broker) as 0 leaf nodes', () => {
    const { leafnodes: _omit, ...old } = { ...good, leafnodes: 2 };
    expect(parseUsageEvent(JSON.stringify(old))).toMatchObject({ leafNodes: 0 });
    expect(parseUsageEvent(JSON.stringify({ ...good, leafnodes: 2 }))).toMatchObject({ leafNodes: 2 });
  });

  it.each([
    ['not json', '{', 'not JSON'],
    ['another event', JSON.stringify({ ...good, type: 'io.nats.server.advisory.v1.account_connections' }), 'not a usage event'],
    ['negative counter', JSON.stringify({ ...good, sent: { msgs: -1, bytes: 0 } }), 'counters must be non-negative integers'],
    ['no server', JSON.stringify({ ...good, server: null }), 'no server id'],
    ['no account', JSON.stringify({ ...good, acc: '' }), 'no account'],
    ['bad timestamp', JSON.stringify({ ...good, timestamp: 'yesterday' }), 'bad timestamp'],
    ['jetstream not an object', JSON.stringify({ ...good, jetstream: 5 }), 'jetstream is not an object'],
    [
      'negative jetstream gauge',
      JSON.stringify({ ...good, jetstream: { memory: 0, storage: -1, streams: 0, consumers: 0 } }),
      'jetstream gauges must be non-negative integers',
    ],
  ])('refuses %s with a reason', (_n, text, reason) => {
    expect(parseUsageEvent(text)).toBe(reason);
  });

  it('property: never throws on any input', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.uint8Array()), (x) => void parseUsageEvent(x)));
  });
});
