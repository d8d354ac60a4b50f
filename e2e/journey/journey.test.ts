// The tenant journey, end to end with real parts: the stack process (control plane + worker +
// broker) on a fresh PostgreSQL database and the machine's Redis, the `switchboard` CLI as a
// child process, the official NATS clients (nats.js v2 and v3), and the real nats-server
// configured by `switchboard server-config`. Steps run in order and share state.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { connect as connectV3, credsAuthenticator as credsV3 } from '@nats-io/transport-node';
import { connect, credsAuthenticator, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type FreshDatabase } from '@switchboard/db';
import {
  dropRedisKeys,
  freePort,
  poll,
  REDIS_URL,
  redisPrefix,
  runCli,
  startNatsServer,
  startStackProcess,
  type Child,
  type CliResult,
  type RunningServer,
} from '@switchboard/testing';

const QUEUE_PREFIX = redisPrefix('sb-journey');

let db: FreshDatabase;
let work: string;
let stack: Child;
let started = false;
let api: string;
let natsUrl: string;
let adminToken: string;
let natsServer: RunningServer | undefined;
let natsServerUrl: string;
const open: NatsConnection[] = [];

const tenants = {
  admin: { config: '', creds: '', accountKey: '' },
  alice: { config: '', creds: '', accountKey: '' },
  bob: { config: '', creds: '', accountKey: '' },
};

/** The CLI as one user: each has their own config file (stored API URL and token). */
function run(who: keyof typeof tenants, args: string[]): Promise<CliResult> {
  return runCli(args, { SWITCHBOARD_CONFIG: tenants[who].config }, work);
}

function ok(r: CliResult): string {
  expect(r.stderr, `CLI failed (exit ${r.code})`).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

async function natsConnect(servers: string, credsFile: string): Promise<NatsConnection> {
  const nc = await connect({ servers, authenticator: credsAuthenticator(readFileSync(credsFile)), reconnect: false, timeout: 5000 });
  open.push(nc);
  return nc;
}

/** Resolves with the error a refused connection attempt gives. */
async function refusal(servers: string, credsFile: string): Promise<Error> {
  try {
    const nc = await natsConnect(servers, credsFile);
    await nc.close();
  } catch (e) {
    return e as Error;
  }
  throw new Error(`a connection to ${servers} with ${path.basename(credsFile)} was accepted`);
}

async function pubSubRoundTrip(nc: NatsConnection, subject: string): Promise<string> {
  const sub = nc.subscribe(subject, { max: 1 });
  await nc.flush();
  nc.publish(subject, `hello ${subject}`);
  for await (const m of sub) return m.string();
  throw new Error('subscription ended without a message');
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'sb-journey-'));
  db = await freshDatabase();
  const [port, nats, http] = [await freePort(), await freePort(), await freePort()];
  api = `http://127.0.0.1:${port}`;
  natsUrl = `nats://127.0.0.1:${nats}`;
  for (const t of Object.keys(tenants) as Array<keyof typeof tenants>) {
    tenants[t].config = path.join(work, `${t}-cli.json`);
    tenants[t].creds = path.join(work, `${t}.creds`);
  }
  stack = startStackProcess({
    PORT: String(port),
    NATS_PORT: String(nats),
    NATS_HTTP_PORT: String(http),
    HOST: '127.0.0.1',
    DATA_DIR: path.join(work, 'data'),
    DATABASE_URL: db.url,
    REDIS_URL,
    QUEUE_PREFIX,
    SWITCHBOARD_MASTER_KEY: randomBytes(32).toString('base64'),
    SWITCHBOARD_MASTER_KEY_FILE: '',
    SWITCHBOARD_ADMIN_TOKEN: '',
  });
  await stack.waitFor(/Switchboard is running\./, 90_000);
  started = true;
  adminToken = readFileSync(path.join(work, 'data', 'admin-token'), 'utf8').trim();
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(open.map((nc) => nc.close()));
  await natsServer?.stop();
  const code = await stack?.stop();
  await db?.drop();
  await dropRedisKeys(QUEUE_PREFIX);
  rmSync(work, { recursive: true, force: true });
  // Checked last so cleanup always runs: SIGTERM is a clean stop.
  if (started) expect(code).toBe(0);
}, 60_000);

