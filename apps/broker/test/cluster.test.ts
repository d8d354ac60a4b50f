import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@switchboard/config';
import { defaultClusterOptions, handleMonitorRequest, optionsFromConfig, parseRouteUrl, type ClusterOptions } from '@switchboard/server';
import { waitFor } from '@switchboard/testing';
import { startBroker, type Broker } from '../src/broker.js';
import { bytes, take, text } from './helpers.js';

// A three-broker cluster in this process (each a full broker with its own listeners), joined by
// routes: A is the seed, B and C name only A and find each other through gossip.

const cluster = (name: string, routes: number[]): ClusterOptions => ({
  ...defaultClusterOptions(),
  name,
  host: '127.0.0.1',
  port: -1,
  routes: routes.map((p) => parseRouteUrl(`nats-route://127.0.0.1:${p}`)),
});

async function node(name: string, routes: number[], port = 0): Promise<Broker> {
  return startBroker({ host: '127.0.0.1', port, serverName: name, cluster: cluster('sb', routes), pingInterval: 60_000 });
}

const routesOf = (b: Broker): number => b.server.cluster?.routes.size ?? 0;

let a: Broker;
let b: Broker;
let c: Broker;
const conns: NatsConnection[] = [];
const open = async (br: Broker, opts: Record<string, unknown> = {}): Promise<NatsConnection> => {
  const nc = await connect({ servers: `127.0.0.1:${br.port}`, ...opts });
  conns.push(nc);
  return nc;
};

beforeAll(async () => {
  a = await node('A', []);
  b = await node('B', [a.clusterPort]);
  c = await node('C', [a.clusterPort]);
  await waitFor(() => routesOf(a) === 2 && routesOf(b) === 2 && routesOf(c) === 2, 10_000);
});
afterAll(async () => {
  await Promise.all(conns.map((x) => (x.isClosed() ? undefined : x.close())));
  await Promise.all([a, b, c].map((x) => x.close()));
});

/** Every node sees `n` remote interests for `subject` (routes have told each other). */
async function propagated(subject: string, nodes: Broker[], n = 1): Promise<void> {
  await waitFor(
    () => nodes.every((x) => x.server.globalAccount.sublist.match(subject).psubs.length + x.server.globalAccount.sublist.match(subject).qsubs.length >= n),
    5_000,
  );
}

describe('a three-broker cluster', () => {
  it('forms a full mesh from one seed (gossip)', () => {
    expect(routesOf(a)).toBe(2);
    expect(routesOf(b)).toBe(2);
    expect(routesOf(c)).toBe(2);
  });

  it('delivers across nodes, wildcards included, once per subscriber', async () => {
    const sub = await open(c);
    const s1 = sub.subscribe('x.*');
    const s2 = sub.subscribe('x.>');
    await sub.flush();
    await propagated('x.y', [a, b]);
    const pub = await open(a);
    pub.publish('x.y', bytes('hi'));
    const [m1] = await take(s1, 1);
    const [m2] = await take(s2, 1);
    expect(text(m1!.data)).toBe('hi');
    expect(m2!.subject).toBe('x.y');
  });

  it('request/reply across nodes, and no responders when nobody listens', async () => {
    const svc = await open(b);
    svc.subscribe('svc.echo', { callback: (_e, m) => m.respond(m.data) });
    await svc.flush();
    await propagated('svc.echo', [a, c]);
    const req = await open(c);
    const r = await req.request('svc.echo', bytes('ping'), { timeout: 2_000 });
    expect(text(r.data)).toBe('ping');
    await expect(req.request('svc.nobody', bytes('x'), { timeout: 2_000 })).rejects.toThrow(/503|no responders/i);
  });

  it('a queue group gets each message once across the cluster', async () => {
    const counts = [0, 0, 0];
    const members = await Promise.all([open(a), open(b), open(c)]);
    members.forEach((nc, i) => nc.subscribe('work', { queue: 'q', callback: () => counts[i]!++ }));
    await Promise.all(members.map((m) => m.flush()));
    await waitFor(() => [a, b, c].every((x) => x.server.globalAccount.sublist.match('work').qsubs[0]?.length === 3), 5_000);
    const pub = await open(a);
    for (let i = 0; i < 300; i++) pub.publish('work', bytes(String(i)));
    await pub.flush();
    await waitFor(() => counts[0]! + counts[1]! + counts[2]! === 300, 5_000);
    // Each member got some: the pick is spread across the nodes.
    expect(counts.every((n) => n > 0)).toBe(true);
    // A marker after the load: once every member has it, any duplicate would have arrived too.
    const marks = members.map((m) => m.subscribe('marker'));
    await Promise.all(members.map((m) => m.flush()));
    await propagated('marker', [a], 3);
    pub.publish('marker');
    await Promise.all(marks.map((s) => take(s, 1)));
    expect(counts[0]! + counts[1]! + counts[2]!).toBe(300);
  });

  it('/routez and the cluster section of /varz in nats-server shape', () => {
    const rz = JSON.parse(handleMonitorRequest(b.server, '/routez', new URLSearchParams('subs=1'), {}, '127.0.0.1', 0).body) as Record<string, unknown>;
    expect(Object.keys(rz)).toEqual(['server_id', 'now', 'num_routes', 'routes']);
    expect(rz.num_routes).toBe(2);
    const routes = rz.routes as Record<string, unknown>[];
    expect(Object.keys(routes[0]!)).toEqual(
      expect.arrayContaining([
        'rid',
        'remote_id',
        'did_solicit',
        'is_configured',
        'ip',
        'port',
        'start',
        'last_activity',
        'uptime',
        'idle',
        'pending_size',
        'in_msgs',
        'out_msgs',
        'in_bytes',
        'out_bytes',
        'subscriptions',
      ]),
    );
    expect(routes.map((r) => r.remote_id).sort()).toEqual([a.server.id, c.server.id].sort());
    // B dialled A (configured) and was dialled by C or dialled it after gossip.
    expect(routes.find((r) => r.remote_id === a.server.id)).toMatchObject({ did_solicit: true, is_configured: true });
    const vz = JSON.parse(handleMonitorRequest(b.server, '/varz', new URLSearchParams(), {}, '127.0.0.1', 0).body) as Record<string, unknown>;
    expect(vz.cluster).toEqual({
      name: 'sb',
      addr: '127.0.0.1',
      cluster_port: b.clusterPort,
      auth_timeout: 2,
      tls_timeout: 2,
      urls: [`127.0.0.1:${a.clusterPort}`],
    });
    expect(vz.routes).toBe(2);
  });

  it('clients learn the other nodes from INFO connect_urls', async () => {
    const nc = await open(a);
    await waitFor(() => (nc.info?.connect_urls?.length ?? 0) === 3, 5_000);
    expect([...nc.info!.connect_urls!].sort()).toEqual([a.port, b.port, c.port].map((p) => `127.0.0.1:${p}`).sort());
  });
});

