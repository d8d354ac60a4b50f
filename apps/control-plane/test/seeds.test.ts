// Proof that no seed leaves the control plane: every route that makes, uses or rotates keys is
// exercised (plus the admin-token command as a real process), then every seed the database holds is
// opened with the master key and searched for in all response bodies, log lines, stdout/stderr and
// audit rows, along with anything shaped like an operator/account/user seed.
import type { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createAccount, createUser } from '@nats-io/nkeys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type Database, type FreshDatabase } from '@switchboard/db';
import { RecordingPropagationQueue } from '@switchboard/issuer';
import { generateMasterKey, openSeed, type Keyring } from '@switchboard/secrets';
import { createApp, loadConfig } from '@switchboard/control-plane';
import { DATABASE, KEYRING } from '../src/tokens.js';
import { REDIS_URL, startControlPlaneProcess } from '@switchboard/testing';

/** The brief's pattern: an operator, account or user seed anywhere in the text. */
const SEED_SHAPE = /S[OAU][A-Z2-7]{56}/;

class CaptureLogger implements LoggerService {
  constructor(private readonly lines: string[]) {}
  private add(args: unknown[]) {
    this.lines.push(args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  }
  log(...a: unknown[]) {
    this.add(a);
  }
  error(...a: unknown[]) {
    this.add(a);
  }
  warn(...a: unknown[]) {
    this.add(a);
  }
  debug(...a: unknown[]) {
    this.add(a);
  }
  verbose(...a: unknown[]) {
    this.add(a);
  }
}

/** Runs `main.ts admin-token` against the database; returns everything it wrote. */
async function adminTokenCommand(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const c = startControlPlaneProcess(['admin-token'], env);
  const code = await c.exited;
  return { code, output: c.output() };
}

describe('seeds never leave the control plane', { timeout: 120_000 }, () => {
  let fresh: FreshDatabase;
  let app: NestFastifyApplication;
  const masterKey = generateMasterKey().toString('base64');
  const texts: { where: string; text: string }[] = [];
  /** Seeds the test made itself and sent by mistake (a client pasting a seed): must not be echoed either. */
  const clientSeeds: string[] = [];
  let admin = '';

  const call = async (method: string, url: string, token?: string, payload?: unknown) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    texts.push({ where: `${method} ${url} -> ${res.statusCode}`, text: `${JSON.stringify(res.headers)}\n${res.body}` });
    return { status: res.statusCode, body: res.body.startsWith('{') ? JSON.parse(res.body) : res.body };
  };

  beforeAll(async () => {
    fresh = await freshDatabase();
    const logs: string[] = [];
    // No SWITCHBOARD_ADMIN_TOKEN_FILE: the first start prints the admin token on stdout, captured here.
    const config = loadConfig({ DATABASE_URL: fresh.url, REDIS_URL, SWITCHBOARD_ACCOUNT_SERVER_URL: 'http://127.0.0.1:9/jwt/v1' });
    let stdout = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      app = await createApp({ ...config, masterKey }, { logger: new CaptureLogger(logs), propagation: new RecordingPropagationQueue() });
    } finally {
      process.stdout.write = write;
    }
    admin = /SWITCHBOARD_OPERATOR_ADMIN_TOKEN=(\S+)/.exec(stdout)?.[1] ?? '';
    texts.push({ where: 'stdout at bootstrap', text: stdout }, { where: 'logs', text: logs.join('\n') });
    // Keep a live view of the log lines (later calls append to the same array).
    texts.push({
      where: 'logs (live)',
      get text() {
        return logs.join('\n');
      },
    } as { where: string; text: string });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await fresh?.drop();
  });

