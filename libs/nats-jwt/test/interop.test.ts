import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, credsAuthenticator, jwtAuthenticator, type NatsConnection } from 'nats';
import * as v3 from '@nats-io/transport-node';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';
import {
  authorizeUser,
  checkActivation,
  newActivationClaims,
  encode,
  formatCreds,
  newAccountClaims,
  newOperatorClaims,
  newScopedUserClaims,
  newUserClaims,
  newUserScope,
  trustOperators,
  decode,
  type AccountClaims,
  type UserClaims,
} from '../src/index.js';
import { operatorModeConfig, startNatsServer, type RunningServer } from '@switchboard/testing';
import { seedOf } from './helpers.js';

// JWTs and .creds made here, judged by the real nats-server and by authorizeUser side by side.

const operator = createOperator();
const operatorSigner = createOperator();
const sys = createAccount();
const acct = createAccount();
const acctSigner = createAccount();
const scopedKey = createAccount();
const now = Date.now();

const oc = newOperatorClaims(operator.getPublicKey(), 'switchboard-test');
oc.nats.signing_keys = [operatorSigner.getPublicKey()];
oc.nats.system_account = sys.getPublicKey();
const operatorJwt = encode(oc, operator, { now });
const sysJwt = encode(newAccountClaims(sys.getPublicKey(), 'SYS'), operatorSigner, { now });

interface TestUser {
  kp: KeyPair;
  jwt: string;
  creds: string;
}
function makeUser(name: string, edit: (c: UserClaims) => void = () => {}, signer: KeyPair = acct, scoped = false): TestUser {
  const kp = createUser();
  const c = scoped ? newScopedUserClaims(kp.getPublicKey(), acct.getPublicKey(), name) : newUserClaims(kp.getPublicKey(), name);
  edit(c);
  const jwt = encode(c, signer, { now });
  return { kp, jwt, creds: formatCreds(jwt, seedOf(kp)) };
}

const alice = makeUser('alice');
const viaSigner = makeUser('sam', (c) => (c.nats.issuer_account = acct.getPublicKey()), acctSigner);
const scoped = makeUser('carol', () => {}, scopedKey, true);
const revoked = makeUser('rick');
const expired = makeUser('eve', (c) => (c.exp = Math.floor(now / 1000) - 30));
const notYet = makeUser('nia', (c) => (c.nbf = Math.floor(now / 1000) + 3600));
const wrongSrc = makeUser('sid', (c) => (c.nats.src = ['10.99.0.0/16']));
const wsOnly = makeUser('wes', (c) => (c.nats.allowed_connection_types = ['WEBSOCKET']));
const hour = new Date(now).getUTCHours();
const pad = (h: number) => String(h % 24).padStart(2, '0');
const offHours = makeUser(
  'otto',
  (c) => ((c.nats.times = [{ start: `${pad(hour + 6)}:00:00`, end: `${pad(hour + 7)}:00:00` }]), (c.nats.times_location = 'UTC')),
);
const bearer = makeUser('bea', (c) => (c.nats.bearer_token = true));
const unknownSigner = makeUser('uma', (c) => (c.nats.issuer_account = acct.getPublicKey()), createAccount());
const forged = (() => {
  const [h, p, s] = alice.jwt.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  claims.nats.pub = { allow: ['>'] };
  claims.name = 'mallory';
  const jwt = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
  return { kp: alice.kp, jwt, creds: formatCreds(jwt, seedOf(alice.kp)) };
})();

// Service import with an activation token: beta holds a good token, gamma one issued to beta.
const beta = createAccount();
const gamma = createAccount();
const helpToken = encode(newActivationClaims(beta.getPublicKey(), 'help', 'service'), acct, { now });
function importerJwt(kp: KeyPair, name: string, token: string): string {
  const c = newAccountClaims(kp.getPublicKey(), name);
  c.nats.imports = [{ name: 'help', subject: 'help', account: acct.getPublicKey(), type: 'service', token }];
  return encode(c, operatorSigner, { now });
}
const betaJwt = importerJwt(beta, 'beta', helpToken);
const gammaJwt = importerJwt(gamma, 'gamma', helpToken);
function accountUser(kp: KeyPair, name: string): TestUser {
  const u = createUser();
  const jwt = encode(newUserClaims(u.getPublicKey(), name), kp, { now });
  return { kp: u, jwt, creds: formatCreds(jwt, seedOf(u)) };
}

const ac = newAccountClaims(acct.getPublicKey(), 'acme');
ac.nats.exports = [{ name: 'help', subject: 'help', type: 'service', token_req: true }];
ac.nats.signing_keys = [
  acctSigner.getPublicKey(),
  newUserScope(scopedKey.getPublicKey(), 'team', { pub: { allow: ['{{name()}}.>'] }, sub: { allow: ['{{name()}}.>', '_INBOX.>'] } }),
];
ac.nats.revocations = { [revoked.kp.getPublicKey()]: Math.floor(now / 1000) };
const acctJwt = encode(ac, operatorSigner, { now });

let server: RunningServer;
const open: NatsConnection[] = [];

async function dial(u: TestUser): Promise<NatsConnection> {
  const nc = await connect({
    servers: server.url,
    authenticator: credsAuthenticator(new TextEncoder().encode(u.creds)),
    reconnect: false,
    maxReconnectAttempts: 0,
    timeout: 5000,
  });
  open.push(nc);
  return nc;
}

async function serverVerdict(u: TestUser): Promise<string> {
  try {
    await dial(u);
    return 'ok';
  } catch (e) {
    return String((e as { code?: string }).code ?? e);
  }
}

