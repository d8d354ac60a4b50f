// `npm start`'s entry as a process: embedded PGlite under DATA_DIR, the machine's Redis, and
// clear one-line failures for a busy port or a missing Redis.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, credsAuthenticator } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { decode, type OperatorClaims } from '@switchboard/nats-jwt';
import { dropRedisKeys, freePort, NATS_SERVER_BIN, REDIS_URL, redisPrefix, startChild, startStackProcess, startTsx, TSX_NODE_ARGS } from '@switchboard/testing';
import { signupWithUser } from './tenant.js';

const dirs: string[] = [];
afterAll(async () => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  await dropRedisKeys(base.QUEUE_PREFIX);
});

async function ports(): Promise<{ PORT: string; NATS_PORT: string; NATS_HTTP_PORT: string }> {
  return { PORT: String(await freePort()), NATS_PORT: String(await freePort()), NATS_HTTP_PORT: String(await freePort()) };
}

function scratch(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'sb-stack-'));
  dirs.push(d);
  return d;
}

// A developer's DATABASE_URL or master key must not turn these into non-embedded runs.
const base = { HOST: '127.0.0.1', DATABASE_URL: '', SWITCHBOARD_MASTER_KEY: '', SWITCHBOARD_MASTER_KEY_FILE: '', QUEUE_PREFIX: redisPrefix('sb-stack-test') };

