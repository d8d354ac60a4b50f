// Per-account counters through the official clients: every publish counts once in the
// publisher's account, every delivery once in the subscriber's; other accounts stay untouched.
// Operator mode adds the periodic usage event on the system account.
import { parseConfig } from '@switchboard/config';
import { optionsFromConfig } from '@switchboard/server';
import { connect, jwtAuthenticator, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type Broker } from '../src/broker.js';
import { clientKinds, take, type Conn } from './helpers.js';
import { makeOperator, operatorConfig, waitFor } from '@switchboard/testing';

async function get(port: number, path: string): Promise<any> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  expect(r.status).toBe(200);
  return r.json();
}

describe.each(clientKinds)('account counters with $name', (kind) => {
  let broker: Broker;
  const conns: Conn[] = [];
  beforeAll(async () => {
    broker = await startBroker({
      host: '127.0.0.1',
      port: 0,
      httpPort: -1,
      accounts: [{ name: 'A' }, { name: 'B' }],
      users: [
        { user: 'a', password: 'pa', account: 'A' },
        { user: 'b', password: 'pb', account: 'B' },
      ],
    });
  });
  afterAll(async () => {
    for (const c of conns) await c.close();
    await broker.close();
  });
  const as = async (user: string): Promise<Conn> => {
    const c = await kind.connect({ servers: `127.0.0.1:${broker.port}`, user, pass: `p${user}` });
    conns.push(c);
    return c;
  };

  it('counts msgs and bytes in and out per account, connections and subscriptions', async () => {
    const [pub, sub1, sub2, other] = [await as('a'), await as('a'), await as('a'), await as('b')];
    const s1 = sub1.subscribe('work.x');
    const s2 = sub2.subscribe('work.*');
    other.subscribe('work.x');
    sub1.subscribe('idle'); // take() below unsubscribes s1 and s2: this one stays
    await Promise.all([sub1.flush(), sub2.flush(), other.flush()]);
    const payload = new Uint8Array(100);
    for (let i = 0; i < 10; i++) pub.publish('work.x', payload);
    await pub.flush();
    await Promise.all([take(s1, 10), take(s2, 10)]);
    // take()'s UNSUBs are written as it returns: handled by the broker before the counts are read.
    await Promise.all([sub1.flush(), sub2.flush()]);

    const a = (await get(broker.httpPort, '/accountz?acc=A')).account_detail;
    expect(a.switchboard_usage).toEqual({
      inMsgs: 10,
      inBytes: 1000,
      outMsgs: 20,
      outBytes: 2000,
      totalConnections: 3,
      slowConsumers: 0,
      throttledMs: 0,
      connections: 3,
      subscriptions: 1,
    });
    expect(a.client_connections).toBe(3);
    const b = (await get(broker.httpPort, '/accountz?acc=B')).account_detail;
    expect(b.switchboard_usage).toMatchObject({ inMsgs: 0, outMsgs: 0, connections: 1, subscriptions: 1, totalConnections: 1 });

    const stat = (await get(broker.httpPort, '/accstatz')).account_statz.find((s: { acc: string }) => s.acc === 'A');
    expect(stat).toMatchObject({ conns: 3, sent: { msgs: 20, bytes: 2000 }, received: { msgs: 10, bytes: 1000 } });

    const connz = await get(broker.httpPort, '/connz?acc=B&auth=1');
    expect(connz.connections.map((c: { account: string }) => c.account)).toEqual(['B']);
  });

  it('connections closed still count in the account total; the gauge drops', async () => {
    const c = await as('b');
    await c.flush();
    await c.close();
    await waitFor(async () => (await get(broker.httpPort, '/accountz?acc=B')).account_detail.client_connections === 1, 5_000, 'close seen');
    const b = (await get(broker.httpPort, '/accountz?acc=B')).account_detail;
    expect(b.switchboard_usage).toMatchObject({ connections: 1, totalConnections: 2 });
  });
});

describe('usage events in operator mode', () => {
  let broker: Broker;
  let sys: NatsConnection;
  let fx: Awaited<ReturnType<typeof makeOperator>>;
  let A: string;
  beforeAll(async () => {
    fx = await makeOperator();
    A = fx.keys.a.getPublicKey();
    const { options } = optionsFromConfig(parseConfig(operatorConfig(fx)));
    broker = await startBroker({ ...options, host: '127.0.0.1', port: 0, accountUsageInterval: 100 });
    sys = await connect({ port: broker.port, authenticator: jwtAuthenticator(fx.users.sys.jwt, fx.users.sys.key.getSeed()) });
  });
  afterAll(async () => {
    await sys?.close();
    await broker?.close();
  });

  it('repeats $SYS.ACCOUNT.<id>.SWITCHBOARD.USAGE while the account has connections, with cumulative counters', async () => {
    const events: any[] = [];
    sys.subscribe(`$SYS.ACCOUNT.*.SWITCHBOARD.USAGE`, { callback: (_e, m) => events.push(JSON.parse(new TextDecoder().decode(m.data))) });
    await sys.flush();
    const a = await connect({ port: broker.port, authenticator: jwtAuthenticator(fx.users.a.jwt, fx.users.a.key.getSeed()) });
    const sub = a.subscribe('u.x', { max: 3 });
    for (let i = 0; i < 3; i++) a.publish('u.x', 'abcd');
    for await (const _m of sub) void _m;
    // Beyond the connect event: periodic ones that carry the traffic.
    await waitFor(() => events.filter((e) => e.acc === A && e.received.msgs === 3 && e.sent.msgs === 3).length >= 2, 5_000, 'two periodic usage events');
    const e = events.filter((x) => x.acc === A).at(-1);
    expect(Object.keys(e).sort()).toEqual([
      'acc',
      'conns',
      'id',
      'leafnodes',
      'received',
      'sent',
      'server',
      'slow_consumers',
      'subs',
      'throttled_ms',
      'timestamp',
      'total_conns',
      'type',
    ]);
    expect(e).toMatchObject({
      type: 'io.switchboard.advisory.v1.account_usage',
      conns: 1,
      leafnodes: 0,
      subs: 0,
      total_conns: 1,
      sent: { msgs: 3, bytes: 12 },
      received: { msgs: 3, bytes: 12 },
      slow_consumers: 0,
      throttled_ms: 0,
    });
    expect(e.server.id).toBe(broker.server.id);
    await a.close();
    await waitFor(() => events.some((x) => x.acc === A && x.conns === 0), 5_000, 'the disconnect usage event');
  });
});
