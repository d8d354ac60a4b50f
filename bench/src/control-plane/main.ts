// Control-plane benchmarks on the real pieces: the control plane as its own process (main.ts,
// fresh PostgreSQL database, BullMQ on Redis), the propagation worker, and two brokers in operator
// mode — one resolving accounts from the control plane's URL resolver, one with a FULL resolver that
// only knows what the worker pushes. Measures:
//   1. signup -> first successful NATS connect (per resolver mode)
//   2. user credentials issued per second (POST /users with locally made keys; sequential and 8 concurrent)
//   3. revocation via the API -> the broker disconnects the connected client (worker push)
//   node --conditions=@switchboard/source --import tsx bench/src/control-plane/main.ts [--rounds 10] [--users 300]
// Needs PostgreSQL (TEST_PG_URL) and Redis (REDIS_URL, default redis://127.0.0.1:6379).
// The bulk push of 10,000 accounts is libs/propagation/bench/bulk-push.ts (see docs/control-plane-benchmarks.md).
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createUser } from '@nats-io/nkeys';
import { connect, jwtAuthenticator, type NatsConnection } from 'nats';
import { startBroker, type Broker } from '@switchboard/broker';
import { freshDatabase, openDatabase } from '@switchboard/db';
import { generateMasterKey, loadKeyring } from '@switchboard/secrets';
import { loadSystemCreds } from '@switchboard/issuer';
import { startWorker } from '@switchboard/worker';
import { freePort } from '@switchboard/testing';
import { cpuMs, cpuSince, pgBackendsCpu, startControlPlane } from './processes.js';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '60' }, users: { type: 'string', default: '300' }, only: { type: 'string', default: 'signup,users,revoke' } },
});
const rounds = Number(values.rounds);
const only = new Set(values.only.split(','));
const userCount = Number(values.users);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: s[s.length - 1]! };
};
const ms = (x: number) => `${x.toFixed(1)} ms`;
const loadNow = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const load0 = loadNow();

