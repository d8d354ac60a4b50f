// Loop detection as nats-server does it: two servers that are each other's leaf in the same
// account see their own `$LDS.` subject come back; the one that notices sends
// `-ERR 'Loop detected for leafnode account="$G". Delaying attempt to reconnect for 30s'`,
// both drop the connection, and the soliciting side waits before trying again.
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, waitFor, type ServerKind } from '@switchboard/testing';
import { startHub, type Node } from './leaf-helpers.js';

const running: Node[] = [];
afterAll(async () => {
  await Promise.allSettled(running.map((n) => n.stop()));
});

describe.each([
  ['broker', 'nats-server'],
  ['broker', 'broker'],
] as [ServerKind, ServerKind][])('%s and %s, each the leaf of the other', (first, second) => {
  it('the loop is detected and reported with nats-server words', { timeout: 60_000 }, async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const remote = (port: number): string => `remotes: [ { url: "nats-leaf://127.0.0.1:${port}" } ]`;
    const a = await startHub(first, { leafPort: p1, leafBlock: remote(p2), name: 'one' });
    running.push(a);
    const b = await startHub(second, { leafPort: p2, leafBlock: remote(p1), name: 'two' });
    running.push(b);
    const text = 'Loop detected for leafnode account="$G". Delaying attempt to reconnect for 30s';
    await waitFor(() => a.server.log().includes(text) || b.server.log().includes(text), 20_000, 'a loop report');
    // Whoever noticed told the other side: both logged it.
    await waitFor(() => a.server.log().includes('Loop detected') && b.server.log().includes('Loop detected'), 10_000, 'both sides to report the loop');
    expect(a.server.log() + b.server.log()).toContain(text);
  });
});
