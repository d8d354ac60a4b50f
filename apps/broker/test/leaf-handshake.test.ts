// The leaf handshake against nats-server 2.9: a raw leaf's transcript with either hub (same
// INFO keys, the same answer to CONNECT), and real servers connected both ways (a nats-server
// leaf on a broker hub, a broker leaf on a nats-server hub), as /leafz on each side shows.
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from 'nats';
import { RawClient, waitFor, type ServerKind } from '@switchboard/testing';
import { startHub, startLeaf, waitInterest, waitLeafs, type Node } from './leaf-helpers.js';

const started: Node[] = [];
afterAll(async () => {
  await Promise.all(started.map((n) => n.stop()));
});
async function track<T extends Node>(p: Promise<T>): Promise<T> {
  const n = await p;
  started.push(n);
  return n;
}

/** The first line (INFO) and its JSON. */
function info(text: string): Record<string, unknown> {
  const line = text.slice(0, text.indexOf('\r\n'));
  expect(line.startsWith('INFO ')).toBe(true);
  return JSON.parse(line.slice(5)) as Record<string, unknown>;
}

/**
 * What a hub sends after a leaf's CONNECT, normalized: INFO keys, then the LS+ lines sorted with
 * the loop-detection subject's random part masked. nats-server also sends interest in the
 * `$SYS.REQ.*.PING.*` services every account imports from its system account: the broker has
 * no such imports, so those lines are left out of the comparison.
 */
function afterConnect(text: string): { infoKeys: string[]; info: Record<string, unknown>; interest: string[] } {
  const lines = text.split('\r\n').filter((l) => l !== '' && l !== 'PING');
  const i = info(`${lines[0]!}\r\n`);
  const interest = lines
    .slice(1)
    .filter((l) => !l.startsWith('LS+ $SYS.REQ.'))
    .map((l) => l.replace(/^LS\+ \$LDS\.\S+$/, 'LS+ $LDS.<id>'))
    .sort();
  return { infoKeys: Object.keys(i), info: i, interest };
}

async function transcript(hub: Node): Promise<{ first: Record<string, unknown>; reply: ReturnType<typeof afterConnect> }> {
  const c = await RawClient.open(hub.leafPort);
  try {
    await c.waitFor('\r\n');
    const first = info(c.data);
    c.data = '';
    c.send('CONNECT {"version":"2.9.10","tls_required":false,"server_id":"NLEAFRAW","name":"raw","headers":true}\r\nPING\r\n');
    if (!(await c.until(() => c.data.includes('PONG\r\n') && c.data.includes('$LDS.'), 5_000))) throw new Error(`no answer to CONNECT: ${c.data}`);
    return { first, reply: afterConnect(c.data.replace('PONG\r\n', '')) };
  } finally {
    c.destroy();
  }
}

describe('leaf handshake transcript (a raw leaf on each hub)', () => {
  it('INFO with a nonce and the same keys; CONNECT answered with connect_info, the bound account and the hub interest', async () => {
    const [ref, ours] = await Promise.all([track(startHub('nats-server')), track(startHub('broker'))]);
    const [a, b] = await Promise.all([transcript(ref), transcript(ours)]);
    const keys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => k !== 'git_commit');
    expect(keys(b.first)).toEqual(keys(a.first));
    expect(b.first).toMatchObject({ auth_required: true, info_on_connect: true, headers: true, proto: 1, version: '2.9.10' });
    expect(typeof b.first.nonce).toBe('string');
    expect(String(b.first.nonce)).toHaveLength(String(a.first.nonce).length);
    expect(b.first.leafnode_urls).toEqual([`${String(b.first.host)}:${ours.leafPort}`]);
    expect(b.reply.infoKeys.filter((k) => k !== 'git_commit')).toEqual(a.reply.infoKeys.filter((k) => k !== 'git_commit'));
    expect(b.reply.info).toMatchObject({ connect_info: true, remote_account: '$G' });
    expect(b.reply.info.nonce).toBeUndefined();
    expect(b.reply.interest).toEqual(a.reply.interest);
    expect(b.reply.interest).toEqual(['LS+ $LDS.<id>']);
  });

  it('a client on the leaf port is refused as by nats-server', async () => {
    const hubs = await Promise.all([
      track(startHub('nats-server', { leafBlock: 'authorization { user: l, password: p }' })),
      track(startHub('broker', { leafBlock: 'authorization { user: l, password: p }' })),
    ]);
    const seen: string[] = [];
    for (const hub of hubs) {
      const c = await RawClient.open(hub.leafPort);
      await c.waitFor('\r\n');
      c.data = '';
      c.send('CONNECT {"verbose":false,"lang":"node","version":"2.29.3","user":"l","pass":"p"}\r\nPING\r\n');
      await c.waitClosed();
      seen.push(c.data);
    }
    expect(seen[1]).toBe(seen[0]);
    expect(seen[0]).toBe("-ERR 'attempted to connect to leaf node port'\r\n");
  });
});

