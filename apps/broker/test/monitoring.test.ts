import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type Broker } from '../src/broker.js';
import { bytes, clientKinds, type Conn } from './helpers.js';
import { freePort, startNatsServer, waitFor, type RunningServer } from '@switchboard/testing';

interface Target {
  http: number;
  conns: Conn[];
}
let broker: Broker;
let ref: RunningServer;
const ours: Target = { http: 0, conns: [] };
const theirs: Target = { http: 0, conns: [] };

async function get(port: number, path: string): Promise<{ status: number; body: string; json: () => any }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  const body = await r.text();
  return { status: r.status, body, json: () => JSON.parse(body) };
}

/** The same client activity on both servers: one named connection with a plain and a queue sub. */
async function populate(port: number, t: Target): Promise<void> {
  const nc = await clientKinds[0]!.connect({ servers: `127.0.0.1:${port}`, name: 'monitor-test' });
  nc.subscribe('mon.a', { callback: () => {} });
  nc.subscribe('mon.*', { queue: 'workers', callback: () => {} });
  nc.publish('mon.a', bytes('x'));
  await nc.flush();
  t.conns.push(nc);
}

beforeAll(async () => {
  broker = await startBroker({ host: '127.0.0.1', port: 0, httpPort: -1 });
  ours.http = broker.httpPort;
  const http = await freePort();
  ref = await startNatsServer({ args: ['-m', String(http)] });
  theirs.http = http;
  await waitFor(
    () =>
      get(http, '/healthz').then(
        (r) => r.status === 200,
        () => false,
      ),
    10_000,
    'nats-server monitoring',
  );
  await populate(broker.port, ours);
  await populate(ref.port, theirs);
});
afterAll(async () => {
  for (const c of [...ours.conns, ...theirs.conns]) await c.close();
  await ref?.stop();
  await broker.close();
});

const keys = (o: object) => Object.keys(o).sort();

describe('monitoring endpoints match nats-server field names', () => {
  it('/healthz', async () => {
    const [a, b] = await Promise.all([get(ours.http, '/healthz'), get(theirs.http, '/healthz')]);
    expect(a.status).toBe(200);
    expect(a.json()).toEqual(b.json());
  });

  it('/varz has the same keys and live counters', async () => {
    const [a, b] = await Promise.all([get(ours.http, '/varz'), get(theirs.http, '/varz')]);
    expect(keys(a.json())).toEqual(keys(b.json()));
    const v = a.json();
    expect(v.connections).toBe(1);
    expect(v.in_msgs).toBe(1);
    expect(v.out_msgs).toBe(2);
    expect(v.max_payload).toBe(1024 * 1024);
    expect(v.ping_interval).toBe(b.json().ping_interval);
  });

  it('/connz?subs=1 has the same keys per connection and lists subjects', async () => {
    const [a, b] = await Promise.all([get(ours.http, '/connz?subs=1'), get(theirs.http, '/connz?subs=1')]);
    const [ca, cb] = [a.json(), b.json()];
    expect(keys(ca)).toEqual(keys(cb));
    expect(keys(ca.connections[0])).toEqual(keys(cb.connections[0]));
    expect(ca.connections[0].name).toBe('monitor-test');
    expect([...ca.connections[0].subscriptions_list].sort()).toEqual(['mon.*', 'mon.a']);
  });

  it('/connz?subs=detail has the same detail keys', async () => {
    const [a, b] = await Promise.all([get(ours.http, '/connz?subs=detail'), get(theirs.http, '/connz?subs=detail')]);
    const da = a.json().connections[0].subscriptions_list_detail;
    const db = b.json().connections[0].subscriptions_list_detail;
    const q = (l: any[]) => l.find((s) => s.qgroup === 'workers');
    expect(keys(q(da))).toEqual(keys(q(db)));
  });

  it('/connz paging, sort and errors', async () => {
    const extra = await clientKinds[1]!.connect({ servers: `127.0.0.1:${broker.port}` });
    await extra.flush();
    const page = (await get(ours.http, '/connz?limit=1&offset=1')).json();
    expect(page.total).toBe(2);
    expect(page.num_connections).toBe(1);
    expect(page.connections[0].cid).toBeGreaterThan((await get(ours.http, '/connz?limit=1')).json().connections[0].cid);
    const bySubs = (await get(ours.http, '/connz?sort=subs')).json();
    expect(bySubs.connections[0].subscriptions).toBe(2);
    const bad = await get(ours.http, '/connz?sort=nope');
    const badRef = await get(theirs.http, '/connz?sort=nope');
    expect(bad.status).toBe(400);
    expect(bad.body).toBe(badRef.body);
    await extra.close();
  });

  it('/subsz and /subsz?subs=1 have the same keys', async () => {
    const [a, b] = await Promise.all([get(ours.http, '/subsz'), get(theirs.http, '/subsz')]);
    expect(keys(a.json())).toEqual(keys(b.json()));
    const [da, db] = await Promise.all([get(ours.http, '/subsz?subs=1'), get(theirs.http, '/subsz?subs=1')]);
    expect(keys(da.json())).toEqual(keys(db.json()));
    const list = da.json().subscriptions_list;
    expect(list.map((s: any) => s.subject).sort()).toEqual(['mon.*', 'mon.a']);
    const refQ = db.json().subscriptions_list.find((s: any) => s.qgroup === 'workers');
    expect(keys(list.find((s: any) => s.qgroup === 'workers'))).toEqual(keys(refQ));
    expect(da.json().num_subscriptions).toBe(2);
  });

  it('unknown paths are 404', async () => {
    expect((await get(ours.http, '/nope')).status).toBe(404);
  });
});
