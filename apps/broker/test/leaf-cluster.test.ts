// A leaf node on a clustered hub: a nats-server leaf attached to node 1 of a two-broker cluster
// reaches clients on node 2 and back (its interest travels over the route; messages take one
// route hop and the leaf connection). And a cluster of leaf nodes on one hub: what one member
// sends the hub never comes back to another member (it has it over its own route already).
import { connect, StringCodec, type NatsConnection } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startServer, waitFor, type ServerKind } from '@switchboard/testing';
import { startHub, startLeaf, waitLeafs, type Node } from './leaf-helpers.js';

const sc = StringCodec();
const running: Node[] = [];
const conns: NatsConnection[] = [];
afterAll(async () => {
  await Promise.allSettled(conns.map((c) => c.close()));
  await Promise.allSettled(running.map((n) => n.stop()));
});

describe('leaf on a clustered hub', () => {
  it('a leaf on node 1 and a client on node 2 exchange messages and requests', { timeout: 90_000 }, async () => {
    const [r1, r2] = [await freePort(), await freePort()];
    const cluster = (own: number, other: number): string => `cluster { name: hubs, listen: "127.0.0.1:${own}", routes: ["nats-route://127.0.0.1:${other}"] }`;
    const n1 = await startHub('broker', { name: 'n1', extra: cluster(r1, r2) });
    running.push(n1);
    const n2 = await startHub('broker', { name: 'n2', extra: cluster(r2, r1) });
    running.push(n2);
    const leaf = await startLeaf('nats-server', [`url: "nats-leaf://127.0.0.1:${n1.leafPort}"`]);
    running.push(leaf);
    await Promise.all([waitLeafs(n1, 1), waitLeafs(leaf, 1)]);
    const onLeaf = await connect({ servers: leaf.server.url });
    const onN2 = await connect({ servers: n2.server.url });
    try {
      onLeaf.subscribe('svc.leaf', { callback: (_e, m) => m.respond(sc.encode(`leaf:${sc.decode(m.data)}`)) });
      onN2.subscribe('svc.n2', { callback: (_e, m) => m.respond(sc.encode(`n2:${sc.decode(m.data)}`)) });
      await Promise.all([onLeaf.flush(), onN2.flush()]);
      // Interest crosses the route and the leaf connection: retry the first request until it has.
      const ask = async (nc: typeof onLeaf, subject: string, body: string): Promise<string> => {
        let answer = '';
        await waitFor(
          async () => {
            answer = await nc
              .request(subject, sc.encode(body), { timeout: 500 })
              .then((m) => sc.decode(m.data))
              .catch(() => '');
            return answer !== '';
          },
          20_000,
          `an answer on ${subject}`,
        );
        return answer;
      };
      expect(await ask(onN2, 'svc.leaf', 'a')).toBe('leaf:a');
      expect(await ask(onLeaf, 'svc.n2', 'b')).toBe('n2:b');
    } finally {
      await Promise.allSettled([onLeaf.close(), onN2.close()]);
    }
  });
});

describe.each(['broker', 'nats-server'] as ServerKind[])('a cluster of two nats-server leafs on a %s hub', (hubKind) => {
  it('a message from one leaf member reaches a subscriber on the other once, not again through the hub', { timeout: 90_000 }, async () => {
    const hub = await startHub(hubKind);
    running.push(hub);
    const [p1, p2] = [await freePort(), await freePort()];
    const member = async (name: string, own: number, other: number): Promise<NatsConnection> => {
      const s = await startServer('nats-server', {
        config: `server_name: ${name}\ncluster { name: lc, listen: "127.0.0.1:${own}", routes: ["nats-route://127.0.0.1:${other}"] }\nleafnodes { reconnect: 1, remotes: [ { url: "nats-leaf://127.0.0.1:${hub.leafPort}" } ] }\n`,
      });
      running.push({ stop: () => s.stop() } as Node);
      const nc = await connect({ port: s.port });
      conns.push(nc);
      return nc;
    };
    const [l1, l2] = [await member('l1', p1, p2), await member('l2', p2, p1)];
    await waitLeafs(hub, 2);
    const onHub = await connect({ servers: hub.server.url });
    conns.push(onHub);
    const got: string[] = [];
    l2.subscribe('echo.>', { callback: (_e, m) => got.push(`${m.subject}:${sc.decode(m.data)}`) });
    await l2.flush();
    // The hub has interest too, so l1 sends the message to the hub as well as to l2.
    const atHub: string[] = [];
    onHub.subscribe('echo.>', { callback: (_e, m) => atHub.push(m.subject) });
    await onHub.flush();
    // Until both paths are up: l2 hears from the hub directly, and l1's messages reach the hub and l2.
    await waitFor(
      async () => {
        onHub.publish('echo.ready', sc.encode('hub'));
        l1.publish('echo.ready', sc.encode('l1'));
        await Promise.all([onHub.flush(), l1.flush()]);
        return got.includes('echo.ready:hub') && got.includes('echo.ready:l1') && atHub.includes('echo.ready');
      },
      20_000,
      'interest across the leaf cluster and the hub',
    );
    got.length = 0;
    atHub.length = 0;
    l1.publish('echo.once', sc.encode('l1'));
    await l1.flush();
    await waitFor(() => atHub.includes('echo.once'), 10_000, 'the hub to get it');
    // Anything the hub sent l2 after it is written before this (one connection, in order).
    onHub.publish('echo.after', sc.encode('hub'));
    await onHub.flush();
    await waitFor(() => got.includes('echo.after:hub'), 10_000, "the hub's next message on l2");
    expect(got.filter((m) => m.startsWith('echo.once'))).toEqual(['echo.once:l1']);
  });
});
