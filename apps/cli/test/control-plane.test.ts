// The CLI against the real control plane (NestJS on PostgreSQL and Redis, fresh database), and a
// real nats-server configured by `server-config` that resolves accounts from it. The CLI's
// traffic passes a recording proxy, so the test sees every byte the CLI sent.
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect, credsAuthenticator, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type FreshDatabase } from '@switchboard/db';
import { generateMasterKey } from '@switchboard/secrets';
import { createApp, loadConfig } from '@switchboard/control-plane';
import { decode, parseCreds } from '@switchboard/nats-jwt';
import { cli, tempDir } from './helpers.js';
import { REDIS_URL, startNatsServer } from '@switchboard/testing';

const SEED = /S[UAO][A-Z2-7]{56}/;

let fresh: FreshDatabase;
let app: Awaited<ReturnType<typeof createApp>>;
let proxy: Server;
let apiUrl: string;
let direct: string;
let dir: { path: string; remove(): Promise<void> };
let env: Record<string, string>;
const sent: string[] = [];

/** Forwards to the control plane and keeps each request's method, URL and body. */
function recordingProxy(target: string): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      sent.push(`${req.method} ${req.url} ${body.toString('utf8')}`);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      fetch(target + req.url, { method: req.method, headers, body: body.length ? body : undefined })
        .then(async (r) => {
          res.writeHead(r.status, r.statusText, { 'content-type': r.headers.get('content-type') ?? 'text/plain' });
          res.end(Buffer.from(await r.arrayBuffer()));
        })
        .catch(() => res.writeHead(502).end());
    });
  });
}

const run = (args: string[], extra: Record<string, string> = {}) => cli(args, { ...env, ...extra }, dir.path);

beforeAll(async () => {
  dir = await tempDir();
  fresh = await freshDatabase();
  const config = {
    ...loadConfig({ DATABASE_URL: fresh.url, REDIS_URL, SWITCHBOARD_ADMIN_TOKEN_FILE: join(dir.path, 'admin.token') }),
    host: '127.0.0.1',
    port: 0,
  };
  app = await createApp({ ...config, masterKey: generateMasterKey().toString('base64') }, { logger: false });
  await app.listen(0, '127.0.0.1');
  direct = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  proxy = recordingProxy(direct);
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  env = { HOME: dir.path };
}, 60_000);

afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
  await app?.close();
  await fresh?.drop();
  await dir?.remove();
});

