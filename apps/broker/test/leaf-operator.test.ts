// Leaf nodes in operator mode, against nats-server both ways (a nats-server leaf on a broker hub,
// a broker leaf on a nats-server hub): each remote authenticates with a tenant user's .creds
// (nonce signed), is bound to that user's account on the hub, and carries that user's
// permissions (publish = what the leaf may send in, subscribe = what it receives); two tenants'
// traffic never crosses; the account JWT's `leaf` limit refuses the extra leaf connection.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAccount, encodeOperator } from '@nats-io/jwt';
import { createAccount, createOperator } from '@nats-io/nkeys';
import { formatCreds } from '@switchboard/nats-jwt';
import { connect, credsAuthenticator, StringCodec, type NatsConnection, type Subscription } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorModeConfig, UNLIMITED, user, waitFor, type Cred, type ServerKind } from '@switchboard/testing';
import { startHub, startLeaf, waitInterest, waitLeafs, type Node } from './leaf-helpers.js';

const sc = StringCodec();
const dir = mkdtempSync(join(tmpdir(), 'sb-leafop-'));

const operator = createOperator();
const sys = createAccount();
const tenantA = createAccount();
const tenantB = createAccount();
const A = tenantA.getPublicKey();
const B = tenantB.getPublicKey();
const accountJwt = {
  sys: await encodeAccount('SYS', sys, { limits: UNLIMITED }, { signer: operator }),
  // Tenant A may attach one leaf node.
  a: await encodeAccount('tenant-a', tenantA, { limits: { ...UNLIMITED, leaf: 1 } }, { signer: operator }),
  b: await encodeAccount('tenant-b', tenantB, { limits: UNLIMITED }, { signer: operator }),
};
const operatorJwt = await encodeOperator('OP', operator, { system_account: sys.getPublicKey() });
const users = {
  aLeaf: await user('a-leaf', tenantA),
  aLeaf2: await user('a-leaf-2', tenantA),
  // Tenant B's leaf may send in only up.> and receive only down.> (and replies).
  bLeaf: await user('b-leaf', tenantB, { pub: { allow: ['up.>', '_INBOX.>'] }, sub: { allow: ['down.>', '_INBOX.>'] } }),
  aClient: await user('a-client', tenantA),
  sys: await user('sys', sys),
  bClient: await user('b-client', tenantB),
};

function credsFile(name: string, c: Cred): string {
  const file = join(dir, `${name}.creds`);
  writeFileSync(file, formatCreds(c.jwt, new TextDecoder().decode(c.key.getSeed())));
  return file;
}
const files = { aLeaf: credsFile('a-leaf', users.aLeaf), aLeaf2: credsFile('a-leaf-2', users.aLeaf2), bLeaf: credsFile('b-leaf', users.bLeaf) };
const hubConfig = operatorModeConfig({
  operatorJwt,
  systemAccount: sys.getPublicKey(),
  resolver: 'resolver: MEMORY',
  preload: { [sys.getPublicKey()]: accountJwt.sys, [A]: accountJwt.a, [B]: accountJwt.b },
});
/** The leaf's own accounts (config mode): LA and LB, each with one local user. */
const LEAF_ACCOUNTS = 'accounts { LA: { users: [ { user: la, password: la } ] }, LB: { users: [ { user: lb, password: lb } ] } }';

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const asUser = (url: string, c: Cred): Promise<NatsConnection> =>
  connect({ servers: url, authenticator: credsAuthenticator(new TextEncoder().encode(formatCreds(c.jwt, new TextDecoder().decode(c.key.getSeed())))) });

async function collect(sub: Subscription, into: string[]): Promise<void> {
  for await (const m of sub) into.push(`${m.subject}:${sc.decode(m.data)}`);
}