  it('exercises every route that touches keys', async () => {
    expect(admin.split('.')).toHaveLength(3);
    expect((await call('GET', '/v1/operator', admin)).status).toBe(200);
    expect((await call('GET', '/jwt/v1/operator')).status).toBe(200);

    const a = (await call('POST', '/v1/signup', undefined, { email: 'a@seeds.example', organization: 'A' })).body;
    const b = (await call('POST', '/v1/signup', undefined, { email: 'b@seeds.example', organization: 'B' })).body;
    expect(a.token && b.token).toBeTruthy();
    const second = await call('POST', '/v1/accounts', a.token, { name: 'second' });
    expect(second.status).toBe(201);
    for (const id of [a.account.id, second.body.id]) {
      expect((await call('GET', `/v1/accounts/${id}`, a.token)).status).toBe(200);
      expect((await call('GET', `/v1/accounts/${id}/jwt`, a.token)).status).toBe(200);
    }
    expect((await call('GET', `/jwt/v1/accounts/${a.account.publicKey}`)).status).toBe(200);
    expect((await call('PATCH', `/v1/accounts/${a.account.id}`, admin, { limits: { maxConnections: 9 } })).status).toBe(200);

    // Signing keys: add, rotate, revoke.
    const added = await call('POST', `/v1/accounts/${a.account.id}/signing-keys`, a.token);
    expect(added.status).toBe(201);
    const rotated = await call('POST', `/v1/accounts/${a.account.id}/signing-keys?rotate=true`, a.token);
    expect(rotated.status).toBe(201);
    const extra = await call('POST', `/v1/accounts/${a.account.id}/signing-keys`, a.token);
    expect((await call('DELETE', `/v1/accounts/${a.account.id}/signing-keys/${extra.body.publicKey}`, a.token)).status).toBe(204);

    // Users: issued from client-made public keys, read back, revoked; a pasted seed is refused unechoed.
    const u = createUser();
    const user = await call('POST', `/v1/accounts/${a.account.id}/users`, a.token, {
      name: 'u1',
      publicKey: u.getPublicKey(),
      permissions: { pub: { allow: ['x.>'] } },
    });
    expect(user.status).toBe(201);
    expect((await call('GET', `/v1/accounts/${a.account.id}/users/${user.body.id}`, a.token)).status).toBe(200);
    expect((await call('GET', `/v1/accounts/${a.account.id}/users`, a.token)).status).toBe(200);
    expect((await call('POST', `/v1/accounts/${a.account.id}/users/${user.body.id}/revoke`, a.token)).status).toBe(200);
    const pasted = new TextDecoder().decode(createUser().getSeed());
    clientSeeds.push(pasted, new TextDecoder().decode(u.getSeed()));
    expect((await call('POST', `/v1/accounts/${a.account.id}/users`, a.token, { name: 'oops', publicKey: pasted })).status).toBe(400);
    const pastedAccount = new TextDecoder().decode(createAccount().getSeed());
    clientSeeds.push(pastedAccount);
    expect((await call('DELETE', `/v1/accounts/${a.account.id}/signing-keys/${pastedAccount}`, a.token)).status).toBeGreaterThanOrEqual(400);

    // Exports, activation tokens (signed with the exporter's key), imports.
    const exp = await call('POST', `/v1/accounts/${a.account.id}/exports`, a.token, { name: 'help', subject: 'help.>', type: 'service', tokenRequired: true });
    expect(exp.status).toBe(201);
    const act = await call('POST', `/v1/accounts/${a.account.id}/exports/${exp.body.id}/activations`, a.token, {
      importer: b.account.publicKey,
      expiresIn: '1d',
    });
    expect(act.status).toBe(201);
    const imp = await call('POST', `/v1/accounts/${b.account.id}/imports`, b.token, {
      name: 'help',
      account: a.account.publicKey,
      subject: 'help.>',
      localSubject: 'a.help.>',
      type: 'service',
      token: act.body.token,
    });
    expect(imp.status).toBe(201);
    expect(
      (await call('POST', `/v1/accounts/${b.account.id}/imports`, b.token, { name: 'bad', account: pastedAccount, subject: 'x', type: 'stream' })).status,
    ).toBe(400);

    // Tokens, tenant suspension/resume (re-signs), brokers (queues all), audit, metrics, deletion.
    expect((await call('POST', '/v1/tokens', a.token, { name: 'ci', role: 'tenant_member' })).status).toBe(201);
    expect((await call('PATCH', `/v1/tenants/${b.tenant.id}`, admin, { status: 'suspended' })).status).toBe(200);
    expect((await call('PATCH', `/v1/tenants/${b.tenant.id}`, admin, { status: 'active' })).status).toBe(200);
    expect((await call('POST', '/v1/brokers', admin, { name: 'n1', url: 'nats://127.0.0.1:4222' })).status).toBe(201);
    expect((await call('GET', '/v1/audit?limit=500', admin)).status).toBe(200);
    expect((await call('GET', '/metrics')).status).toBe(200);
    expect((await call('DELETE', `/v1/accounts/${second.body.id}`, a.token)).status).toBe(204);

    // The admin-token command as a real process (another operator-admin token, printed on stdout).
    const cmd = await adminTokenCommand({ DATABASE_URL: fresh.url, REDIS_URL, SWITCHBOARD_MASTER_KEY: masterKey });
    expect(cmd.code, cmd.output).toBe(0);
    expect(cmd.output.trim().split('\n').at(-1)!.split('.')).toHaveLength(3);
    texts.push({ where: 'admin-token command output', text: cmd.output });
  });

  it('finds none of the database seeds, nor anything seed-shaped, in any body, log line, output or audit row', async () => {
    const db = app.get<symbol, Database>(DATABASE, { strict: false });
    const keyring = app.get<symbol, Keyring>(KEYRING, { strict: false });
    const p = db.prisma;
    const sealed: { publicKey: string; seedEnc: Uint8Array }[] = [];
    // Seeds are omitted from query results unless asked for (omitSeeds): ask.
    for (const o of await p.operator.findMany({ omit: { seedEnc: false, systemUserSeedEnc: false } })) {
      sealed.push(o);
      if (o.systemUserPublicKey && o.systemUserSeedEnc) sealed.push({ publicKey: o.systemUserPublicKey, seedEnc: o.systemUserSeedEnc });
    }
    sealed.push(
      ...(await p.operatorSigningKey.findMany({ omit: { seedEnc: false } })),
      ...(await p.account.findMany({ omit: { seedEnc: false } })),
      ...(await p.accountSigningKey.findMany({ omit: { seedEnc: false } })),
    );
    const seeds = sealed.map((s) => new TextDecoder().decode(openSeed(keyring, s.publicKey, s.seedEnc)));
    // operator + its signing key + system user + system account + 2 signed-up accounts (the deleted one is gone) + 3 live signing keys at least
    expect(seeds.length).toBeGreaterThanOrEqual(8);
    for (const s of seeds) expect(s).toMatch(/^S[OAU][A-Z2-7]{56}$/);

    const audit = await p.auditLog.findMany();
    expect(audit.length).toBeGreaterThan(10);
    const all = [...texts, { where: 'audit rows', text: JSON.stringify(audit, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) }];
    expect(all.length).toBeGreaterThan(30);
    // The probe works: a seed in a text would be found.
    expect(`x${seeds[0]}x`).toMatch(SEED_SHAPE);
    for (const { where, text } of all) {
      for (const s of [...seeds, ...clientSeeds]) expect(text.includes(s), `seed found in ${where}`).toBe(false);
      expect(SEED_SHAPE.test(text), `seed-shaped text in ${where}`).toBe(false);
    }
  });
});