function ourVerdict(u: TestUser): string {
  const nonce = 'interop-nonce-1';
  const sig = Buffer.from(u.kp.sign(Buffer.from(nonce))).toString('base64url');
  const r = authorizeUser({ userJwt: u.jwt, accountJwt: acctJwt, trust: trustOperators([operatorJwt]), nonce, sig, clientIp: '127.0.0.1' });
  return r.ok ? 'ok' : r.code;
}

beforeAll(async () => {
  const preload = { [sys.getPublicKey()]: sysJwt, [acct.getPublicKey()]: acctJwt, [beta.getPublicKey()]: betaJwt, [gamma.getPublicKey()]: gammaJwt };
  server = await startNatsServer({ config: operatorModeConfig({ operatorJwt, systemAccount: sys.getPublicKey(), resolver: 'resolver: MEMORY', preload }) });
});

afterAll(async () => {
  await Promise.all(open.map((nc) => nc.close().catch(() => {})));
  await server?.stop();
});

describe('real nats-server in operator mode accepts what we issue', () => {
  it('a user of the account connects with our .creds and messages flow', async () => {
    const a = await dial(alice);
    const sub = a.subscribe('greet');
    const got = (async () => {
      for await (const m of sub) return m.string();
      return undefined;
    })();
    await a.flush();
    const b = await dial(viaSigner);
    b.publish('greet', 'hello');
    await b.flush();
    expect(await got).toBe('hello');
  });

  it('the v3 client (@nats-io/transport-node) connects with our .creds too', async () => {
    const nc = await v3.connect({ servers: server.url, authenticator: v3.credsAuthenticator(new TextEncoder().encode(viaSigner.creds)), reconnect: false });
    try {
      const sub = nc.subscribe('v3.echo', { callback: (_e, m) => void m.respond(m.data) });
      await nc.flush();
      expect((await nc.request('v3.echo', 'ping', { timeout: 5000 })).string()).toBe('ping');
      sub.unsubscribe();
    } finally {
      await nc.close();
    }
  });

  it('a user of a scoped signing key gets the scope template, enforced by the server', async () => {
    const watcher = await dial(alice);
    const seen: string[] = [];
    let doneResolve!: () => void;
    const done = new Promise<void>((r) => (doneResolve = r));
    watcher.subscribe('bob.x', { callback: (_e, m) => seen.push(m.subject) });
    watcher.subscribe('carol.done', { callback: (_e, m) => (seen.push(m.subject), doneResolve()) });
    await watcher.flush();
    const c = await dial(scoped);
    c.publish('bob.x'); // outside the template: dropped by the server
    c.publish('carol.done'); // same connection, so it arrives after bob.x would have
    await done;
    expect(seen).toEqual(['carol.done']);
    expect(ourVerdict(scoped)).toBe('ok');
  });

  it.each([
    ['revoked user', revoked, 'user_revoked'],
    ['expired user', expired, 'user_expired'],
    ['user signed by a key the account does not list', unknownSigner, 'user_issuer_unknown'],
    ['user JWT with a forged payload', forged, 'user_jwt_invalid'],
    ['not yet valid user', notYet, 'user_not_yet_valid'],
    ['user whose src CIDRs exclude the client', wrongSrc, 'source_not_allowed'],
    ['websocket-only user on a plain connection', wsOnly, 'connection_type_not_allowed'],
    ['user outside its connect times', offHours, 'outside_connect_times'],
  ] as const)('refuses a %s, as authorizeUser does', async (_what, u, code) => {
    expect(await serverVerdict(u)).toBe('AUTHORIZATION_VIOLATION');
    expect(ourVerdict(u)).toBe(code);
  });

  it('a bearer-token user connects with the JWT alone (no seed, no nonce signature)', async () => {
    const nc = await connect({ servers: server.url, authenticator: jwtAuthenticator(bearer.jwt), reconnect: false, maxReconnectAttempts: 0 });
    open.push(nc);
    await nc.flush();
    const r = authorizeUser({ userJwt: bearer.jwt, accountJwt: acctJwt, trust: trustOperators([operatorJwt]), nonce: 'whatever' });
    expect(r).toMatchObject({ ok: true, bearer: true });
  });

  it('accepts the good users in authorizeUser too', () => {
    expect([alice, viaSigner, scoped].map(ourVerdict)).toEqual(['ok', 'ok', 'ok']);
  });

  it('honours our activation token for a service import; refuses an account holding a token made out to another', async () => {
    const svc = await dial(alice);
    svc.subscribe('help', { callback: (_e, m) => m.respond(new TextEncoder().encode('at your service')) });
    await svc.flush();
    const b = await dial(accountUser(beta, 'bob'));
    expect(new TextDecoder().decode((await b.request('help', undefined, { timeout: 5000 })).data)).toBe('at your service');
    // nats-server refuses the whole importing account when its activation token is not made out to it.
    const gina = accountUser(gamma, 'gina');
    expect(await serverVerdict(gina)).toBe('AUTHORIZATION_VIOLATION');
    const sig = Buffer.from(gina.kp.sign(Buffer.from('n0nce'))).toString('base64url');
    const ours = authorizeUser({ userJwt: gina.jwt, accountJwt: gammaJwt, trust: trustOperators([operatorJwt]), nonce: 'n0nce', sig });
    expect(ours).toMatchObject({ ok: false, code: 'account_claims_invalid' });
    const exporter = decode<AccountClaims>(acctJwt).claims;
    const imp = (jwt: string) => decode<AccountClaims>(jwt).claims.nats.imports![0]!;
    expect(checkActivation({ importer: beta.getPublicKey(), import: imp(betaJwt), exporter })).toMatchObject({ ok: true });
    expect(checkActivation({ importer: gamma.getPublicKey(), import: imp(gammaJwt), exporter })).toMatchObject({ ok: false, code: 'activation_wrong_account' });
  });
});