describe('lame duck', () => {
  it("a node in lame duck mode leaves the other nodes' connect_urls", async () => {
    const e = await node('E', [a.clusterPort]);
    await waitFor(() => routesOf(e) === 3, 10_000);
    const nc = await open(a);
    await waitFor(() => (nc.info?.connect_urls ?? []).includes(`127.0.0.1:${e.port}`), 5_000);
    const done = e.lameDuck();
    // A hears INFO ldm from E over the route and sends its clients an INFO without E's URL.
    await waitFor(() => !(nc.info?.connect_urls ?? []).includes(`127.0.0.1:${e.port}`), 5_000);
    expect(nc.info?.connect_urls).toContain(`127.0.0.1:${b.port}`);
    await done;
    await waitFor(() => routesOf(a) === 2, 5_000);
  });
});

describe('losing a node', () => {
  it('clients fail over to another node and keep their subscriptions', async () => {
    // D joins, a subscriber connects to it; D dies; the subscriber reconnects elsewhere.
    const d = await node('D', [a.clusterPort]);
    await waitFor(() => routesOf(d) === 3, 10_000);
    const sub = await connect({ servers: `127.0.0.1:${d.port}`, reconnectTimeWait: 100 });
    conns.push(sub);
    await waitFor(() => (sub.info?.connect_urls?.length ?? 0) === 4, 5_000);
    const s = sub.subscribe('failover');
    await sub.flush();
    await propagated('failover', [a, b, c]);
    await d.close();
    await waitFor(() => routesOf(a) === 2, 5_000);
    // Re-established on another node: its interest reaches the rest again.
    await propagated('failover', [a, b, c]);
    const pub = await open(b);
    pub.publish('failover', bytes('after'));
    const [m] = await take(s, 1);
    expect(text(m!.data)).toBe('after');
  });
});

describe('accounts across nodes', () => {
  it('a service import answers the same when importer and exporter are on different nodes', async () => {
    const { options } = optionsFromConfig(
      parseConfig(`accounts {
        Y { users: [{ user: y, password: y }], exports: [{ service: "svc.>" }, { stream: "feed.>" }] }
        X { users: [{ user: x, password: x }], imports: [{ service: { account: Y, subject: "svc.>" } }, { stream: { account: Y, subject: "feed.>" }, prefix: "y" }] }
      }`),
    );
    const one = await startBroker({ ...options, host: '127.0.0.1', port: 0, cluster: cluster('acc', []) });
    const two = await startBroker({ ...options, host: '127.0.0.1', port: 0, cluster: cluster('acc', [one.clusterPort]) });
    try {
      await waitFor(() => routesOf(one) === 1 && routesOf(two) === 1, 10_000);
      const responder = await connect({ port: two.port, user: 'y', pass: 'y' });
      const requester = await connect({ port: one.port, user: 'x', pass: 'x' });
      conns.push(responder, requester);
      responder.subscribe('svc.>', { callback: (_e, m) => m.respond(bytes(`Y:${text(m.data)}`)) });
      await responder.flush();
      await waitFor(() => one.server.accounts.get('Y')!.sublist.match('svc.a').psubs.length === 1, 5_000);
      const r = await requester.request('svc.a', bytes('hi'), { timeout: 3_000 });
      expect(text(r.data)).toBe('Y:hi');
      // A stream import: the importer's subscription on node 1 draws the exporter's messages from node 2.
      const feed = requester.subscribe('y.feed.>');
      await requester.flush();
      await waitFor(() => two.server.accounts.get('Y')!.sublist.match('feed.1').psubs.length === 1, 5_000);
      responder.publish('feed.1', bytes('f'));
      const [m] = await take(feed, 1);
      expect(m!.subject).toBe('y.feed.1');
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
