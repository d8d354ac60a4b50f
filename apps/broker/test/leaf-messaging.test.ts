// Core NATS across a leaf connection, with official nats.js clients, in each pairing with
// nats-server: a nats-server leaf on a broker hub, a broker leaf on a nats-server hub, and two
// brokers. Interest goes both ways (LS+/LS-), messages (LMSG/HMSG) with replies and headers,
// queue groups get each message once whichever side their members are on.
import { connect, headers, StringCodec, type NatsConnection, type Subscription } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type ServerKind } from '@switchboard/testing';
import { startHub, startLeaf, waitInterest, waitLeafs, type Node } from './leaf-helpers.js';

const sc = StringCodec();

async function collect(sub: Subscription, into: string[]): Promise<void> {
  for await (const m of sub) into.push(sc.decode(m.data));
}

const pairs: [ServerKind, ServerKind][] = [
  ['nats-server', 'broker'],
  ['broker', 'nats-server'],
  ['broker', 'broker'],
];

describe.each(pairs)('%s hub, %s leaf', (hubKind, leafKind) => {
  let hub: Node;
  let leaf: Node;
  let onHub: NatsConnection;
  let onLeaf: NatsConnection;

  beforeAll(async () => {
    hub = await startHub(hubKind);
    leaf = await startLeaf(leafKind, [`url: "nats-leaf://127.0.0.1:${hub.leafPort}"`]);
    await Promise.all([waitLeafs(hub, 1), waitLeafs(leaf, 1)]);
    onHub = await connect({ servers: hub.server.url });
    onLeaf = await connect({ servers: leaf.server.url });
  });
  afterAll(async () => {
    await Promise.allSettled([onHub?.close(), onLeaf?.close()]);
    await Promise.allSettled([leaf?.stop(), hub?.stop()]);
  });

  it('hub → leaf: a leaf subscription is announced (LS+) and gets what the hub publishes; unsubscribing withdraws it (LS-)', async () => {
    const got: string[] = [];
    const sub = onLeaf.subscribe('to.leaf.*');
    void collect(sub, got);
    await onLeaf.flush();
    await waitInterest(hub, 'to.leaf.*');
    for (let i = 0; i < 5; i++) onHub.publish(`to.leaf.${i}`, sc.encode(`m${i}`));
    await waitFor(() => got.length === 5, 10_000, 'five messages on the leaf');
    expect(got).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    sub.unsubscribe();
    await onLeaf.flush();
    await waitInterest(hub, 'to.leaf.*', false);
  });

  it('leaf → hub: a hub subscription is announced to the leaf and gets what leaf clients publish', async () => {
    const got: string[] = [];
    const sub = onHub.subscribe('to.hub');
    void collect(sub, got);
    await onHub.flush();
    await waitInterest(leaf, 'to.hub');
    onLeaf.publish('to.hub', sc.encode('hello'));
    await waitFor(() => got.length === 1, 10_000, 'the message on the hub');
    expect(got).toEqual(['hello']);
    sub.unsubscribe();
  });

  it('request/reply both ways, headers kept', async () => {
    const svcHub = onHub.subscribe('svc.hub', {
      callback: (_e, m) => {
        const h = headers();
        h.set('X-From', 'hub');
        m.respond(sc.encode(`hub:${sc.decode(m.data)}:${m.headers?.get('X-Req') ?? ''}`), { headers: h });
      },
    });
    const svcLeaf = onLeaf.subscribe('svc.leaf', { callback: (_e, m) => m.respond(sc.encode(`leaf:${sc.decode(m.data)}`)) });
    await Promise.all([onHub.flush(), onLeaf.flush()]);
    await Promise.all([waitInterest(leaf, 'svc.hub'), waitInterest(hub, 'svc.leaf')]);
    const h = headers();
    h.set('X-Req', 'yes');
    const r1 = await onLeaf.request('svc.hub', sc.encode('ping'), { timeout: 5_000, headers: h });
    expect(sc.decode(r1.data)).toBe('hub:ping:yes');
    expect(r1.headers?.get('X-From')).toBe('hub');
    const r2 = await onHub.request('svc.leaf', sc.encode('pong'), { timeout: 5_000 });
    expect(sc.decode(r2.data)).toBe('leaf:pong');
    svcHub.unsubscribe();
    svcLeaf.unsubscribe();
  });

  it('a queue group with members on both sides gets each message once', async () => {
    const hubGot: string[] = [];
    const leafGot: string[] = [];
    const a = onHub.subscribe('work', { queue: 'workers' });
    const b = onLeaf.subscribe('work', { queue: 'workers' });
    const c = onLeaf.subscribe('work', { queue: 'workers' });
    void collect(a, hubGot);
    void collect(b, leafGot);
    void collect(c, leafGot);
    await Promise.all([onHub.flush(), onLeaf.flush()]);
    await Promise.all([waitInterest(hub, 'work'), waitInterest(leaf, 'work')]);
    const n = 40;
    for (let i = 0; i < n / 2; i++) {
      onHub.publish('work', sc.encode(`h${i}`));
      onLeaf.publish('work', sc.encode(`l${i}`));
    }
    await Promise.all([onHub.flush(), onLeaf.flush()]);
    await waitFor(() => hubGot.length + leafGot.length === n, 10_000, `${n} deliveries`);
    // Nothing twice, nothing lost.
    expect(new Set([...hubGot, ...leafGot]).size).toBe(n);
    await Promise.all([onHub.flush(), onLeaf.flush()]);
    expect(hubGot.length + leafGot.length).toBe(n);
    a.unsubscribe();
    b.unsubscribe();
    c.unsubscribe();
  });
});