describe.each([
  ['broker', 'nats-server'],
  ['nats-server', 'broker'],
] as [ServerKind, ServerKind][])('operator-mode %s hub, %s leaf', (hubKind, leafKind) => {
  let hub: Node;
  let leaf: Node;
  let conns: NatsConnection[] = [];

  beforeAll(async () => {
    hub = await startHub(hubKind, { extra: hubConfig });
    const url = `nats-leaf://127.0.0.1:${hub.leafPort}`;
    leaf = await startLeaf(
      leafKind,
      [`url: "${url}", credentials: "${files.aLeaf}", account: LA`, `url: "${url}", credentials: "${files.bLeaf}", account: LB`],
      LEAF_ACCOUNTS,
    );
    await Promise.all([waitLeafs(hub, 2), waitLeafs(leaf, 2)]);
  });
  afterAll(async () => {
    await Promise.allSettled(conns.map((c) => c.close()));
    conns = [];
    await Promise.allSettled([leaf?.stop(), hub?.stop()]);
  });

  it("binds each leaf connection to its user's account", async () => {
    const z = await hub.leafz();
    expect(z.leafs!.map((l) => l.account).sort()).toEqual([A, B].sort());
    const mine = await leaf.leafz();
    expect(mine.leafs!.map((l) => l.account).sort()).toEqual(['LA', 'LB']);
  });

  it("keeps tenants apart: a tenant's messages reach its own leaf account only, both ways", async () => {
    const hubA = await asUser(hub.server.url, users.aClient);
    const hubB = await asUser(hub.server.url, users.bClient);
    const la = await connect({ servers: leaf.server.url, user: 'la', pass: 'la' });
    const lb = await connect({ servers: leaf.server.url, user: 'lb', pass: 'lb' });
    conns.push(hubA, hubB, la, lb);
    const onLa: string[] = [];
    const onLb: string[] = [];
    const onHubA: string[] = [];
    const onHubB: string[] = [];
    void collect(la.subscribe('news.>'), onLa);
    void collect(lb.subscribe('down.>'), onLb);
    void collect(hubA.subscribe('up.>'), onHubA);
    void collect(hubB.subscribe('up.>'), onHubB);
    await Promise.all(conns.map((c) => c.flush()));
    await Promise.all([waitInterest(hub, 'news.>'), waitInterest(hub, 'down.>'), waitInterest(leaf, 'up.>')]);
    // Hub → leaf: tenant B's news never reaches LA, tenant A's does; B's down.* reaches LB only.
    // Each wrong-tenant message is processed (flush) before the right one is sent: misrouted, it
    // would arrive first on the same leaf connection.
    hubB.publish('news.b', sc.encode('from-b'));
    await hubB.flush();
    hubA.publish('news.a', sc.encode('from-a'));
    hubA.publish('down.a', sc.encode('not-for-lb'));
    await hubA.flush();
    hubB.publish('down.b', sc.encode('to-lb'));
    // Leaf → hub: LA's up.* reaches tenant A only, LB's tenant B only.
    lb.publish('up.lb', sc.encode('from-lb'));
    await lb.flush();
    la.publish('up.la', sc.encode('from-la'));
    await waitFor(() => onLa.length >= 1 && onLb.length >= 1 && onHubA.length >= 1 && onHubB.length >= 1, 10_000, 'one message on each side');
    await Promise.all(conns.map((c) => c.flush()));
    expect(onLa).toEqual(['news.a:from-a']);
    expect(onLb).toEqual(['down.b:to-lb']);
    expect(onHubA).toEqual(['up.la:from-la']);
    expect(onHubB).toEqual(['up.lb:from-lb']);
  });

  it("applies the leaf user's permissions: publish = what the leaf sends in, subscribe = what it receives", async () => {
    const hubB = await asUser(hub.server.url, users.bClient);
    const lb = await connect({ servers: leaf.server.url, user: 'lb', pass: 'lb' });
    conns.push(hubB, lb);
    const onLb: string[] = [];
    const onHubB: string[] = [];
    void collect(lb.subscribe('other.>'), onLb);
    void collect(lb.subscribe('down.ok'), onLb);
    void collect(hubB.subscribe('sideways.>'), onHubB);
    void collect(hubB.subscribe('up.ok'), onHubB);
    await Promise.all([lb.flush(), hubB.flush()]);
    await Promise.all([waitInterest(hub, 'down.ok'), waitInterest(leaf, 'up.ok')]);
    // The hub does not tell the leaf of interest the leaf user may not publish to.
    await waitInterest(leaf, 'sideways.>', false);
    hubB.publish('other.x', sc.encode('denied-in'));
    hubB.publish('down.ok', sc.encode('allowed-in'));
    lb.publish('sideways.x', sc.encode('denied-out'));
    lb.publish('up.ok', sc.encode('allowed-out'));
    await waitFor(() => onLb.length >= 1 && onHubB.length >= 1, 10_000, 'the allowed messages');
    await Promise.all([lb.flush(), hubB.flush()]);
    expect(onLb).toEqual(['down.ok:allowed-in']);
    expect(onHubB).toEqual(['up.ok:allowed-out']);
  });

  it("counts the leaf connection in the account's connection events (leafnodes), as nats-server", async () => {
    const watcher = await asUser(hub.server.url, users.sys);
    conns.push(watcher);
    const events: { leafnodes?: number; conns?: number; total_conns?: number }[] = [];
    watcher.subscribe(`$SYS.ACCOUNT.${A}.SERVER.CONNS`, { callback: (_e, m) => events.push(JSON.parse(sc.decode(m.data)) as (typeof events)[number]) });
    await watcher.flush();
    // A client of tenant A connecting makes the hub publish the account's counts.
    const c = await asUser(hub.server.url, users.aClient);
    conns.push(c);
    await waitFor(() => events.length > 0, 10_000, 'a CONNS event for tenant A');
    const e = events.at(-1)!;
    expect(e.leafnodes).toBe(1);
    expect(e.total_conns).toBe(e.conns! + 1);
  });

  it("refuses a leaf connection past the account's `leaf` limit with nats-server's error", async () => {
    const extra = await startLeaf(leafKind, [`url: "nats-leaf://127.0.0.1:${hub.leafPort}", credentials: "${files.aLeaf2}", account: LA`], LEAF_ACCOUNTS);
    try {
      await waitFor(() => extra.server.log().includes('maximum account active connections exceeded'), 15_000, 'the refusal in the extra leaf log');
      expect((await extra.leafz()).leafnodes).toBe(0);
      const z = await hub.leafz();
      expect(z.leafs!.filter((l) => l.account === A)).toHaveLength(1);
    } finally {
      await extra.stop();
    }
  });
});
