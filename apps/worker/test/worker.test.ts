import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullPropagationQueue, StaticBrokers } from '@switchboard/propagation';
import { freePort, parsePrometheus, REDIS_URL, sampleValue, waitFor, World } from '@switchboard/testing';
import { generateMasterKey, Keyring, sealSeed } from '@switchboard/secrets';
import { loadWorkerConfig, startWorker, WorkerConfigError } from '../src/index.js';

const world = new World();
const tmp = mkdtempSync(join(tmpdir(), 'sb-worker-'));
const credsPath = join(tmp, 'sys.creds');
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  await world.start();
  writeFileSync(credsPath, world.systemCreds);
});
afterAll(async () => {
  await world.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('startWorker (in-process, as the embedded npm start calls it)', () => {
  it('pushes what its queue is given, and close() waits for the running job', async () => {
    let release!: () => void;
    let reached!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const reachedP = new Promise<void>((r) => (reached = r));
    let holdNext = false;
    const inner = new StaticBrokers([world.server.url]);
    // A broker directory that can pause a job mid-run, so shutdown finds a job in flight.
    const brokers = {
      async brokers() {
        if (holdNext) {
          holdNext = false;
          reached();
          await held;
        }
        return inner.brokers();
      },
    };
    const w = await startWorker({
      redisUrl: REDIS_URL,
      db: world.db.prisma,
      brokers,
      systemCreds: world.systemCreds,
      queuePrefix: `${world.prefix}-a`,
      log: quiet,
    });
    const order: string[] = [];
    w.worker.worker.on('completed', (job) => order.push(`completed ${job.data.account}`));

    const a = await world.addAccount('in-process');
    await w.queue.enqueueAccount(a.pub);
    await waitFor(() => order.length === 1, 15_000, 'first job');
    expect(await world.brokerJwt(a.pub)).toBe(a.jwt);

    const b = await world.addAccount('in-flight');
    holdNext = true;
    await w.queue.enqueueAccount(b.pub);
    await reachedP;
    const closed = w.close().then(() => order.push('closed'));
    release();
    await closed;
    expect(order).toEqual([`completed ${a.pub}`, `completed ${b.pub}`, 'closed']);
    expect(await world.brokerJwt(b.pub)).toBe(b.jwt);
  });

  it('refuses to start without Redis, saying so', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    await expect(startWorker({ redisUrl: url, db: world.db.prisma, extraBrokers: [world.server.url], systemCreds: world.systemCreds })).rejects.toThrow(
      /^cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(connect ECONNREFUSED .*\): set REDIS_URL or start redis-server$/,
    );
  });
});

describe('loadWorkerConfig', () => {
  const good = { DATABASE_URL: 'postgresql://x@y/z', SWITCHBOARD_BROKERS: 'nats://a:4222, nats://b:4222', SWITCHBOARD_SYSTEM_CREDS: '' };
  it('needs neither brokers nor creds: both may come from the database', () => {
    const cfg = loadWorkerConfig({ DATABASE_URL: 'postgresql://x@y/z' });
    expect(cfg).toEqual({ redisUrl: 'redis://127.0.0.1:6379', databaseUrl: 'postgresql://x@y/z', brokers: [], concurrency: 200 });
  });

  it('reads the environment', () => {
    const cfg = loadWorkerConfig({ ...good, SWITCHBOARD_SYSTEM_CREDS: credsPath, WORKER_CONCURRENCY: '50', REDIS_URL: 'redis://r:6380' });
    expect(cfg).toMatchObject({ redisUrl: 'redis://r:6380', databaseUrl: 'postgresql://x@y/z', brokers: ['nats://a:4222', 'nats://b:4222'], concurrency: 50 });
    expect(cfg.systemCreds).toBe(world.systemCreds);
  });

  it('names the variable that is wrong', () => {
    const env = { ...good, SWITCHBOARD_SYSTEM_CREDS: credsPath };
    const bad = (e: Record<string, string>) => () => loadWorkerConfig({ ...env, ...e });
    expect(bad({ DATABASE_URL: '' })).toThrow(new WorkerConfigError('set DATABASE_URL (PostgreSQL), or DATA_DIR for the embedded database'));
    expect(bad({ SWITCHBOARD_BROKERS: 'http://x' })).toThrow(/^SWITCHBOARD_BROKERS: broker "http:\/\/x": scheme/);
    expect(bad({ SWITCHBOARD_SYSTEM_CREDS: join(tmp, 'nope') })).toThrow(/^SWITCHBOARD_SYSTEM_CREDS: cannot read .*nope: ENOENT/);
    expect(bad({ WORKER_CONCURRENCY: '0' })).toThrow(/^WORKER_CONCURRENCY must be an integer/);
    expect(bad({ REDIS_URL: 'http://r' })).toThrow(/^REDIS_URL must start with redis:\/\//);
    expect(bad({ METRICS_PORT: '99999' })).toThrow(/^METRICS_PORT must be a port number/);
    const junk = join(tmp, 'junk.creds');
    writeFileSync(junk, 'hello');
    expect(bad({ SWITCHBOARD_SYSTEM_CREDS: junk })).toThrow(/^SWITCHBOARD_SYSTEM_CREDS: .*junk.creds: creds file needs a JWT block/);
  });
});

// Each run transpiles main.ts with tsx: generous deadlines for a loaded machine.
describe('main.ts as a process', { timeout: 60_000 }, () => {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  function run(env: Record<string, string>) {
    const child = spawn(process.execPath, ['--conditions=@switchboard/source', '--import', 'tsx', main], {
      env: { PATH: process.env.PATH!, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, output: () => out, exit };
  }

  it('exits 1 with the reason when configuration is missing', async () => {
    const p = run({});
    expect(await p.exit).toBe(1);
    expect(p.output()).toBe('worker: set DATABASE_URL (PostgreSQL), or DATA_DIR for the embedded database\n');
  });

  it('runs against PostgreSQL, Redis and a broker, serves its /metrics, and stops cleanly on SIGTERM', async () => {
    const prefix = `${world.prefix}-main`;
    const metricsPort = await freePort();
    const p = run({
      METRICS_PORT: String(metricsPort),
      METRICS_HOST: '127.0.0.1',
      DATABASE_URL: world.fresh.url,
      REDIS_URL,
      SWITCHBOARD_BROKERS: world.server.url,
      SWITCHBOARD_SYSTEM_CREDS: credsPath,
      QUEUE_PREFIX: prefix,
    });
    try {
      await waitFor(() => p.output().includes('worker ready'), 45_000, 'worker ready');
      const queue = new BullPropagationQueue({ connection: world.redis, prefix });
      const a = await world.addAccount('via-main');
      await queue.enqueueAccount(a.pub);
      await waitFor(async () => (await world.brokerJwt(a.pub)) === a.jwt, 15_000, 'broker has the JWT');
      await queue.close();
      // The push and the queue, under the names the control plane's /metrics uses. The broker
      // holds the JWT as soon as it has handled the update, before the worker has read its reply
      // and timed the push: wait for the timing rather than reading /metrics once.
      let m = parsePrometheus('');
      await waitFor(
        async () => {
          const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
          expect(res.status).toBe(200);
          m = parsePrometheus(await res.text());
          return (sampleValue(m, 'switchboard_propagation_push_duration_seconds_count', { result: 'ok' }) ?? 0) >= 1;
        },
        15_000,
        'the push timed in /metrics',
      );
      expect(sampleValue(m, 'switchboard_propagation_push_failures_total')).toBe(0);
      expect(sampleValue(m, 'switchboard_propagation_dead_letters')).toBe(0);
      expect(sampleValue(m, 'switchboard_propagation_jobs', { state: 'waiting' })).toBeGreaterThanOrEqual(0);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
      p.child.kill('SIGTERM');
      expect(await p.exit).toBe(0);
      expect(p.output()).toContain('worker stopped');
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });

  it('takes brokers from the brokers table and the system user from the operator row (sealed seed)', async () => {
    const masterKey = generateMasterKey();
    const keyring = new Keyring([masterKey]);
    const su = world.systemUser;
    await world.db.prisma.operator.update({
      where: { id: world.operatorRow },
      data: {
        systemUserPublicKey: su.getPublicKey(),
        systemUserSeedEnc: new Uint8Array(sealSeed(keyring, su.getPublicKey(), su.getSeed())),
        systemUserJwt: world.systemUserJwt,
      },
    });
    await world.db.prisma.broker.create({ data: { name: 'main', url: world.server.url } });
    const prefix = `${world.prefix}-db`;
    const wrongKey = run({ DATABASE_URL: world.fresh.url, REDIS_URL, SWITCHBOARD_MASTER_KEY: generateMasterKey().toString('base64'), QUEUE_PREFIX: prefix });
    expect(await wrongKey.exit).toBe(1);
    expect(wrongKey.output()).toMatch(/^worker: cannot open the system user seed of operator op \(wrong master key\?\)/);

    const p = run({ DATABASE_URL: world.fresh.url, REDIS_URL, SWITCHBOARD_MASTER_KEY: masterKey.toString('base64'), QUEUE_PREFIX: prefix });
    try {
      await waitFor(() => p.output().includes('worker ready: 1 registered broker(s), concurrency 200'), 45_000, 'worker ready');
      const queue = new BullPropagationQueue({ connection: world.redis, prefix });
      const a = await world.addAccount('via-db-config');
      await queue.enqueueAccount(a.pub);
      await waitFor(async () => (await world.brokerJwt(a.pub)) === a.jwt, 15_000, 'broker has the JWT');
      await queue.close();
      p.child.kill('SIGINT');
      expect(await p.exit).toBe(0);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });
});
