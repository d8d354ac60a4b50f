// An account JWT's `leaf` limit held across a cluster, as nats-server 2.9 does it: each server's
// `$SYS.SERVER.ACCOUNT.<id>.CONNS` reports carry its leaf connections (`leafnodes`), and a server
// counts the others' with its own when a leaf connects (registerWithAccount) and when a report
// comes in (updateRemoteServer cuts the newest local leafs). First one hub of each kind fed
// forged reports by a system user, then three brokers, then a broker and nats-server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAccount, encodeOperator } from '@nats-io/jwt';
import { createAccount, createOperator } from '@nats-io/nkeys';
import { formatCreds } from '@switchboard/nats-jwt';
import { connect, credsAuthenticator, type NatsConnection } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, operatorModeConfig, UNLIMITED, user, waitFor, type Cred, type ServerKind } from '@switchboard/testing';
import { startHub, startLeaf, waitLeafs, type Node } from './leaf-helpers.js';
import { text } from './helpers.js';

const REFUSAL = 'maximum account active connections exceeded';
const dir = mkdtempSync(join(tmpdir(), 'sb-leaflimit-'));
const operator = createOperator();
const sys = createAccount();
const tenant = createAccount();
const T = tenant.getPublicKey();
const operatorJwt = await encodeOperator('OP', operator, { system_account: sys.getPublicKey() });
const accountJwt = {
  sys: await encodeAccount('SYS', sys, { limits: UNLIMITED }, { signer: operator }),
  // One leaf node for the whole cluster.
  tenant: await encodeAccount('tenant', tenant, { limits: { ...UNLIMITED, leaf: 1 } }, { signer: operator }),
};
const sysUser = await user('sys', sys);
const leafCreds = await Promise.all([1, 2, 3].map(async (i) => credsFile(`leaf${i}`, await user(`leaf${i}`, tenant))));
const hubConfig = operatorModeConfig({
  operatorJwt,
  systemAccount: sys.getPublicKey(),
  resolver: 'resolver: MEMORY',
  preload: { [sys.getPublicKey()]: accountJwt.sys, [T]: accountJwt.tenant },
});

const running: Node[] = [];
const conns: NatsConnection[] = [];
afterAll(async () => {
  await Promise.allSettled(conns.map((c) => c.close()));
  await Promise.allSettled(running.map((n) => n.stop()));
  rmSync(dir, { recursive: true, force: true });
});

function credsFile(name: string, c: Cred): string {
  const file = join(dir, `${name}.creds`);
  writeFileSync(file, formatCreds(c.jwt, new TextDecoder().decode(c.key.getSeed())));
  return file;
}

async function hub(kind: ServerKind, name: string, cluster = ''): Promise<Node> {
  const n = await startHub(kind, { name, extra: hubConfig + cluster });
  running.push(n);
  return n;
}

/** A nats-server leaf with one remote to `hub` as tenant user `i`. */
async function leaf(i: number, to: Node): Promise<Node> {
  const n = await startLeaf('nats-server', [`url: "nats-leaf://127.0.0.1:${to.leafPort}", credentials: "${leafCreds[i]}"`]);
  running.push(n);
  return n;
}

async function sysConn(n: Node): Promise<NatsConnection> {
  const nc = await connect({
    servers: n.server.url,
    authenticator: credsAuthenticator(new TextEncoder().encode(formatCreds(sysUser.jwt, new TextDecoder().decode(sysUser.key.getSeed())))),
  });
  conns.push(nc);
  return nc;
}

const refusals = (n: Node): number => n.server.log().split(REFUSAL).length - 1;
const tenantLeafs = async (n: Node): Promise<number> => ((await n.leafz()).leafs ?? []).filter((l) => l.account === T).length;

/**
 * Watches, through `nc`, for a CONNS report of the tenant with `leafs` leaf nodes from another
 * server; `seen` settles once one came (the server `nc` is on handled it as it routed it here).
 */
async function watchLeafReport(nc: NatsConnection, leafs: number): Promise<{ seen: Promise<void> }> {
  const sub = nc.subscribe(`$SYS.SERVER.ACCOUNT.${T}.CONNS`);
  await nc.flush();
  const seen = (async () => {
    for await (const m of sub) {
      const r = JSON.parse(text(m.data)) as { server: { id: string }; leafnodes: number };
      if (r.server.id !== nc.info!.server_id && r.leafnodes === leafs) return;
    }
  })().finally(() => sub.unsubscribe());
  return { seen };
}

/** A leaf's refusal on connect: the hub's -ERR in its log (`times` in all), no tenant leaf added on `on`. */
async function refusedOn(l: Node, on: Node, times = 1): Promise<void> {
  await waitFor(() => refusals(l) >= times, 15_000, `the refusal in the leaf's log (${times})`);
  expect(await tenantLeafs(on)).toBe(0);
}

