import { connect, jwtAuthenticator, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@switchboard/config';
import { encodeAccount } from '@nats-io/jwt';
import { optionsFromConfig, parseRouteUrl } from '@switchboard/server';
import { makeOperator, nowSec, operatorConfig, rawAs, UNLIMITED, waitFor, type Cred, type OperatorFixture } from '@switchboard/testing';
import { startBroker, type Broker } from '../src/broker.js';
import { bytes, take, text } from './helpers.js';

// Operator mode on every node of a three-broker cluster, with two tenants (accounts A and C):
// interest and messages travel per account, nothing crosses tenants on any node, and a claims
// update sent to one node's system account reaches the others (a revoked user is cut off on
// whichever node it is connected to).

let fx: OperatorFixture;
const nodes: Broker[] = [];
const conns: NatsConnection[] = [];

async function node(name: string, routes: number[]): Promise<Broker> {
  const { options } = optionsFromConfig(parseConfig(operatorConfig(fx)));
  options.cluster = { ...options.cluster, name: 'op', host: '127.0.0.1', port: -1, routes: routes.map((p) => parseRouteUrl(`127.0.0.1:${p}`)) };
  const b = await startBroker({ ...options, host: '127.0.0.1', port: 0, serverName: name, pingInterval: 60_000 });
  nodes.push(b);
  return b;
}

const as = async (b: Broker, cred: Cred): Promise<NatsConnection> => {
  const nc = await connect({ port: b.port, authenticator: jwtAuthenticator(cred.jwt, cred.key.getSeed()), reconnect: false });
  conns.push(nc);
  return nc;
};

/** Publishes until `sub` gets a message: interest takes a moment to cross the cluster. */
async function reaches(from: NatsConnection, subject: string, sub: ReturnType<NatsConnection['subscribe']>): Promise<string> {
  const got = take(sub, 1, 8_000);
  const timer = setInterval(() => from.publish(subject, bytes('probe')), 100);
  try {
    return text((await got)[0]!.data);
  } finally {
    clearInterval(timer);
  }
}

beforeAll(async () => {
  fx = await makeOperator();
  const a = await node('n1', []);
  await node('n2', [a.clusterPort]);
  await node('n3', [a.clusterPort]);
  await waitFor(() => nodes.every((n) => n.server.cluster!.routes.size === 2), 10_000);
}, 30_000);
afterAll(async () => {
  await Promise.all(conns.map((c) => (c.isClosed() ? undefined : c.close())));
  await Promise.all(nodes.map((n) => n.close()));
});

describe('operator mode across a cluster', () => {
  it('routes per account and never across tenants', async () => {
    const [n1, n2, n3] = nodes as [Broker, Broker, Broker];
    const aSub = await as(n2, fx.users.a);
    const cSub = await as(n3, fx.users.c1);
    const aS = aSub.subscribe('tenant.x');
    const cS = cSub.subscribe('tenant.x');
    await Promise.all([aSub.flush(), cSub.flush()]);
    const aPub = await as(n1, fx.users.signed);
    // On the wire the interest carries the account: node 1 holds each subscription in its tenant's account only.
    const accC = () => n1.server.accounts.get(fx.keys.c.getPublicKey());
    const accA = () => n1.server.accounts.get(fx.keys.a.getPublicKey());
    await waitFor(() => accC()?.sublist.match('tenant.x').psubs.length === 1 && accA()?.sublist.match('tenant.x').psubs.length === 1, 5_000);
    expect(n1.server.globalAccount.sublist.match('tenant.x').psubs.length).toBe(0);
    const cPub = await as(n1, fx.users.c2);
    expect(await reaches(aPub, 'tenant.x', aS)).toBe('probe');
    // C's own message, sent from the same node after A's, is the first thing C's subscriber sees.
    aPub.publish('tenant.x', bytes('from-A'));
    await aPub.flush();
    expect(await reaches(cPub, 'tenant.x', cS)).toBe('probe');
  });

  it('a claims update on one node revokes the user on the others', async () => {
    const [n1, n2, n3] = nodes as [Broker, Broker, Broker];
    const victim2 = await rawAs(n2.port, fx.users.c1);
    const victim3 = await rawAs(n3.port, fx.users.c1);
    const other = await as(n3, fx.users.c2);
    const sys = await as(n1, fx.users.sys);
    const update = await encodeAccount(
      'C',
      fx.keys.c,
      { limits: UNLIMITED, revocations: { [fx.users.c1.key.getPublicKey()]: nowSec() } },
      { signer: fx.keys.operator },
    );
    const subject = `$SYS.REQ.ACCOUNT.${fx.keys.c.getPublicKey()}.CLAIMS.UPDATE`;
    // Every node answers (nats-server does too); the requester takes the first.
    const replies = sys.subscribe('claims.replies');
    await sys.flush();
    // Node 1 knows the other nodes' system account subscriptions (made before their routes existed).
    await waitFor(() => n1.server.accounts.get(fx.keys.sys.getPublicKey())!.sublist.match(subject).psubs.length === 3, 5_000);
    sys.publish(subject, new TextEncoder().encode(update), { reply: 'claims.replies' });
    const got = await take(replies, 3, 8_000);
    for (const r of got) expect(JSON.parse(text(r.data)).data).toMatchObject({ code: 200 });
    await victim2.waitFor("-ERR 'User Authentication Revoked'\r\n");
    await victim3.waitFor("-ERR 'User Authentication Revoked'\r\n");
    await victim2.waitClosed();
    await victim3.waitClosed();
    await other.flush(); // the tenant's other user is still connected
    expect(n3.server.clients.size).toBeGreaterThan(0);
  });
});
