// /metrics of the whole stack in one process (PostgreSQL, Redis/BullMQ, the worker, a broker): a
// tenant signs up, gets a user, connects, is revoked, and a broker that is down is registered;
// the control plane's and the broker's expositions are parsed strictly and their values move.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, credsAuthenticator } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMasterKey } from '@switchboard/secrets';
import { ServerLogger } from '@switchboard/server';
import {
  dropRedisKeys,
  freePort,
  parsePrometheus,
  poll,
  REDIS_URL,
  redisPrefix,
  sampleValue,
  testDatabase,
  type Exposition,
  type TestDatabase,
} from '@switchboard/testing';
import { loadStackConfig, startStack, type RunningStack } from '../src/index.js';
import { signupWithUser } from './tenant.js';

let stack: RunningStack;
let db: TestDatabase;
let dir: string;
const prefix = redisPrefix('stack-metrics');

async function scrape(base: string): Promise<Exposition> {
  const r = await fetch(`${base}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await r.text());
}
const cp = () => scrape(stack.apiUrl);
const value = (m: Exposition, name: string, labels: Record<string, string> = {}) => sampleValue(m, name, labels) ?? 0;

/** Waits until a fresh scrape satisfies `ok`; returns it. */
async function until(ok: (m: Exposition) => boolean, what: string): Promise<Exposition> {
  return poll(
    async () => {
      const m = await cp();
      return ok(m) ? m : undefined;
    },
    15_000,
    what,
  );
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-metrics-'));
  db = await testDatabase();
  const [port, natsPort, natsHttpPort] = [await freePort(), await freePort(), await freePort()];
  const cfg = loadStackConfig({
    PORT: String(port),
    NATS_PORT: String(natsPort),
    NATS_HTTP_PORT: String(natsHttpPort),
    HOST: '127.0.0.1',
    DATA_DIR: path.join(dir, 'data'),
    DATABASE_URL: db.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    SWITCHBOARD_MASTER_KEY: generateMasterKey().toString('base64'),
  });
  const quiet = { info: () => {}, warn: () => {}, error: (m: string) => void process.stderr.write(`[stack] ${m}\n`) };
  stack = await startStack(cfg, { log: quiet, brokerLogger: new ServerLogger({ debug: false, trace: false, time: true, file: path.join(dir, 'broker.log') }) });
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await db?.drop();
  await dropRedisKeys(prefix);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('/metrics on the running stack', () => {
  it('signups, credentials, entity counts, pushes and revocations move; the broker counts the connection', async () => {
    const before = await cp();
    for (const f of [
      'switchboard_tenants',
      'switchboard_accounts',
      'switchboard_users',
      'switchboard_propagation_jobs',
      'switchboard_propagation_dead_letters',
    ])
      expect(before.get(f)?.type, f).toBe('gauge');
    expect(before.get('switchboard_propagation_push_duration_seconds')?.type).toBe('histogram');
    expect(before.get('switchboard_http_request_duration_seconds')?.type).toBe('histogram');
    expect(value(before, 'switchboard_signups_total', { channel: 'api' })).toBe(0);
    const tenants = value(before, 'switchboard_tenants', { status: 'active' });
    const accounts = value(before, 'switchboard_accounts');
    const pushes = value(before, 'switchboard_propagation_push_duration_seconds_count', { result: 'ok' });

    const t = await signupWithUser(stack.apiUrl, `metrics${process.pid}`);
    const m = await until(
      (x) =>
        value(x, 'switchboard_propagation_push_duration_seconds_count', { result: 'ok' }) > pushes && value(x, 'switchboard_users', { state: 'active' }) === 1,
      'the signup counted and its account pushed',
    );
    expect(value(m, 'switchboard_signups_total', { channel: 'api' })).toBe(1);
    expect(value(m, 'switchboard_user_credentials_issued_total')).toBe(1);
    expect(value(m, 'switchboard_tenants', { status: 'active' })).toBe(tenants + 1);
    expect(value(m, 'switchboard_accounts')).toBe(accounts + 1);
    expect(value(m, 'switchboard_http_request_duration_seconds_count', { method: 'POST', route: '/v1/accounts/:id/users', status_code: '201' })).toBe(1);

    const nc = await connect({ servers: stack.natsUrl, authenticator: credsAuthenticator(new TextEncoder().encode(t.creds)), reconnect: false });
    nc.publish('hello', new Uint8Array(10));
    await nc.flush();
    const b = await scrape(stack.monitorUrl);
    expect(value(b, 'switchboard_broker_account_connections', { account: t.accountKey })).toBe(1);
    expect(value(b, 'switchboard_broker_account_in_bytes_total', { account: t.accountKey })).toBe(10);

    const revoke = await fetch(`${stack.apiUrl}/v1/accounts/${t.accountId}/users/${t.userId}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}` },
    });
    expect(revoke.status).toBe(200);
    await nc.closed(); // the re-signed account JWT reached the broker
    const r = await until((x) => value(x, 'switchboard_users', { state: 'revoked' }) === 1, 'the revoked user counted');
    expect(value(r, 'switchboard_revocations_total', { kind: 'user' })).toBe(1);
    expect(value(r, 'switchboard_users', { state: 'active' })).toBe(0);
  });

  it('a broker that is down: failed pushes are counted and their jobs wait out a retry', async () => {
    const admin = fs.readFileSync(stack.adminTokenFile, 'utf8').trim();
    const t = await signupWithUser(stack.apiUrl, `metricsdown${process.pid}`);
    const call = (method: string, url: string, body: unknown) =>
      fetch(`${stack.apiUrl}${url}`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await call('POST', '/v1/brokers', { name: 'down', url: `nats://127.0.0.1:${await freePort()}` })).status).toBe(201);
    // The worker re-reads the broker list at most every 2 s: re-sign the account now and then
    // (a limits override queues its JWT) until a push has gone to the new broker and failed.
    let resigned = 0;
    const m = await poll(
      async () => {
        const x = await cp();
        if (value(x, 'switchboard_propagation_push_failures_total') > 0 && value(x, 'switchboard_propagation_jobs', { state: 'retrying' }) > 0) return x;
        if (Date.now() - resigned > 500) {
          resigned = Date.now();
          expect((await call('PATCH', `/v1/accounts/${t.accountId}`, { limits: { maxSubscriptions: 1000 + (resigned % 1000) } })).status).toBe(200);
        }
        return undefined;
      },
      20_000,
      'failed pushes and retrying jobs',
    );
    expect(value(m, 'switchboard_propagation_push_duration_seconds_count', { result: 'failed' })).toBe(value(m, 'switchboard_propagation_push_failures_total'));
  });
});