const fresh = await freshDatabase();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sb-cp-bench-'));
const prefix = `cpbench${randomBytes(4).toString('hex')}`;
const masterKey = generateMasterKey().toString('base64');
const admin = randomBytes(24).toString('base64url');
const cleanup: (() => Promise<unknown>)[] = [() => fresh.drop(), async () => rmSync(tmp, { recursive: true, force: true })];
try {
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const cp = await startControlPlane(
    {
      DATABASE_URL: fresh.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      PORT: String(port),
      HOST: '127.0.0.1',
      SWITCHBOARD_MASTER_KEY: masterKey,
      SWITCHBOARD_ADMIN_TOKEN: admin,
      SWITCHBOARD_ADMIN_TOKEN_FILE: path.join(tmp, 'admin-token'),
      SWITCHBOARD_ACCOUNT_SERVER_URL: `${api}/jwt/v1`,
      SIGNUPS_PER_HOUR: '1000000',
    },
    api,
  );
  cleanup.push(() => cp.stop());

  // node:http with keep-alive rather than fetch: the client shares the 2 cores with what it
  // measures, and fetch cost ~1 ms of CPU per request here (its own CPU is reported below).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const call = (method: string, url: string, token: string | undefined, body?: unknown) =>
    new Promise<Record<string, any>>((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const headers: http.OutgoingHttpHeaders = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (data !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(data);
      }
      const req = http.request(`${api}${url}`, { method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          let json: Record<string, any>;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>;
          } catch (e) {
            return reject(new Error(`${method} ${url}: ${status}, not JSON: ${(e as Error).message}`));
          }
          if (status >= 300) reject(new Error(`${method} ${url}: ${status} ${JSON.stringify(json)}`));
          else resolve(json);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(data);
    });
  cleanup.push(async () => agent.destroy());

  // The broker side reads the operator JWT and system account from the database, as the stack does.
  const db = await openDatabase({ databaseUrl: fresh.url });
  cleanup.push(() => db.close());
  const { keyring } = loadKeyring({ masterKey });
  const op = await db.prisma.operator.findFirstOrThrow();
  const sys = await db.prisma.account.findUniqueOrThrow({ where: { publicKey: op.systemAccount! } });
  const common = { host: '127.0.0.1', port: 0, operators: [op.jwt], systemAccount: sys.publicKey };
  const brokers: Record<'URL' | 'FULL', Broker> = {
    URL: await startBroker({ ...common, resolver: { type: 'URL', url: `${api}/jwt/v1/accounts/`, cacheDir: undefined } }),
    FULL: await startBroker({ ...common, resolver: { type: 'FULL', dir: path.join(tmp, 'full'), preload: { [sys.publicKey]: sys.jwt } } }),
  };
  cleanup.push(
    () => brokers.URL.close(),
    () => brokers.FULL.close(),
  );
  for (const [name, b] of Object.entries(brokers)) await call('POST', '/v1/brokers', admin, { name: `bench-${name}`, url: `nats://127.0.0.1:${b.port}` });
  const worker = await startWorker({ redisUrl, queuePrefix: prefix, db: db.prisma, systemCreds: await loadSystemCreds(db.prisma, keyring) });
  cleanup.push(async () => {
    // Stop taking jobs first: a job still finishing in an obliterated queue logs "Missing key for job".
    await worker.worker.worker.close();
    await worker.queue.queue.obliterate({ force: true });
    await worker.queue.dead.obliterate({ force: true });
    await worker.close();
  });

  const natsConnect = (b: Broker, jwt: string, seed: Uint8Array) =>
    connect({ servers: `127.0.0.1:${b.port}`, authenticator: jwtAuthenticator(jwt, seed), reconnect: false, timeout: 2000 });
  /** Retries until the broker admits the user (FULL: until the worker's push arrived). */
  const connectWhenAdmitted = async (b: Broker, jwt: string, seed: Uint8Array): Promise<NatsConnection> => {
    const deadline = performance.now() + 30_000;
    for (;;) {
      try {
        return await natsConnect(b, jwt, seed);
      } catch (e) {
        if (performance.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  };
  let n = 0;
  const newUser = async (accountId: string, token: string) => {
    const kp = createUser();
    const u = await call('POST', `/v1/accounts/${accountId}/users`, token, { name: `u${n++}`, publicKey: kp.getPublicKey() });
    return { id: u.id as string, jwt: u.jwt as string, seed: kp.getSeed() };
  };

  // 1. signup -> first successful connect.
  const rows: string[][] = [];
  for (const mode of only.has('signup') ? (['URL', 'FULL'] as const) : []) {
    const total: number[] = [];
    const apiPart: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      const s = await call('POST', '/v1/signup', undefined, { email: `${mode}${i}@bench.example`, organization: `${mode}${i}` });
      const u = await newUser(s.account.id, s.token);
      const t1 = performance.now();
      const nc = await connectWhenAdmitted(brokers[mode], u.jwt, u.seed);
      total.push(performance.now() - t0);
      apiPart.push(t1 - t0);
      await nc.close();
    }
    const t = stats(total);
    const a = stats(apiPart);
    rows.push([
      `signup -> first connect (${mode === 'URL' ? 'URL resolver' : 'FULL resolver, worker push'})`,
      `${rounds}`,
      ms(t.p50),
      ms(t.p95),
      ms(t.p99),
      ms(t.max),
      `API part (signup + user) p50 ${ms(a.p50)}`,
    ]);
  }

  // 2. user credentials issued per second.
  if (only.has('users')) {
    const tenant = await call('POST', '/v1/signup', undefined, { email: 'users@bench.example', organization: 'users' });
    const keys = Array.from({ length: userCount * 3 }, () => createUser().getPublicKey());
    let next = 0;
    const issue = () => call('POST', `/v1/accounts/${tenant.account.id}/users`, tenant.token, { name: `p${next}`, publicKey: keys[next++]! });
    for (const [label, concurrency] of [
      ['sequential', 1],
      ['8 concurrent', 8],
    ] as const) {
      const count = concurrency === 1 ? userCount : userCount * 2;
      const lat: number[] = [];
      const pgCpu = () => pgBackendsCpu((sql) => db.prisma.$queryRawUnsafe<Array<{ pid: number }>>(sql), fresh.name);
      const pg0 = await pgCpu();
      const first = next;
      const cpu0 = cpuMs(cp.pid);
      const self0 = process.cpuUsage();
      const t0 = performance.now();
      let left = count;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (left-- > 0) {
            const s = performance.now();
            await issue();
            lat.push(performance.now() - s);
          }
        }),
      );
      const secs = (performance.now() - t0) / 1000;
      const cpu = (cpuMs(cp.pid) - cpu0) / count;
      const self = process.cpuUsage(self0);
      // This process is the HTTP client here (the worker and brokers sit idle: issuing a user changes no account JWT).
      const client = (self.user + self.system) / 1000 / count;
      const pg = cpuSince(pg0, await pgCpu()) / count;
      // Transactions that wrote these users (xmin): fewer than users when requests share a commit.
      const names = Array.from({ length: count }, (_, i) => `p${first + i}`);
      const written = await db.prisma.$queryRaw<Array<{ txs: bigint }>>`
        SELECT count(DISTINCT xmin::text) AS txs FROM users WHERE account_id = ${tenant.account.id}::uuid AND name = ANY(${names})`;
      const l = stats(lat);
      rows.push([
        `POST /users, ${label}`,
        `${count}`,
        ms(l.p50),
        ms(l.p95),
        ms(l.p99),
        ms(l.max),
        `${(count / secs).toFixed(0)} users/s; CPU ms/user: control plane ${cpu.toFixed(2)}, PostgreSQL ${pg.toFixed(2)}, bench client ${client.toFixed(2)}; ${(count / Number(written[0]!.txs)).toFixed(1)} users/commit`,
      ]);
    }
  }

  // 3. revocation -> disconnect (the worker pushes the re-signed account JWT; the broker drops the user).
  for (const mode of only.has('revoke') ? (['URL', 'FULL'] as const) : []) {
    const lat: number[] = [];
    const apiPart: number[] = [];
    // Where the time goes, from the job's own clock readings (ms, Date.now in the control plane and here):
    // revoke sent -> job added (API transaction + enqueue), added -> taken by the worker, taken -> client closed.
    const parts = { queued: [] as number[], pickup: [] as number[], push: [] as number[] };
    const s = await call('POST', '/v1/signup', undefined, { email: `revoke-${mode}@bench.example`, organization: `revoke-${mode}` });
    let taken: { timestamp: number; processedOn: number } | undefined;
    const onActive = (job: { data: { account: string }; timestamp: number; processedOn?: number }) => {
      if (job.data.account === s.account.publicKey) taken = { timestamp: job.timestamp, processedOn: job.processedOn ?? Date.now() };
    };
    worker.worker.worker.on('active', onActive);
    for (let i = 0; i < rounds; i++) {
      const u = await newUser(s.account.id, s.token);
      const nc = await connectWhenAdmitted(brokers[mode], u.jwt, u.seed);
      const closed = nc.closed();
      // The job of the user's own creation (a new user changes no account JWT) is not this one.
      taken = undefined;
      const w0 = Date.now();
      const t0 = performance.now();
      await call('POST', `/v1/accounts/${s.account.id}/users/${u.id}/revoke`, s.token);
      apiPart.push(performance.now() - t0);
      const gone = await Promise.race([closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))]);
      if (!gone) {
        const refused = await natsConnect(brokers[mode], u.jwt, u.seed).then(
          (c) => (c.close(), false),
          () => true,
        );
        throw new Error(
          `${mode}: revoked user still connected after 15 s (a new connection is ${refused ? 'refused: the push arrived' : 'admitted: no push'})`,
        );
      }
      const w1 = Date.now();
      lat.push(performance.now() - t0);
      const job = taken as { timestamp: number; processedOn: number } | undefined;
      if (job) {
        parts.queued.push(job.timestamp - w0);
        parts.pickup.push(job.processedOn - job.timestamp);
        parts.push.push(w1 - job.processedOn);
      }
    }
    worker.worker.worker.off('active', onActive);
    const l = stats(lat);
    const a = stats(apiPart);
    const part = (xs: number[]) => `${stats(xs).p50.toFixed(0)}/${stats(xs).p99.toFixed(0)}`;
    rows.push([
      `revoke -> disconnect (${mode} resolver)`,
      `${rounds}`,
      ms(l.p50),
      ms(l.p95),
      ms(l.p99),
      ms(l.max),
      `API part p50 ${ms(a.p50)}; ms p50/p99: to queued ${part(parts.queued)}, pickup ${part(parts.pickup)}, push to close ${part(parts.push)}`,
    ]);
  }

  const header = ['measure', 'n', 'p50', 'p95', 'p99', 'max', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  console.log(
    `\n${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), node ${process.version}; control plane compiled in its own process (NODE_ENV=production), worker and brokers in this one; load average ${load0} at start, ${loadNow()} at end.`,
  );
} finally {
  for (const c of cleanup.reverse()) await c().catch((e: unknown) => console.error(`cleanup: ${e instanceof Error ? e.message : String(e)}`));
}
process.exit(0);
