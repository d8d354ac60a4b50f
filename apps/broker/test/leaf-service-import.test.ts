// Service imports across leaf connections, both ways with nats-server: the hub's account IMP
// imports `svc.>` from EXP; a leaf has one remote bound to each (local accounts LE and LI). A
// leaf server forwards only what the hub showed interest in, so the hub announces its import
// subjects on the importer's leaf connections and its mapped-reply prefix (`_R_.<prefix>.>`) on
// the exporter's, as nats-server's initLeafNodeSmapAndSendSubs does — including when the leaf
// connects after the hub made the prefix, or the account's imports change while it is connected;
// and in a cluster, where the import is made on the requester's node and the route carries the rest.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAccount, encodeOperator, type Import } from '@nats-io/jwt';
import { createAccount, createOperator } from '@nats-io/nkeys';
import { formatCreds } from '@switchboard/nats-jwt';
import { connect, credsAuthenticator, ErrorCode, StringCodec, type NatsConnection, type NatsError } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, operatorModeConfig, UNLIMITED, user, waitFor, type Cred, type ServerKind } from '@switchboard/testing';
import { startHub, startLeaf, waitLeafs, type Node } from './leaf-helpers.js';

const sc = StringCodec();

const HUB_ACCOUNTS = `accounts {
  EXP: { users: [ { user: exp, password: exp } ], exports: [ { service: "svc.>" } ] }
  IMP: { users: [ { user: imp, password: imp } ], imports: [ { service: { account: EXP, subject: "svc.>" } } ] }
}`;
const LEAF_ACCOUNTS = 'accounts { LE: { users: [ { user: le, password: le } ] }, LI: { users: [ { user: li, password: li } ] } }';

const dir = mkdtempSync(join(tmpdir(), 'sb-leafsvc-'));
const running: Node[] = [];
const conns: NatsConnection[] = [];
afterAll(async () => {
  await Promise.allSettled(conns.map((c) => c.close()));
  await Promise.allSettled(running.map((n) => n.stop()));
  rmSync(dir, { recursive: true, force: true });
});
const creds = (c: Cred): string => formatCreds(c.jwt, new TextDecoder().decode(c.key.getSeed()));

async function as(n: Node, user: string): Promise<NatsConnection> {
  const nc = await connect({ servers: n.server.url, user, pass: user });
  conns.push(nc);
  return nc;
}

/** A responder answering `<name>:<request>` on `subject`. */
async function respond(nc: NatsConnection, subject: string, name: string): Promise<void> {
  nc.subscribe(subject, { callback: (_e, m) => m.respond(sc.encode(`${name}:${sc.decode(m.data)}`)) });
  await nc.flush();
}

/** The answer to a request on `subject`, retried while interest is still on its way; '' if none came. */
async function ask(nc: NatsConnection, subject: string, body: string): Promise<string> {
  let answer = '';
  await waitFor(
    async () => {
      answer = await nc
        .request(subject, sc.encode(body), { timeout: 500 })
        .then((m) => sc.decode(m.data))
        .catch(() => '');
      return answer !== '';
    },
    15_000,
    `an answer on ${subject}`,
  );
  return answer;
}

describe.each([
  ['broker', 'nats-server'],
  ['nats-server', 'broker'],
] as [ServerKind, ServerKind][])('%s hub, %s leaf', (hubKind, leafKind) => {
  it.each([
    ['made before the leaf connects', true],
    ['made after', false],
  ])('the hub imports; requests cross the leaf connection both ways (mapped-reply prefix %s)', { timeout: 90_000 }, async (_name, localFirst) => {
    const hub = await startHub(hubKind, { extra: HUB_ACCOUNTS });
    running.push(hub);
    const [hubExp, hubImp] = [await as(hub, 'exp'), await as(hub, 'imp')];
    await respond(hubExp, 'svc.hub', 'hub');
    // On the hub alone first: EXP has its mapped-reply prefix before any leaf connects.
    if (localFirst) expect(await ask(hubImp, 'svc.hub', 'local')).toBe('hub:local');

    const url = (u: string): string => `url: "nats-leaf://${u}:${u}@127.0.0.1:${hub.leafPort}"`;
    const leaf = await startLeaf(leafKind, [`${url('exp')}, account: LE`, `${url('imp')}, account: LI`], LEAF_ACCOUNTS);
    running.push(leaf);
    await Promise.all([waitLeafs(hub, 2), waitLeafs(leaf, 2)]);
    const [leafLe, leafLi] = [await as(leaf, 'le'), await as(leaf, 'li')];
    await respond(leafLe, 'svc.leaf', 'leaf');

    // Responder behind the leaf, requester on the hub.
    expect(await ask(hubImp, 'svc.leaf', 'a')).toBe('leaf:a');
    // Requester behind the leaf, responder on the hub.
    expect(await ask(leafLi, 'svc.hub', 'b')).toBe('hub:b');
    // (Both behind the same leaf server does not answer, on either hub: a hub does not send a
    // leaf connection what came from another of the same remote cluster, leaf-cluster.test.ts.)
  });

  it('the leaf imports: a request from the hub goes in through the import and out to a responder on the hub', { timeout: 90_000 }, async () => {
    const hub = await startHub(hubKind, {
      extra: 'accounts { EXP: { users: [ { user: exp, password: exp } ] }, IMP: { users: [ { user: imp, password: imp } ] } }',
    });
    running.push(hub);
    const url = (u: string): string => `url: "nats-leaf://${u}:${u}@127.0.0.1:${hub.leafPort}"`;
    const leaf = await startLeaf(
      leafKind,
      [`${url('exp')}, account: LE`, `${url('imp')}, account: LI`],
      `accounts {
  LE: { users: [ { user: le, password: le } ], exports: [ { service: "svc.>" } ] }
  LI: { users: [ { user: li, password: li } ], imports: [ { service: { account: LE, subject: "svc.>" } } ] }
}`,
    );
    running.push(leaf);
    await Promise.all([waitLeafs(hub, 2), waitLeafs(leaf, 2)]);
    const [hubExp, hubImp] = [await as(hub, 'exp'), await as(hub, 'imp')];
    await respond(hubExp, 'svc.hub', 'hub');
    // IMP on the hub → the leaf's LI (it announced its import) → LE → EXP on the hub, and back
    // through LE's mapped reply (the leaf announced its prefix).
    expect(await ask(hubImp, 'svc.hub', 'd')).toBe('hub:d');
  });
});