describe.each(['nats-server', 'broker'] as const)('%s hub: reports from another server count against the leaf limit', (kind) => {
  const FAKE = 'NFAKESERVERFORLEAFLIMITTESTXXXXXXXXXXXXXXXXXXXXXXXXXXXX';
  let seq = 0;
  const report = (leafnodes: number): Uint8Array =>
    new TextEncoder().encode(
      JSON.stringify({
        type: 'io.nats.server.advisory.v1.account_connections',
        id: `fake${++seq}`,
        timestamp: new Date().toISOString(),
        server: { name: 'fake', host: '127.0.0.1', id: FAKE, ver: '2.9.10', seq, jetstream: false, time: new Date().toISOString() },
        acc: T,
        conns: 0,
        leafnodes,
        total_conns: leafnodes,
        sent: { msgs: 0, bytes: 0 },
        received: { msgs: 0, bytes: 0 },
        slow_consumers: 0,
      }),
    );

  it('a leaf elsewhere cuts the local one and refuses it back; the other server shutting down lets it in', { timeout: 60_000 }, async () => {
    const h = await hub(kind, `single_${kind.replace('-', '_')}`);
    const nc = await sysConn(h);
    const l = await leaf(0, h);
    await waitLeafs(h, 1);
    nc.publish(`$SYS.SERVER.ACCOUNT.${T}.CONNS`, report(1));
    await nc.flush();
    // Over the limit (one here, one there): the hub cuts its leaf with the refusal...
    await waitFor(() => refusals(l) >= 1, 10_000, 'the cut in the leaf log');
    await waitLeafs(h, 0);
    // ...and refuses it when it comes back (the leaf retries every second).
    await refusedOn(l, h, 2);
    nc.publish(
      `$SYS.SERVER.${FAKE}.SHUTDOWN`,
      new TextEncoder().encode(JSON.stringify({ name: 'fake', host: '127.0.0.1', id: FAKE, ver: '2.9.10', seq: ++seq })),
    );
    await nc.flush();
    await waitLeafs(h, 1);
    await l.stop();
  });
});

describe('three brokers', () => {
  it('a leaf on A: another is refused on C, which has none of the account; A losing its leaf lets it in', { timeout: 90_000 }, async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const cluster = (i: number): string =>
      `cluster { name: leafs, listen: "127.0.0.1:${ports[i]}", routes: [${ports.map((p) => `"nats-route://127.0.0.1:${p}"`).join(', ')}] }\n`;
    const [a, , c] = [await hub('broker', 'A', cluster(0)), await hub('broker', 'B', cluster(1)), await hub('broker', 'C', cluster(2))];
    const onC = await sysConn(c!);
    const watch = await waitForReport(onC, 1, a!, 2, 0);
    const first = watch.leaf;
    await watch.seen;
    await waitLeafs(a!, 1);
    const second = await leaf(1, c!);
    await refusedOn(second, c!);
    await first.stop();
    await waitLeafs(c!, 1);
    expect(await tenantLeafs(c!)).toBe(1);
    await second.stop();
  });
});

describe('a broker and nats-server', () => {
  it('a leaf on either refuses another on the other, with the same words', { timeout: 90_000 }, async () => {
    const [pb, pn] = [await freePort(), await freePort()];
    const routes = `routes: ["nats-route://127.0.0.1:${pb}", "nats-route://127.0.0.1:${pn}"]`;
    const ns = await hub('nats-server', 'NS', `cluster { name: mixed, listen: "127.0.0.1:${pn}", ${routes} }\n`);
    const b = await hub('broker', 'B', `cluster { name: mixed, listen: "127.0.0.1:${pb}", ${routes} }\n`);
    const [onNs, onB] = [await sysConn(ns), await sysConn(b)];
    // A leaf on nats-server: the broker hears of it and refuses a second.
    const w1 = await waitForReport(onB, 1, ns, 1, 0);
    await w1.seen;
    const second = await leaf(1, b);
    await refusedOn(second, b);
    // The first goes: the second gets in on the broker, and nats-server refuses a third.
    const w2 = await watchLeafReport(onNs, 1);
    await w1.leaf.stop();
    await waitLeafs(b, 1);
    await w2.seen;
    const third = await leaf(2, ns);
    await refusedOn(third, ns);
    await Promise.all([second.stop(), third.stop()]);
  });
});

/**
 * Starts a leaf on `on` once the others will hear of it: every route of `on` carries the
 * servers' interest in CONNS reports (its /routez lists it), and `nc` (on another server)
 * watches for the report.
 */
async function waitForReport(nc: NatsConnection, leafs: number, on: Node, routes: number, i: number): Promise<{ leaf: Node; seen: Promise<void> }> {
  const watch = await watchLeafReport(nc, leafs);
  await waitFor(
    async () => {
      const z = (await (await fetch(`http://127.0.0.1:${on.httpPort}/routez?subs=1`)).json()) as { routes: { subscriptions_list?: string[] }[] };
      return z.routes.length === routes && z.routes.every((r) => (r.subscriptions_list ?? []).includes('$SYS.SERVER.ACCOUNT.*.CONNS'));
    },
    15_000,
    'the routes carrying interest in CONNS reports',
  );
  return { leaf: await leaf(i, on), seen: watch.seen };
}
