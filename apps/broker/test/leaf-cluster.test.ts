// A leaf node on a clustered hub: a nats-server leaf attached to node 1 of a two-broker cluster
// reaches clients on node 2 and back (its interest travels over the route; messages take one
// route hop and the leaf connection).
import { connect, StringCodec } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '@switchboard/testing';
import { startHub, startLeaf, waitLeafs, type Node } from './leaf-helpers.js';

const sc = StringCodec();
const running: Node[] = [];
afterAll(async () => {
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
