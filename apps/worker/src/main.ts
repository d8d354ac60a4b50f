// The standalone worker process: environment -> database + Redis -> startWorker; SIGINT/SIGTERM
// drain running jobs before exit (a second signal exits at once).
import type { KeyPair } from '@nats-io/nkeys';
import { DataDirLockedError, openDatabase, type Database } from '@switchboard/db';
import { loadOperatorSigner, loadSystemCreds, OperatorKeysError } from '@switchboard/issuer';
import { loadKeyring, MasterKeyError } from '@switchboard/secrets';
import { loadWorkerConfig, WorkerConfigError, type WorkerConfig } from './config.js';
import { WorkerMetrics } from './metrics.js';
import { RedisUnavailableError, startWorker, type RunningWorker } from './worker.js';

function fail(message: string): never {
  process.stderr.write(`worker: ${message}\n`);
  process.exit(1);
}

const stamp = (level: string, msg: string): void => void process.stderr.write(`${new Date().toISOString()} [${level}] ${msg}\n`);
const log = { info: (m: string) => stamp('INF', m), warn: (m: string) => stamp('WRN', m), error: (m: string) => stamp('ERR', m) };

async function main(): Promise<void> {
  let cfg;
  try {
    cfg = loadWorkerConfig();
  } catch (e) {
    if (e instanceof WorkerConfigError) fail(e.message);
    throw e;
  }
  let db: Database;
  try {
    db = await openDatabase({ ...(cfg.databaseUrl ? { databaseUrl: cfg.databaseUrl } : {}), ...(cfg.dataDir ? { dataDir: cfg.dataDir } : {}) });
    await db.ping();
  } catch (e) {
    if (e instanceof DataDirLockedError) fail(`${e.message} (in embedded mode the control plane runs the worker itself)`);
    fail(`cannot open the database: ${(e as Error).message}`);
  }
  let systemCreds: string;
  let quota: { signer: KeyPair } | undefined;
  try {
    systemCreds = cfg.systemCreds ?? (await loadSystemCreds(db.prisma, keyringOf(cfg)));
    // Quotas re-sign account JWTs: they need the master key; without one they stay off.
    const keys = hasMasterKey(cfg) ? await loadOperatorSigner(db.prisma, keyringOf(cfg)) : null;
    if (keys) quota = { signer: keys.signer };
    else log.warn('no master key or operator signing key yet: monthly quotas not enforced');
  } catch (e) {
    await db.close();
    if (e instanceof OperatorKeysError || e instanceof MasterKeyError) fail(e.message);
    throw e;
  }
  const metrics = cfg.metrics ? new WorkerMetrics() : null;
  let running: RunningWorker;
  try {
    running = await startWorker({
      redisUrl: cfg.redisUrl,
      db: db.prisma,
      extraBrokers: cfg.brokers,
      systemCreds,
      concurrency: cfg.concurrency,
      log,
      ...(metrics ? { observer: metrics } : {}),
      ...(quota ? { quota } : {}),
      ...(cfg.queuePrefix ? { queuePrefix: cfg.queuePrefix } : {}),
    });
  } catch (e) {
    await db.close();
    if (e instanceof RedisUnavailableError) fail(e.message);
    throw e;
  }
  if (metrics && cfg.metrics) {
    metrics.watch(() => running.queue.counts());
    try {
      const port = await metrics.listen(cfg.metrics.port, cfg.metrics.host);
      log.info(`metrics on http://${cfg.metrics.host}:${port}/metrics`);
    } catch (e) {
      await running.close();
      await db.close();
      fail(`METRICS_PORT ${cfg.metrics.port}: ${(e as Error).message}`);
    }
  }
  const brokers = await db.prisma.broker.count();
  log.info(
    `worker ready: ${brokers} registered broker(s)${cfg.brokers.length ? ` + ${cfg.brokers.length} from SWITCHBOARD_BROKERS` : ''}, concurrency ${cfg.concurrency}, database ${db.location}`,
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      log.warn(`${signal} again: exiting without waiting for running jobs`);
      process.exit(1);
    }
    stopping = true;
    log.info(`${signal}: finishing running jobs`);
    void Promise.all([running.close(), metrics?.close()])
      .then(() => db.close())
      .then(
        () => {
          log.info('worker stopped');
          process.exit(0);
        },
        (e: unknown) => {
          log.error(`shutdown: ${(e as Error).message}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function keyringOf(cfg: WorkerConfig) {
  // Never create a key here: the control plane owns it, and a fresh one could open nothing.
  return loadKeyring({
    masterKey: cfg.masterKey,
    keyFile: cfg.masterKeyFile,
    ...(cfg.databaseUrl ? {} : { dataDir: cfg.dataDir }),
    createIfMissing: false,
  }).keyring;
}

function hasMasterKey(cfg: WorkerConfig): boolean {
  return Boolean(cfg.masterKey || cfg.masterKeyFile || !cfg.databaseUrl);
}

void main().catch((e: unknown) => fail((e as Error).stack ?? String(e)));