describe('tenant journey', () => {
  it('the stack prints where everything is and how to log in', () => {
    const out = stack.output();
    expect(out).toContain(`control plane   ${api}`);
    expect(out).toContain(`NATS broker     ${natsUrl}`);
    expect(out).toMatch(/admin token +in .*admin-token/);
    expect(out).toContain(`npm run cli -- login --api ${api}`);
    expect(adminToken).toMatch(/^eyJ/);
  });

  it('the operator admin logs in as the banner says', async () => {
    const out = ok(await run('admin', ['login', '--api', api, '--token', adminToken]));
    expect(out).toMatch(new RegExp(`^logged in to ${api.replace(/\./g, '\\.')} \\(operator switchboard\\)`));
  });

  it('signs up two tenants over POST /v1/signup (CLI)', async () => {
    for (const [t, org] of [
      ['alice', 'acme'],
      ['bob', 'globex'],
    ] as const) {
      const res = JSON.parse(ok(await run(t, ['signup', '--api', api, '--email', `${t}@example.com`, '--org', org, '--json'])));
      expect(res.tenant.name).toBe(org);
      expect(res.account.publicKey).toMatch(/^A[A-Z2-7]{55}$/);
      expect(res.token).toMatch(/^eyJ/);
      tenants[t].accountKey = res.account.publicKey;
    }
    expect(tenants.alice.accountKey).not.toBe(tenants.bob.accountKey);
  });

  it('writes alice.creds and bob.creds with a locally made user key', async () => {
    for (const t of ['alice', 'bob'] as const) {
      const res = JSON.parse(ok(await run(t, ['users', 'create', t, '--out', tenants[t].creds, '--json'])));
      expect(res.publicKey).toMatch(/^U/);
      const text = readFileSync(tenants[t].creds, 'utf8');
      expect(text).toContain('-----BEGIN NATS USER JWT-----');
      expect(text).toContain('-----BEGIN USER NKEY SEED-----');
      expect(statSync(tenants[t].creds).mode & 0o777).toBe(0o600);
    }
  });

  it('alice does pub/sub and request/reply on the broker with official clients', async () => {
    const nc = await natsConnect(natsUrl, tenants.alice.creds);
    expect(await pubSubRoundTrip(nc, 'greetings.alice')).toBe('hello greetings.alice');

    // The responder is the v3 client; the requester the v2 client, both with alice.creds.
    const responder = await connectV3({ servers: natsUrl, authenticator: credsV3(readFileSync(tenants.alice.creds)), reconnect: false });
    try {
      responder.subscribe('time.now', { callback: (_e, m) => void m.respond(`answer to ${m.string()}`) });
      await responder.flush();
      const reply = await nc.request('time.now', 'alice', { timeout: 5000 });
      expect(reply.string()).toBe('answer to alice');
    } finally {
      await responder.close();
    }
  });

  it("a second tenant cannot see the first tenant's messages", async () => {
    const alice = await natsConnect(natsUrl, tenants.alice.creds);
    const bob = await natsConnect(natsUrl, tenants.bob.creds);
    const seenByBob: string[] = [];
    const all = bob.subscribe('>', { callback: (_e, m) => void seenByBob.push(m.subject) });
    await bob.flush();

    // Alice's own subscriber proves the message was routed; bob's marker, published after it,
    // proves bob's connection has been served past that point.
    expect(await pubSubRoundTrip(alice, 'orders.created')).toBe('hello orders.created');
    bob.publish('bob.marker', '');
    await poll(async () => (seenByBob.includes('bob.marker') ? true : undefined), 5000, 'bob sees his own marker');
    expect(seenByBob).toEqual(['bob.marker']);
    all.unsubscribe();

    // Nor can bob answer alice's requests: no responder in alice's account.
    bob.subscribe('time.now', { callback: (_e, m) => m.respond('from bob') });
    await bob.flush();
    await expect(alice.request('time.now', '', { timeout: 1000 })).rejects.toThrow(/503|no responders/i);
  });

  it('the same alice.creds works against the real nats-server configured by `switchboard server-config`', async () => {
    const conf = path.join(work, 'nats-server.conf');
    writeFileSync(conf, ok(await run('alice', ['server-config'])));
    natsServer = await startNatsServer({ configFile: conf });
    natsServerUrl = natsServer.url;
    const nc = await natsConnect(natsServerUrl, tenants.alice.creds);
    expect(await pubSubRoundTrip(nc, 'greetings.reference')).toBe('hello greetings.reference');
    const responder = await natsConnect(natsServerUrl, tenants.alice.creds);
    responder.subscribe('echo', { callback: (_e, m) => m.respond(m.data) });
    await responder.flush();
    expect((await nc.request('echo', 'ping', { timeout: 5000 })).string()).toBe('ping');

    // Registered as a broker, it gets account JWT pushes from the worker too.
    const res = await fetch(`${api}/v1/brokers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'reference', url: natsServerUrl }),
    });
    expect(res.status).toBe(201);
  });

  let referenceClosedAt = 0;

  it("users revoke: alice's broker connection is closed within 1 s, and she is refused", async () => {
    const onBroker = await natsConnect(natsUrl, tenants.alice.creds);
    const onReference = await natsConnect(natsServerUrl, tenants.alice.creds);
    let brokerClosedAt = 0;
    void onBroker.closed().then(() => (brokerClosedAt = Date.now()));
    void onReference.closed().then(() => (referenceClosedAt = Date.now()));

    const res = JSON.parse(ok(await run('alice', ['users', 'revoke', 'alice', '--json'])));
    // Measured from the answer: revokedAt is in whole seconds (as the JWT's revocation entry), so
    // counting from it left anywhere between 0 and 1000 ms for the push.
    const answeredAt = Date.now();
    expect(Number.isFinite(Date.parse(res.revokedAt))).toBe(true);

    await poll(async () => (brokerClosedAt ? true : undefined), 10_000, 'the broker closes alice');
    expect(brokerClosedAt - answeredAt).toBeLessThanOrEqual(1000);
    expect((await refusal(natsUrl, tenants.alice.creds)).message).toMatch(/authorization violation/i);
  });

  it('the running nats-server got the same push: alice is cut and refused there too', async () => {
    await poll(async () => (referenceClosedAt ? true : undefined), 10_000, 'nats-server closes alice');
    expect((await refusal(natsServerUrl, tenants.alice.creds)).message).toMatch(/authorization violation/i);
  });

  it('a nats-server started after the revocation resolves the new account JWT: alice refused, bob connects', async () => {
    await natsServer!.stop();
    natsServer = await startNatsServer({ configFile: path.join(work, 'nats-server.conf'), port: Number(new URL(natsServerUrl).port) });
    expect((await refusal(natsServerUrl, tenants.alice.creds)).message).toMatch(/authorization violation/i);
    const bob = await natsConnect(natsServerUrl, tenants.bob.creds);
    expect(await pubSubRoundTrip(bob, 'still.here')).toBe('hello still.here');
  });
});
