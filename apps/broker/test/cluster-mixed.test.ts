import { connect, type NatsConnection } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultClusterOptions, parseRouteUrl } from '@switchboard/server';
import { freePort, startNatsServer, waitFor, type RunningServer } from '@switchboard/testing';
import { startBroker, type Broker } from '../src/broker.js';
import { bytes, take, text } from './helpers.js';

// Brokers and the reference nats-server 2.9 in one cluster, both ways round: a broker joining
// nats-servers, and a nats-server joining brokers. Gossip runs across the two implementations.

const stops: (() => Promise<void>)[] = [];
const conns: NatsConnection[] = [];
afterAll(async () => {
  await Promise.all(conns.map((c) => (c.isClosed() ? undefined : c.close())));
  for (const s of stops.reverse()) await s();
});

async function natsServer(name: string, clusterPort: number, routes: number[]): Promise<RunningServer> {
  const list = routes.map((p) => `"nats-route://127.0.0.1:${p}"`).join(', ');
  const s = await startNatsServer({ config: `server_name: ${name}\ncluster { name: mix, listen: "127.0.0.1:${clusterPort}", routes: [${list}] }\n` });
  stops.push(() => s.stop());
  return s;
}

async function broker(name: string, routes: number[]): Promise<Broker> {
  const b = await startBroker({
    host: '127.0.0.1',
    port: 0,
    serverName: name,
    pingInterval: 60_000,
    cluster: { ...defaultClusterOptions(), name: 'mix', host: '127.0.0.1', port: -1, routes: routes.map((p) => parseRouteUrl(`nats-route://127.0.0.1:${p}`)) },
  });
  stops.push(() => b.close());
  return b;
}

const open = async (port: number): Promise<NatsConnection> => {
  const nc = await connect({ port });
  conns.push(nc);
  return nc;
};

/** Publishes on `from` until `sub` gets a message (interest takes a moment to cross the cluster). */
async function reaches(from: NatsConnection, subject: string, sub: ReturnType<NatsConnection['subscribe']>): Promise<string> {
  const got = take(sub, 1, 8_000);
  let n = 0;
  const timer = setInterval(() => from.publish(subject, bytes(`m${n++}`)), 100);
  try {
    const [m] = await got;
    return text(m!.data);
  } finally {
    clearInterval(timer);
  }
}

/** A marker sent after the load reached every member: whatever was still on its way has arrived. */
async function noMoreAfter(pub: NatsConnection, members: NatsConnection[]): Promise<void> {
  const subs = members.map((m) => m.subscribe('marker'));
  await Promise.all(members.map((m) => m.flush()));
  const got = Promise.all(subs.map((s) => take(s, 1, 8_000)));
  const timer = setInterval(() => pub.publish('marker'), 100);
  await got.finally(() => clearInterval(timer));
}

describe('a broker joins a cluster of nats-servers', () => {
  it('routes both ways, gossip included, and request/reply crosses implementations', async () => {
    const p1 = await freePort();
    const p2 = await freePort();
    const ns1 = await natsServer('ns1', p1, []);
    const ns2 = await natsServer('ns2', p2, [p1]);
    const b = await broker('b1', [p1]);
    // The broker names only ns1; ns1 gossips ns2 to it (and it to ns2): two routes.
    await waitFor(() => b.server.cluster!.routes.size === 2, 15_000);
    expect([...b.server.cluster!.routes.values()].map((r) => r.remoteName).sort()).toEqual(['ns1', 'ns2']);

    const onNs2 = await open(ns2.port);
    const subNs2 = onNs2.subscribe('mix.>');
    await onNs2.flush();
    const onB = await open(b.port);
    expect(await reaches(onB, 'mix.a', subNs2)).toMatch(/^m/);

    const subB = onB.subscribe('back');
    await onB.flush();
    const onNs1 = await open(ns1.port);
    expect(await reaches(onNs1, 'back', subB)).toMatch(/^m/);

    onB.subscribe('svc.b', { callback: (_e, m) => m.respond(bytes(`b:${text(m.data)}`)) });
    await onB.flush();
    await waitFor(
      async () =>
        (await onNs2.request('svc.b', bytes('q'), { timeout: 300 }).then(
          () => true,
          () => false,
        )) === true,
      8_000,
    );
    const r = await onNs2.request('svc.b', bytes('hello'), { timeout: 2_000 });
    expect(text(r.data)).toBe('b:hello');
  });
});

describe('a nats-server joins a cluster of brokers', () => {
  it('routes, queue groups once across all three, and headers', async () => {
    const b1 = await broker('b1', []);
    const b2 = await broker('b2', [b1.clusterPort]);
    const ns = await natsServer('ns', await freePort(), [b1.clusterPort]);
    await waitFor(() => b1.server.cluster!.routes.size === 2 && b2.server.cluster!.routes.size === 2, 15_000);

    const counts = new Map<string, number>();
    const members = await Promise.all([open(b1.port), open(b2.port), open(ns.port)]);
    members.forEach((nc, i) => nc.subscribe('jobs', { queue: 'workers', callback: () => counts.set(String(i), (counts.get(String(i)) ?? 0) + 1) }));
    await Promise.all(members.map((m) => m.flush()));
    await waitFor(
      () => b1.server.globalAccount.sublist.match('jobs').qsubs[0]?.length === 3 && b2.server.globalAccount.sublist.match('jobs').qsubs[0]?.length === 3,
      8_000,
    );
    // nats-server learns the brokers' queue members too: interest on one route arrives in order,
    // so once a later plain subscription on each broker is reachable from it, so are they.
    const pubNs = await open(ns.port);
    for (const [i, m] of [members[0]!, members[1]!].entries()) {
      const ready = m.subscribe(`ready.${i}`);
      await m.flush();
      await reaches(pubNs, `ready.${i}`, ready);
    }
    for (let i = 0; i < 300; i++) pubNs.publish('jobs', bytes(String(i)));
    await pubNs.flush();
    const pubB = await open(b2.port);
    for (let i = 0; i < 300; i++) pubB.publish('jobs', bytes(String(i)));
    await pubB.flush();
    await waitFor(() => [...counts.values()].reduce((x, y) => x + y, 0) === 600, 8_000);
    await noMoreAfter(pubB, members);
    expect([...counts.values()].reduce((x, y) => x + y, 0)).toBe(600);
    expect(counts.size).toBe(3);

    // Headers go through a route in both directions (HMSG with the account).
    const hsub = members[2]!.subscribe('hdr');
    await members[2]!.flush();
    const { headers } = await import('nats');
    const h = headers();
    h.set('X-Test', 'yes');
    const got = take(hsub, 1, 8_000);
    const timer = setInterval(() => members[0]!.publish('hdr', bytes('h'), { headers: h }), 100);
    const [m] = await got.finally(() => clearInterval(timer));
    expect(m!.headers?.get('X-Test')).toBe('yes');
  });
});