describe.each([
  ['broker', 'broker'],
  ['nats-server', 'broker'],
  ['broker', 'nats-server'],
] as [ServerKind, ServerKind][])('a cluster of a %s and a %s with a nats-server leaf on the second', (k1, k2) => {
  it(
    "the import is made on the requester's node; request and mapped reply cross the route and the leaf connection, both ways",
    { timeout: 90_000 },
    async () => {
      const [r1, r2] = [await freePort(), await freePort()];
      const cluster = (own: number, other: number): string => `cluster { name: hubs, listen: "127.0.0.1:${own}", routes: ["nats-route://127.0.0.1:${other}"] }`;
      const n1 = await startHub(k1, { name: 'n1', extra: `${HUB_ACCOUNTS}\n${cluster(r1, r2)}` });
      running.push(n1);
      const n2 = await startHub(k2, { name: 'n2', extra: `${HUB_ACCOUNTS}\n${cluster(r2, r1)}` });
      running.push(n2);
      const url = (u: string): string => `url: "nats-leaf://${u}:${u}@127.0.0.1:${n2.leafPort}"`;
      const leaf = await startLeaf('nats-server', [`${url('exp')}, account: LE`, `${url('imp')}, account: LI`], LEAF_ACCOUNTS);
      running.push(leaf);
      await Promise.all([waitLeafs(n2, 2), waitLeafs(leaf, 2)]);
      await respond(await as(leaf, 'le'), 'svc.leaf', 'leaf');
      expect(await ask(await as(n1, 'imp'), 'svc.leaf', 'g')).toBe('leaf:g');
      // The other way: the leaf's requester is imported on n2, the responder sits on n1.
      await respond(await as(n1, 'exp'), 'svc.n1', 'n1');
      expect(await ask(await as(leaf, 'li'), 'svc.n1', 'h')).toBe('n1:h');
    },
  );
});

describe.each(['broker', 'nats-server'] as ServerKind[])('%s hub in operator mode, nats-server leaf', (hubKind) => {
  it("announces an import added by a new account JWT on the importer's leaf connection, and withdraws it when removed", { timeout: 90_000 }, async () => {
    const operator = createOperator();
    const [sys, exp, imp] = [createAccount(), createAccount(), createAccount()];
    const E = exp.getPublicKey();
    const I = imp.getPublicKey();
    const impJwt = (imports: Import[]): Promise<string> => encodeAccount('IMP', imp, { limits: UNLIMITED, imports }, { signer: operator });
    const withImport: Import[] = [{ name: 'svc', subject: 'svc.>', account: E, type: 'service' }];
    const hub = await startHub(hubKind, {
      extra: operatorModeConfig({
        operatorJwt: await encodeOperator('OP', operator, { system_account: sys.getPublicKey() }),
        systemAccount: sys.getPublicKey(),
        resolver: 'resolver: MEMORY',
        preload: {
          [sys.getPublicKey()]: await encodeAccount('SYS', sys, { limits: UNLIMITED }, { signer: operator }),
          [E]: await encodeAccount('EXP', exp, { limits: UNLIMITED, exports: [{ name: 'svc', subject: 'svc.>', type: 'service' }] }, { signer: operator }),
          [I]: await impJwt([]),
        },
      }),
    });
    running.push(hub);
    const file = join(dir, `imp-${hubKind}.creds`);
    writeFileSync(file, creds(await user('leaf', imp)));
    const leaf = await startLeaf('nats-server', [`url: "nats-leaf://127.0.0.1:${hub.leafPort}", credentials: "${file}"`]);
    running.push(leaf);
    await Promise.all([waitLeafs(hub, 1), waitLeafs(leaf, 1)]);
    const login = async (c: Cred): Promise<NatsConnection> => {
      const nc = await connect({ servers: hub.server.url, authenticator: credsAuthenticator(new TextEncoder().encode(creds(c))) });
      conns.push(nc);
      return nc;
    };
    const [admin, responder] = [await login(await user('sys', sys)), await login(await user('svc', exp))];
    await respond(responder, 'svc.hub', 'hub');
    const requester = await connect({ servers: leaf.server.url });
    conns.push(requester);
    const update = async (jwt: string): Promise<void> => {
      const r = await admin.request(`$SYS.REQ.ACCOUNT.${I}.CLAIMS.UPDATE`, sc.encode(jwt), { timeout: 5_000 });
      expect(JSON.parse(sc.decode(r.data))).toMatchObject({ data: { code: 200 } });
    };
    await update(await impJwt(withImport));
    expect(await ask(requester, 'svc.hub', 'e')).toBe('hub:e');
    await update(await impJwt([]));
    // Withdrawn: the leaf has no interest for svc.hub any more and answers no responders itself.
    await waitFor(
      async () =>
        requester.request('svc.hub', sc.encode('f'), { timeout: 1_000 }).then(
          () => false,
          (e: NatsError) => e.code === ErrorCode.NoResponders,
        ),
      15_000,
      'no responders on the leaf',
    );
  });
});
