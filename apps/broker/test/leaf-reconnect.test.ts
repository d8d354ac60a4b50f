// A leaf keeps serving its local clients while the hub is away, reconnects when the hub is back
// (same ports), and traffic resumes on the subscriptions its clients kept; a remote's
// deny_imports / deny_exports hold both ways. Each against nats-server as the other side.
import { connect, StringCodec, type NatsConnection, type Subscription } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, waitFor, type ServerKind } from '@switchboard/testing';
import { startHub, startLeaf, waitInterest, waitLeafs, type Node } from './leaf-helpers.js';

const sc = StringCodec();
const running = new Set<Node>();
const conns: NatsConnection[] = [];
afterAll(async () => {
  await Promise.allSettled(conns.map((c) => c.close()));
  await Promise.allSettled([...running].map((n) => n.stop()));
});
async function track(p: Promise<Node>): Promise<Node> {
  const n = await p;
  running.add(n);
  return n;
}
async function stop(n: Node): Promise<void> {
  running.delete(n);
  await n.stop();
}
async function client(n: Node): Promise<NatsConnection> {
  const c = await connect({ servers: n.server.url, maxReconnectAttempts: 0 });
  conns.push(c);
  return c;
}
async function collect(sub: Subscription, into: string[]): Promise<void> {
  for await (const m of sub) into.push(`${m.subject}:${sc.decode(m.data)}`);
}

describe.each([
  ['nats-server', 'broker'],
  ['broker', 'nats-server'],
] as [ServerKind, ServerKind][])('%s hub, %s leaf', (hubKind, leafKind) => {
  it('local clients keep working while the hub is away; the leaf reconnects when it is back and traffic resumes', async () => {
    const port = await freePort();
    const leafPort = await freePort();
    let hub = await track(startHub(hubKind, { port, leafPort }));
    const leaf = await track(startLeaf(leafKind, [`url: "nats-leaf://127.0.0.1:${leafPort}"`]));
    await Promise.all([waitLeafs(hub, 1), waitLeafs(leaf, 1)]);
    const onLeaf = await client(leaf);
    const got: string[] = [];
    void collect(onLeaf.subscribe('feed.>'), got);
    await onLeaf.flush();
    await waitInterest(hub, 'feed.>');
    let onHub = await client(hub);
    onHub.publish('feed.1', sc.encode('before'));
    await waitFor(() => got.length === 1, 10_000, 'the first message');

    await onHub.close();
    await stop(hub);
    await waitLeafs(leaf, 0);
    // The hub is away: the leaf still routes between its own clients.
    const local: string[] = [];
    const other = await client(leaf);
    void collect(other.subscribe('local'), local);
    await other.flush();
    onLeaf.publish('local', sc.encode('still-here'));
    await waitFor(() => local.length === 1, 10_000, 'a local message while disconnected');

    hub = await track(startHub(hubKind, { port, leafPort }));
    await Promise.all([waitLeafs(hub, 1, 20_000), waitLeafs(leaf, 1, 20_000)]);
    // The leaf announced its clients' interest again.
    await waitInterest(hub, 'feed.>');
    onHub = await client(hub);
    onHub.publish('feed.2', sc.encode('after'));
    await waitFor(() => got.length === 2, 10_000, 'the message after the hub came back');
    expect(got).toEqual(['feed.1:before', 'feed.2:after']);
    expect(local).toEqual(['local:still-here']);
  });

  it('deny_imports: not received from the hub; deny_exports: not sent to it', async () => {
    const hub = await track(startHub(hubKind));
    const leaf = await track(startLeaf(leafKind, [`url: "nats-leaf://127.0.0.1:${hub.leafPort}", deny_imports: ["secret.>"], deny_exports: ["private.>"]`]));
    await Promise.all([waitLeafs(hub, 1), waitLeafs(leaf, 1)]);
    const onHub = await client(hub);
    const onLeaf = await client(leaf);
    const toLeaf: string[] = [];
    const toHub: string[] = [];
    void collect(onLeaf.subscribe('secret.x'), toLeaf);
    void collect(onLeaf.subscribe('open.x'), toLeaf);
    void collect(onHub.subscribe('private.x'), toHub);
    void collect(onHub.subscribe('public.x'), toHub);
    await Promise.all([onHub.flush(), onLeaf.flush()]);
    await Promise.all([waitInterest(hub, 'open.x'), waitInterest(leaf, 'public.x')]);
    // The leaf does not even ask for what it denies itself.
    await waitInterest(hub, 'secret.x', false);
    onHub.publish('secret.x', sc.encode('no'));
    onHub.publish('open.x', sc.encode('yes'));
    onLeaf.publish('private.x', sc.encode('no'));
    onLeaf.publish('public.x', sc.encode('yes'));
    await waitFor(() => toLeaf.length >= 1 && toHub.length >= 1, 10_000, 'the allowed messages');
    await Promise.all([onHub.flush(), onLeaf.flush()]);
    expect(toLeaf).toEqual(['open.x:yes']);
    expect(toHub).toEqual(['public.x:yes']);
  });
});