describe('npm start (apps/stack/src/main.ts)', () => {
  it('a port in use: one clear line, exit 1, nothing started', async () => {
    const p = await ports();
    const held: Server = createServer();
    await new Promise<void>((r) => held.listen(Number(p.NATS_PORT), '127.0.0.1', r));
    try {
      const dataDir = path.join(scratch(), 'data');
      const c = startStackProcess({ ...base, ...p, DATA_DIR: dataDir, REDIS_URL });
      expect(await c.exited).toBe(1);
      expect(c.output()).toBe(
        `switchboard: port ${p.NATS_PORT} (NATS_PORT) is already in use on 127.0.0.1: stop the other process or set NATS_PORT to a free port\n`,
      );
    } finally {
      held.close();
    }
  }, 60_000);

  it('no Redis reachable and none startable: embedded mode, propagation jobs run in-process (a revocation reaches the broker)', async () => {
    const p = await ports();
    const api = `http://127.0.0.1:${p.PORT}`;
    // A closed port for REDIS_URL, and a PATH without redis-server (only this node's own folder).
    const c = startStackProcess({
      ...base,
      ...p,
      DATA_DIR: path.join(scratch(), 'data'),
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      PATH: path.dirname(process.execPath),
    });
    try {
      await c.waitFor(/Ctrl-C stops everything\./, 90_000);
      expect(c.output()).toMatch(/WARN REDIS_URL: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ /);
      expect(c.output()).toMatch(/WARN EMBEDDED MODE: no Redis, so propagation jobs .* run in this process/);
      expect(c.output()).toContain('redis           none: embedded mode, propagation jobs run in this process');
      const health = (await (await fetch(`${api}/healthz`)).json()) as { status: string; checks: { redis: { status: string } } };
      expect(health).toMatchObject({ status: 'ok', checks: { redis: { status: 'unused' } } });

      const tenant = await signupWithUser(api, `embedded${process.pid}`);
      const nc = await connect({
        servers: `nats://127.0.0.1:${p.NATS_PORT}`,
        authenticator: credsAuthenticator(new TextEncoder().encode(tenant.creds)),
        reconnect: false,
        timeout: 5000,
      });
      await nc.flush();
      // The revocation is a re-signed account JWT that only a propagation job brings to the broker.
      const revoke = await fetch(`${api}/v1/accounts/${tenant.accountId}/users/${tenant.userId}/revoke`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(revoke.status).toBeLessThan(300);
      await nc.closed();
      expect(c.output()).not.toMatch(/propagation attempt|dead-lettered/);
    } finally {
      expect(await c.stop()).toBe(0);
    }
  }, 120_000);

  it('starts everything on embedded PGlite, registers its broker, stops on SIGINT and restarts on the same data', async () => {
    const dataDir = path.join(scratch(), 'data');
    const p = await ports();
    const api = `http://127.0.0.1:${p.PORT}`;
    const first = startStackProcess({ ...base, ...p, DATA_DIR: dataDir, REDIS_URL });
    await first.waitFor(/Ctrl-C stops everything\./, 90_000);
    const out = first.output();
    expect(out).toContain(`control plane   ${api}`);
    expect(out).toContain(`NATS broker     nats://127.0.0.1:${p.NATS_PORT}`);
    expect(out).toContain(`monitoring      http://127.0.0.1:${p.NATS_HTTP_PORT}/varz`);
    expect(out).toContain(`embedded PostgreSQL (PGlite) in ${dataDir}`);
    expect(out).toContain(`npm run cli -- login --api ${api} --token-file ${path.join(dataDir, 'admin-token')}`);

    const tokenFile = path.join(dataDir, 'admin-token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenFile, 'utf8').trim();
    const health = (await (await fetch(`${api}/healthz`)).json()) as { status: string; checks: { database: { kind: string } } };
    expect(health).toMatchObject({ status: 'ok', checks: { database: { kind: 'pglite' } } });
    const brokers = (await (await fetch(`${api}/v1/brokers`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      items: Array<{ name: string; url: string }>;
    };
    expect(brokers.items).toEqual([expect.objectContaining({ name: 'local', url: `nats://127.0.0.1:${p.NATS_PORT}` })]);
    const varz = (await (await fetch(`http://127.0.0.1:${p.NATS_HTTP_PORT}/varz`)).json()) as { port: number; system_account: string };
    expect(varz.port).toBe(Number(p.NATS_PORT));
    // The system account by its public key, as nats-server's /varz in operator mode (not "$SYS").
    const operatorJwt = await (await fetch(`${api}/jwt/v1/operator`)).text();
    expect(varz.system_account).toBe(decode<OperatorClaims>(operatorJwt.trim()).claims.nats.system_account);
    // Operator mode: a client without credentials is refused.
    await expect(connect({ servers: `nats://127.0.0.1:${p.NATS_PORT}`, reconnect: false, timeout: 5000 })).rejects.toThrow(/authorization violation/i);

    // A second stack on the same DATA_DIR (other ports) is refused in one line: one process owns PGlite.
    const rival = startStackProcess({ ...base, ...(await ports()), DATA_DIR: dataDir, REDIS_URL });
    expect(await rival.exited).toBe(1);
    expect(rival.output()).toBe(`switchboard: DATA_DIR ${dataDir} is in use by another process (pid ${first.proc.pid}); stop it or choose another DATA_DIR\n`);

    // `setup broker-config`: by default a resolver_cache_dir (under the broker's DATA_DIR) that the broker
    // accepts; with --no-cache-dir the form the real nats-server accepts too.
    const conf = path.join(dataDir, '..', 'broker.conf');
    const brokerData = path.join(dataDir, '..', 'broker-data');
    const setup = startTsx('apps/stack/src/setup.ts', ['broker-config', '--api', api, '--out', conf], { DATA_DIR: brokerData });
    expect(await setup.exited).toBe(0);
    const text = readFileSync(conf, 'utf8');
    expect(text).toContain(`resolver: "URL(${api}/jwt/v1/accounts/)"`);
    expect(text).toMatch(new RegExp(`^resolver_cache_dir: "?${path.join(brokerData, 'jwt-cache')}"?$`, 'm'));
    expect(text).toMatch(new RegExp(`^\\s*store_dir: "?${path.join(brokerData, 'jetstream')}"?$`, 'm'));
    const operator = decode<OperatorClaims>(text.match(/operator: "?(eyJ[^"\s]+)/)![1]!);
    expect(text).toMatch(new RegExp(`^system_account: "?${operator.claims.nats.system_account}"?$`, 'm'));
    const plainConf = path.join(dataDir, '..', 'nats-server.conf');
    const plain = startTsx('apps/stack/src/setup.ts', ['broker-config', '--api', api, '--out', plainConf, '--no-cache-dir'], {});
    expect(await plain.exited).toBe(0);
    expect(readFileSync(plainConf, 'utf8')).not.toContain('resolver_cache_dir');
    expect(readFileSync(plainConf, 'utf8')).toContain('store_dir');
    for (const [cmd, args] of [
      [NATS_SERVER_BIN, ['-t', '-c', plainConf]],
      [process.execPath, [...TSX_NODE_ARGS, 'apps/broker/src/main.ts', '-t', '-c', conf]],
    ] as const) {
      const check = startChild(cmd, [...args]);
      expect(await check.exited, check.output()).toBe(0);
    }

    // A broker run from that config admits a tenant's user; after a restart while the control plane
    // is down (below) it still does, from its JWT cache.
    const tenant = await signupWithUser(api, `cache${process.pid}`);
    const brokerPort = await freePort();
    const separateBroker = () => startTsx('apps/broker/src/main.ts', ['-c', conf, '-a', '127.0.0.1', '-p', String(brokerPort)], {});
    const userConnects = async (): Promise<void> => {
      const nc = await connect({
        servers: `nats://127.0.0.1:${brokerPort}`,
        authenticator: credsAuthenticator(new TextEncoder().encode(tenant.creds)),
        reconnect: false,
        timeout: 5000,
      });
      await nc.flush();
      await nc.close();
    };
    // The free plan carries JetStream limits, and the stack's broker runs JetStream: a tenant's
    // user keeps messages in a stream with no further set-up.
    await jetStreamWorks(p.NATS_PORT, tenant.creds);
    let separate = separateBroker();
    await separate.waitFor(/Server is ready/, 30_000);
    await userConnects();
    await jetStreamWorks(String(brokerPort), tenant.creds);
    expect(await separate.stop()).toBe(0);

    // Ctrl-C under `npm start` arrives twice (terminal and npm): the repeat must not cut the shutdown short.
    first.proc.kill('SIGINT');
    first.proc.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.output()).toMatch(/switchboard: SIGINT, stopping/);
    expect(first.output()).not.toMatch(/again, exiting now/);

    // The control plane is down now: the restarted broker admits the tenant's user from its cache.
    await expect(fetch(`${api}/healthz`)).rejects.toThrow();
    separate = separateBroker();
    await separate.waitFor(/Server is ready/, 30_000);
    await userConnects();
    expect(await separate.stop()).toBe(0);

    // Same DATA_DIR again: the lock was released and the operator is not bootstrapped twice.
    const second = startStackProcess({ ...base, ...p, DATA_DIR: dataDir, REDIS_URL });
    await second.waitFor(/Ctrl-C stops everything\./, 90_000);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(token);
    const again = await fetch(`${api}/v1/brokers`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await again.json()) as { total: number }).total).toBe(1);
    expect(await second.stop()).toBe(0);
  }, 180_000);
});

async function jetStreamWorks(port: string, creds: string): Promise<void> {
  const nc = await connect({
    servers: `nats://127.0.0.1:${port}`,
    authenticator: credsAuthenticator(new TextEncoder().encode(creds)),
    reconnect: false,
    timeout: 5000,
  });
  try {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.getAccountInfo();
    expect(info.limits).toMatchObject({ max_storage: 1 << 30, max_memory: 64 << 20, max_streams: 10, max_consumers: 100 });
    const name = `orders${port}`;
    await jsm.streams.add({ name, subjects: [`${name}.>`] });
    const ack = await nc.jetstream().publish(`${name}.1`, new TextEncoder().encode('kept'));
    expect(ack).toMatchObject({ stream: name, seq: 1 });
    expect((await jsm.streams.getMessage(name, { seq: 1 })).subject).toBe(`${name}.1`);
  } finally {
    await nc.close();
  }
}