describe('interest propagation transcript (a raw leaf on each hub)', () => {
  /** LS+/LS- lines a raw leaf receives while a hub client subscribes, joins a queue group twice, leaves. */
  async function interestLines(hub: Node): Promise<string[]> {
    const c = await RawClient.open(hub.leafPort);
    const cl = await connect({ servers: hub.server.url });
    try {
      await c.waitFor('\r\n');
      c.send('CONNECT {"version":"2.9.10","tls_required":false,"server_id":"NLEAFRAW","name":"raw","headers":true}\r\nPING\r\n');
      await c.waitFor('PONG\r\n');
      if (!(await c.until(() => c.data.includes('$LDS.'), 5_000))) throw new Error(`no interest: ${c.data}`);
      c.data = '';
      const plain = cl.subscribe('orders.*');
      const q1 = cl.subscribe('jobs', { queue: 'workers' });
      const q2 = cl.subscribe('jobs', { queue: 'workers' });
      await cl.flush();
      await c.waitFor('LS+ jobs workers 2\r\n');
      q1.unsubscribe();
      await cl.flush();
      await c.waitFor('LS+ jobs workers 1\r\n');
      q2.unsubscribe();
      plain.unsubscribe();
      await cl.flush();
      await c.waitFor('LS- orders.*\r\n');
      return c.data.split('\r\n').filter((l) => l.startsWith('LS'));
    } finally {
      await cl.close();
      c.destroy();
    }
  }

  it('LS+ on the first subscription, queue groups with their weight on every change, LS- when the last one goes', async () => {
    const [ref, ours] = await Promise.all([track(startHub('nats-server')), track(startHub('broker'))]);
    const [a, b] = [await interestLines(ref), await interestLines(ours)];
    expect(b).toEqual(a);
    expect(a).toEqual(['LS+ orders.*', 'LS+ jobs workers 1', 'LS+ jobs workers 2', 'LS+ jobs workers 1', 'LS- jobs workers', 'LS- orders.*']);
  });
});

const pairs: [ServerKind, ServerKind][] = [
  ['nats-server', 'broker'],
  ['broker', 'nats-server'],
  ['broker', 'broker'],
];

/** Waits until the first leaf connection of `n` lists interest starting with `prefix`. */
async function waitInterestPrefix(n: Node, prefix: string): Promise<void> {
  await waitFor(
    async () => ((await n.leafz('?subs=1').catch(() => null))?.leafs?.[0]?.subscriptions_list ?? []).some((s) => s.startsWith(prefix)),
    10_000,
    `${n.kind} to list ${prefix} interest`,
  );
}

describe.each(pairs)('%s hub, %s leaf', (hubKind, leafKind) => {
  it('connect, bind to the global account, exchange loop-detection interest', async () => {
    const hub = await track(startHub(hubKind));
    const leaf = await track(startLeaf(leafKind, [`url: "nats-leaf://127.0.0.1:${hub.leafPort}"`]));
    await Promise.all([waitLeafs(hub, 1), waitLeafs(leaf, 1)]);
    // Each side registers the other's $LDS subject. A side counts the connection before the
    // other's LS+ has reached it: waited for, not read from /leafz at once.
    await Promise.all([waitInterestPrefix(hub, '$LDS.'), waitInterestPrefix(leaf, '$LDS.')]);
    const [h, l] = await Promise.all([hub.leafz('?subs=1'), leaf.leafz('?subs=1')]);
    expect(h.leafs![0]!.account).toBe('$G');
    expect(l.leafs![0]!.account).toBe('$G');
    await waitInterest(hub, 'never.there', false);
    // /leafz in nats-server's shape: both ends list the same keys, whichever server each is.
    const keys = ['account', 'ip', 'port', 'rtt', 'in_msgs', 'out_msgs', 'in_bytes', 'out_bytes', 'subscriptions', 'subscriptions_list'];
    expect(Object.keys(h).sort()).toEqual(['leafnodes', 'leafs', 'now', 'server_id']);
    expect(Object.keys(h.leafs![0]!)).toEqual(keys);
    expect(Object.keys(l.leafs![0]!)).toEqual(keys);
  });
});
