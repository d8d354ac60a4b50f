// GET /metrics on the monitoring port: the broker's counters in Prometheus' text format, parsed by
// the test kit's strict reader (which also checks the naming conventions), moving with real
// clients' traffic, per account where the account has any.
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type Broker } from '../src/broker.js';
import { RawClient, parsePrometheus, sampleValue, waitFor, type Exposition } from '@switchboard/testing';

let broker: Broker;
const conns: NatsConnection[] = [];

async function scrape(): Promise<Exposition> {
  const r = await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parsePrometheus(await r.text());
}

const as = async (user: string): Promise<NatsConnection> => {
  const c = await connect({ servers: `127.0.0.1:${broker.port}`, user, pass: `p${user}` });
  conns.push(c);
  return c;
};

beforeAll(async () => {
  broker = await startBroker({
    host: '127.0.0.1',
    port: 0,
    httpPort: -1,
    maxPending: 256 * 1024,
    accounts: [{ name: 'A' }, { name: 'B' }, { name: 'IDLE' }],
    users: [
      { user: 'a', password: 'pa', account: 'A' },
      { user: 'b', password: 'pb', account: 'B' },
    ],
  });
});
afterAll(async () => {
  for (const c of conns) await c.close();
  await broker?.close();
});

describe('broker /metrics', () => {
  it('exposes connections, subscriptions and traffic, in total and per account', async () => {
    const before = await scrape();
    expect(sampleValue(before, 'switchboard_broker_connections')).toBe(0);
    expect(sampleValue(before, 'switchboard_broker_info')).toBe(1);
    expect(before.get('switchboard_broker_in_messages_total')?.type).toBe('counter');

    const [pub, sub, other] = [await as('a'), await as('a'), await as('b')];
    let got = 0;
    sub.subscribe('work.>', { callback: () => got++ });
    other.subscribe('elsewhere');
    await Promise.all([sub.flush(), other.flush()]);
    for (let i = 0; i < 5; i++) pub.publish('work.x', new Uint8Array(100));
    await pub.flush();
    await waitFor(() => got === 5, 5_000, 'five deliveries');

    const m = await scrape();
    expect(sampleValue(m, 'switchboard_broker_connections')).toBe(3);
    expect(sampleValue(m, 'switchboard_broker_connections_total')).toBe(3);
    expect(sampleValue(m, 'switchboard_broker_subscriptions')).toBe(broker.server.numSubscriptions());
    expect(sampleValue(m, 'switchboard_broker_in_messages_total')).toBe(5);
    expect(sampleValue(m, 'switchboard_broker_out_messages_total')).toBe(5);
    expect(sampleValue(m, 'switchboard_broker_in_bytes_total')).toBe(500);
    expect(sampleValue(m, 'switchboard_broker_out_bytes_total')).toBe(500);
    const A = { account: 'A' };
    expect(sampleValue(m, 'switchboard_broker_account_connections', A)).toBe(2);
    expect(sampleValue(m, 'switchboard_broker_account_subscriptions', A)).toBeGreaterThanOrEqual(1);
    expect(sampleValue(m, 'switchboard_broker_account_in_messages_total', A)).toBe(5);
    expect(sampleValue(m, 'switchboard_broker_account_out_bytes_total', A)).toBe(500);
    expect(sampleValue(m, 'switchboard_broker_account_connections', { account: 'B' })).toBe(1);
    expect(sampleValue(m, 'switchboard_broker_account_in_messages_total', { account: 'B' })).toBe(0);
    // An account nobody used adds no series.
    expect(sampleValue(m, 'switchboard_broker_account_connections', { account: 'IDLE' })).toBeUndefined();
  });

  it('counts a slow consumer, on the server and on its account', async () => {
    const slow = await RawClient.open(broker.port);
    slow.send('CONNECT {"verbose":false,"user":"b","pass":"pb"}\r\nSUB firehose 1\r\nPING\r\n');
    await slow.waitFor('PONG\r\n');
    slow.socket.pause(); // stop reading: the kernel buffers fill, then the broker's
    const pub = await as('b');
    const payload = new Uint8Array(32 * 1024);
    for (let i = 0; i < 8192 && broker.server.slowConsumers === 0; i++) {
      pub.publish('firehose', payload);
      if (i % 64 === 63) await pub.flush();
    }
    await waitFor(() => broker.server.slowConsumers === 1, 10_000, 'slow consumer detection');
    const m = await scrape();
    expect(sampleValue(m, 'switchboard_broker_slow_consumers_total')).toBe(1);
    expect(sampleValue(m, 'switchboard_broker_account_slow_consumers_total', { account: 'B' })).toBe(1);
    expect(sampleValue(m, 'switchboard_broker_account_slow_consumers_total', { account: 'A' })).toBe(0);
    slow.destroy();
  });
});