describe('switchboard against the control plane', () => {
  let defaultAccount: { id: string; publicKey: string };

  it('signs up and is logged in with the tenant admin token', async () => {
    const r = await run(['signup', '--api', apiUrl, '--email', 'ops@acme.example', '--org', 'Acme', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.tenant).toMatchObject({ name: 'Acme', email: 'ops@acme.example' });
    defaultAccount = res.account;
    const stored = JSON.parse(await readFile(join(dir.path, '.config/switchboard/config.json'), 'utf8'));
    expect(stored).toEqual({ api: apiUrl, token: res.token });
    const again = await run(['signup', '--email', 'ops@acme.example', '--org', 'Acme']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^error: 409 Conflict: /);
  });

  it('lists, creates and shows accounts', async () => {
    const list = JSON.parse((await run(['accounts', 'list', '--json'])).out) as Array<{ id: string; name: string }>;
    expect(list).toEqual([expect.objectContaining({ id: defaultAccount.id, publicKey: defaultAccount.publicKey })]);
    const created = await run(['accounts', 'create', 'second', '--json']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({ name: 'second', publicKey: expect.stringMatching(/^A/) });
    const shown = await run(['accounts', 'show', 'second']);
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/^id +[0-9a-f-]{36}\nname +second\n/);
    expect(shown.out).toMatch(/signing keys\n  PUBLIC KEY +CREATED\n  A[A-Z2-7]{55} /);
    const missing = await run(['accounts', 'show', '00000000-0000-4000-8000-000000000000']);
    expect(missing).toMatchObject({ code: 1, out: '' });
    expect(missing.err).toMatch(/^error: 404 Not Found: .*not found\n$/);
  });

  it('users create: the seed stays local, the .creds is valid and signed for the account', async () => {
    const r = await run([
      'users',
      'create',
      'alice',
      '--account',
      defaultAccount.id,
      '--pub',
      'orders.>',
      '--expires',
      '24h',
      '--out',
      'alice.creds',
      '--json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const creds = parseCreds(await readFile(join(dir.path, 'alice.creds')));
    const claims = decode(creds.jwt).claims as { sub: string; exp?: number; nats: { issuer_account?: string; pub?: { allow?: string[] } } };
    expect(claims.sub).toBe(JSON.parse(r.out).publicKey);
    expect(claims.nats.issuer_account ?? decode(creds.jwt).claims.iss).toBe(defaultAccount.publicKey);
    expect(claims.nats.pub?.allow).toEqual(['orders.>']);
    expect(claims.exp! * 1000).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    for (const s of sent) {
      expect(s).not.toMatch(SEED);
      expect(s).not.toContain(creds.seed);
    }
    expect(sent.some((s) => s.startsWith(`POST /v1/accounts/${defaultAccount.id}/users {`) && s.includes(claims.sub))).toBe(true);
  });

  it("shows the server's validation message for a bad subject", async () => {
    const r = await run(['users', 'create', 'not a name', '--account', 'default', '--out', 'bad.creds']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: 400 Bad Request: /);
    await expect(readFile(join(dir.path, 'bad.creds'))).rejects.toThrow();
    const expiry = await run(['users', 'create', 'later', '--account', 'default', '--expires', 'soon', '--out', 'later.creds']);
    expect(expiry.code).toBe(1);
    expect(expiry.err).toMatch(/^error: 400 Bad Request: .*\n/);
  });

  it('lists and revokes users', async () => {
    const before = JSON.parse((await run(['users', 'list', '--account', defaultAccount.id, '--json'])).out) as Array<{
      name: string;
      revokedAt: string | null;
    }>;
    expect(before).toEqual([expect.objectContaining({ name: 'alice', revokedAt: null })]);
    const rev = await run(['users', 'revoke', 'alice', '--account', defaultAccount.id]);
    expect(rev.code).toBe(0);
    expect(rev.out).toMatch(/^revoked user [0-9a-f-]{36} at \d{4}-\d\d-\d\dT/);
    const after = JSON.parse((await run(['users', 'list', '--account', defaultAccount.id, '--json'])).out) as Array<{ revokedAt: string | null }>;
    expect(after[0]!.revokedAt).toMatch(/^\d{4}-/);
  });

  it('adds, lists and removes exports and imports', async () => {
    const ex = await run(['exports', 'add', '--account', defaultAccount.id, '--subject', 'orders.>', '--type', 'stream', '--json']);
    expect(ex.err).toBe('');
    expect(JSON.parse(ex.out)).toMatchObject({ name: 'orders.all', subject: 'orders.>', type: 'stream' });
    expect((await run(['exports', 'list', '--account', defaultAccount.id])).out).toMatch(/orders\.all +stream +orders\.> +no/);
    const im = await run([
      'imports',
      'add',
      '--account',
      'second',
      '--from',
      defaultAccount.publicKey,
      '--subject',
      'orders.>',
      '--local-subject',
      'acme.orders.>',
      '--type',
      'stream',
      '--json',
    ]);
    expect(im.err).toBe('');
    expect(JSON.parse(im.out)).toMatchObject({ account: defaultAccount.publicKey, subject: 'orders.>', localSubject: 'acme.orders.>' });
    const imports = JSON.parse((await run(['imports', 'list', '--account', 'second', '--json'])).out) as Array<{ id: string }>;
    expect(imports).toHaveLength(1);
    expect((await run(['imports', 'rm', imports[0]!.id, '--account', 'second'])).code).toBe(0);
    expect(JSON.parse((await run(['imports', 'list', '--account', 'second', '--json'])).out)).toEqual([]);
    expect((await run(['exports', 'rm', 'orders.all', '--account', defaultAccount.id])).code).toBe(0);
  });

  it('activates a token-required export for another account, which imports it with the token', async () => {
    const second = JSON.parse((await run(['accounts', 'show', 'second', '--json'])).out) as { publicKey: string };
    expect((await run(['exports', 'add', '--account', 'default', '--subject', 'private.*', '--type', 'service', '--token-required'])).code).toBe(0);
    const act = await run(['exports', 'activate', 'private.any', '--account', 'default', '--importer', second.publicKey]);
    expect(act.err).toBe('');
    const token = act.out.trim();
    const claims = decode(token).claims as { sub: string; nats: { subject: string } };
    expect(claims.sub).toBe(second.publicKey);
    expect(claims.nats.subject).toBe('private.*');
    const im = await run([
      'imports',
      'add',
      '--account',
      'second',
      '--from',
      defaultAccount.publicKey,
      '--subject',
      'private.*',
      '--type',
      'service',
      '--activation',
      token,
    ]);
    expect(im.err).toBe('');
    expect(im.code).toBe(0);
  });

  it('an operator admin logs in with the bootstrap token and sees every tenant', async () => {
    const admin = (await readFile(join(dir.path, 'admin.token'), 'utf8')).trim();
    const cfg = { SWITCHBOARD_CONFIG: join(dir.path, 'admin.json') };
    const login = await run(['login', '--api', apiUrl, '--token', admin], cfg);
    expect(login.err).toBe('');
    expect(login.out).toMatch(/^logged in to http:\/\/127\.0\.0\.1:\d+ \(operator switchboard\)/);
    const all = JSON.parse((await run(['accounts', 'list', '--json'], cfg)).out) as Array<{ id: string }>;
    expect(all.map((a) => a.id)).toContain(defaultAccount.id);
    const bad = await run(['login', '--api', apiUrl, '--token', 'not-a-token'], { SWITCHBOARD_CONFIG: join(dir.path, 'bad.json') });
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^error: 401 Unauthorized: /);
  });

  it("shows plans and an account's JetStream limits (the free plan's, off on a plan without, in nats-server's terms on a JetStream plan)", async () => {
    const admin = (await readFile(join(dir.path, 'admin.token'), 'utf8')).trim();
    const call = (method: string, path: string, body: unknown) =>
      fetch(direct + path, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await run(['accounts', 'show', 'default'])).out).toMatch(/\njetstream\n  memory +64 MiB\n  storage +1 GiB\n  streams +10\n/);
    const tenantId = JSON.parse((await run(['accounts', 'show', 'default', '--json'])).out).tenantId;
    expect((await call('POST', '/v1/plans', { name: 'core', limits: { jsMemoryStorage: 0, jsDiskStorage: 0 } })).status).toBe(201);
    expect((await call('PATCH', `/v1/tenants/${tenantId}`, { plan: 'core' })).status).toBe(200);
    expect((await run(['accounts', 'show', 'default'])).out).toContain('\njetstream\n  jetstream  off (memory and storage are 0)\n');
    const limits = {
      jsMemoryStorage: 1048576,
      jsDiskStorage: 1073741824,
      jsStreams: 10,
      jsConsumers: -1,
      jsMaxAckPending: 1000,
      jsDiskMaxStreamBytes: 268435456,
    };
    expect((await call('POST', '/v1/plans', { name: 'streaming', limits })).status).toBe(201);
    const list = await run(['plans', 'list']);
    expect(list.err).toBe('');
    expect(list.out).toMatch(/^NAME +ACCOUNTS +CONNECTIONS +JETSTREAM +ID\n/);
    expect(list.out).toMatch(/\nfree +3 +100 +64 MiB mem, 1 GiB disk, 10 streams +[0-9a-f-]{36}\n/);
    expect(list.out).toMatch(/\ncore +1 +-1 +off +[0-9a-f-]{36}\n/);
    expect(list.out).toMatch(/\nstreaming +1 +-1 +1 MiB mem, 1 GiB disk, 10 streams +[0-9a-f-]{36}\n/);
    const shown = await run(['plans', 'show', 'streaming']);
    expect(shown.out).toContain(
      [
        'jetstream',
        '  memory                    1 MiB',
        '  storage                   1 GiB',
        '  streams                   10',
        '  consumers                 unlimited',
        '  max ack pending           1000',
        '  memory stream max bytes   unlimited',
        '  storage stream max bytes  256 MiB',
        '  max bytes required        no',
        '',
      ].join('\n'),
    );
    expect(JSON.parse((await run(['plans', 'show', 'streaming', '--json'])).out).limits).toMatchObject(limits);
    expect((await call('PATCH', `/v1/tenants/${tenantId}`, { plan: 'streaming' })).status).toBe(200);
    const account = await run(['accounts', 'show', 'default']);
    expect(account.out).toMatch(/\njetstream\n  memory +1 MiB\n  storage +1 GiB\n  streams +10\n/);
    expect(account.out).not.toMatch(/^  jsMemoryStorage/m);
    expect((await run(['plans', 'show', 'gold'])).err).toBe('error: plan "gold" not found\n');
    const usage = await run(['accounts', 'usage', 'default']);
    expect(usage.err).toBe('');
    expect(usage.out).toMatch(
      /\npeak jetstream storage +0 B\npeak jetstream memory +0 B\npeak streams +0\npeak consumers +0\npeak leaf connections +0 \/ unlimited\n$/,
    );
  });

  it('configures a real nats-server that admits a new user and refuses the revoked one', async () => {
    const conf = join(dir.path, 'nats.conf');
    const sc = await run(['server-config', '--resolver-url', direct]);
    expect(sc.err).toBe('');
    await writeFile(conf, sc.out);
    expect((await run(['users', 'create', 'bob', '--account', defaultAccount.id, '--out', 'bob.creds'])).code).toBe(0);
    const nats = await startNatsServer({ configFile: conf });
    let nc: NatsConnection | undefined;
    try {
      const bob = await readFile(join(dir.path, 'bob.creds'));
      nc = await connect({ servers: nats.url, authenticator: credsAuthenticator(bob), reconnect: false });
      const sub = nc.subscribe('hello', { max: 1 });
      nc.publish('hello', 'world');
      for await (const m of sub) expect(m.string()).toBe('world');
      const alice = await readFile(join(dir.path, 'alice.creds'));
      await expect(connect({ servers: nats.url, authenticator: credsAuthenticator(alice), reconnect: false })).rejects.toThrow(/Authorization Violation/i);
    } finally {
      await nc?.close();
      await nats.stop();
    }
  });
});
