// The whole service in one process: control plane (owns the database), worker (in-process,
// because an embedded PGlite folder admits one process), and one broker in operator mode that
// trusts the control plane's operator and resolves accounts from its URL resolver.
//
// One process rather than a supervisor of children: the worker must share the control plane's
// database handle anyway, the broker needs the operator JWT read from that database, and one
// process gives one signal handler, one exit code and no orphans.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { LogLevel } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from '@switchboard/config';
import { startBroker, type Broker } from '@switchboard/broker';
import { createControlPlane, loadConfig } from '@switchboard/control-plane';
import { BullPropagationQueue, InProcessPropagationQueue, redisConnection, type PropagationQueue } from '@switchboard/propagation';
import { defaultJetStreamOptions, ServerLogger } from '@switchboard/server';
import { loadOperatorSigner, loadSystemCreds } from '@switchboard/issuer';
import { startEmbeddedWorker, startWorker, type RunningEmbeddedWorker, type RunningWorker } from '@switchboard/worker';
import type { StackConfig } from './config.js';
import { checkStackPorts, portError } from './ports.js';
import { provideRedis, RedisMissingError, type RedisHandle } from './redis.js';

export interface StartStackOptions {
  log?: Logger;
  /** Nest's log levels; default warnings and errors (its start-up chatter hides the banner). */
  controlPlaneLogLevels?: LogLevel[];
  /** The broker's log lines (nats-server format); default stderr. */
  brokerLogger?: ServerLogger;
}

export interface RunningStack {
  /** Control plane base URL as a local client reaches it. */
  apiUrl: string;
  natsUrl: string;
  /** Broker monitoring base URL; '' when NATS_HTTP_PORT=0. */
  monitorUrl: string;
  resolverUrl: string;
  /** null: embedded mode, no Redis reachable or startable, propagation jobs run in this process. */
  redis: RedisHandle | null;
  database: string;
  adminTokenFile: string;
  broker: Broker;
  app: NestFastifyApplication;
  worker: RunningWorker | RunningEmbeddedWorker;
  /** Stops the worker, broker, control plane and a redis-server we started, in that order. */
  close(): Promise<void>;
}

const stderrLog: Logger = {
  info: (m) => void process.stderr.write(`${new Date().toISOString()} [stack] ${m}\n`),
  warn: (m) => void process.stderr.write(`${new Date().toISOString()} [stack] WARN ${m}\n`),
  error: (m) => void process.stderr.write(`${new Date().toISOString()} [stack] ERROR ${m}\n`),
};

export async function startStack(cfg: StackConfig, opts: StartStackOptions = {}): Promise<RunningStack> {
  const log = opts.log ?? stderrLog;
  await checkStackPorts(cfg);
  mkdirSync(cfg.dataDir, { recursive: true, mode: 0o700 });

  // Undone in reverse order on a failed start and on close.
  const undo: Array<() => Promise<unknown>> = [];
  const unwind = async (): Promise<void> => {
    while (undo.length > 0) {
      try {
        await undo.pop()!();
      } catch (e) {
        log.warn(`shutdown step failed: ${(e as Error).message}`);
      }
    }
  };
  try {
    const redis = await provideRedis(cfg.redisUrl ? { url: cfg.redisUrl } : {}).catch((e: unknown) => {
      if (!(e instanceof RedisMissingError)) throw e;
      log.warn(e.message);
      log.warn(
        'EMBEDDED MODE: no Redis, so propagation jobs (account JWT pushes to brokers) run in this process with the same ' +
          'retries and dead-letter rules, but waiting jobs and dead letters are kept in memory only and lost on exit. ' +
          'Production uses BullMQ on Redis: start Redis or set REDIS_URL.',
      );
      return null;
    });
    if (redis) undo.push(() => redis.stop());
    if (redis?.origin === 'started') log.info(`started redis-server at ${redis.url} (stopped on exit, nothing kept on disk)`);

    const local = `127.0.0.1`;
    const apiUrl = `http://${local}:${cfg.port}`;
    const resolverUrl = `${apiUrl}/jwt/v1/accounts/`;
    const env = cfg.controlPlaneEnv;
    const cpConfig = loadConfig({
      ...env,
      PORT: String(cfg.port),
      HOST: cfg.host,
      DATA_DIR: cfg.dataDir,
      DATABASE_URL: cfg.databaseUrl ?? '',
      // Embedded mode: no REDIS_URL, so the control plane opens no Redis (its queue is the in-process one below).
      REDIS_URL: redis ? redis.url : '',
      SWITCHBOARD_ADMIN_TOKEN_FILE: cfg.adminTokenFile,
      // Written into the operator JWT at bootstrap: what `switchboard server-config` points nats-server at.
      SWITCHBOARD_ACCOUNT_SERVER_URL: env.SWITCHBOARD_ACCOUNT_SERVER_URL || `${apiUrl}/jwt/v1`,
    });

    // The control plane produces propagation jobs; the worker below consumes them.
    const prefix = cfg.queuePrefix ? { prefix: cfg.queuePrefix } : {};
    let queue: PropagationQueue;
    let embedded: InProcessPropagationQueue | undefined;
    if (redis) {
      const queueConnection = redisConnection(redis.url);
      undo.push(() => queueConnection.quit());
      const bull = new BullPropagationQueue({ connection: queueConnection, ...prefix });
      undo.push(() => bull.close());
      queue = bull;
    } else {
      // Runs jobs once the worker below gives it the database and the system user; closed by the worker.
      queue = embedded = new InProcessPropagationQueue({ log: workerLog(log) });
    }

    const cp = await createControlPlane(cpConfig, { propagation: queue, logger: opts.controlPlaneLogLevels ?? ['warn', 'error'] });
    undo.push(() => cp.close());
    try {
      await cp.listen(cfg.port, cfg.host);
    } catch (e) {
      throw portError(e as NodeJS.ErrnoException, cfg.host, cfg.port, 'PORT');
    }

    const { db: database, keyring, app } = cp;
    const operator = await cp.operator();

    let broker: Broker;
    try {
      broker = await startBroker(
        {
          host: cfg.host,
          port: cfg.natsPort,
          httpPort: cfg.natsHttpPort,
          operators: [operator.jwt],
          systemAccount: operator.systemAccount,
          resolver: { type: 'URL', url: resolverUrl, cacheDir: path.join(cfg.dataDir, 'broker', 'jwt-cache') },
          // JetStream on, as tenants expect of a hosted NATS; each account gets its plan's limits
          // from its JWT (an account whose plan has none has JetStream off, 10039).
          jetstream: { ...defaultJetStreamOptions(), enabled: true, storeDir: path.join(cfg.dataDir, 'broker', 'jetstream') },
        },
        { logger: opts.brokerLogger ?? new ServerLogger({ debug: false, trace: false, time: true, file: '' }) },
      );
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw err.code ? portError(err, cfg.host, cfg.natsPort, (err as { port?: number }).port === cfg.natsHttpPort ? 'NATS_HTTP_PORT' : 'NATS_PORT') : err;
    }
    undo.push(() => broker.close());
    const natsUrl = `nats://${local}:${broker.port}`;

    // Registered like any broker (/v1/brokers): the worker pushes to every row of that table.
    const monitorUrl = broker.httpPort ? `http://${local}:${broker.httpPort}` : null;
    await database.prisma.broker.upsert({
      where: { name: cfg.brokerName },
      create: { name: cfg.brokerName, url: natsUrl, monitorUrl },
      update: { url: natsUrl, monitorUrl },
    });
    const keys = await loadOperatorSigner(database.prisma, keyring);
    const common = {
      db: database.prisma,
      systemCreds: await loadSystemCreds(database.prisma, keyring),
      // Monthly quotas: over-quota accounts are re-signed (publishers held) by the operator's signing key.
      ...(keys ? { quota: { signer: keys.signer } } : {}),
      log: workerLog(log),
      // The worker's pushes (latency, failures) show in the control plane's /metrics.
      observer: cp.pushObserver,
    };
    const worker = embedded
      ? await startEmbeddedWorker({ ...common, queue: embedded })
      : await startWorker({ ...common, redisUrl: redis!.url, ...(cfg.queuePrefix ? { queuePrefix: cfg.queuePrefix } : {}) });
    undo.push(() => worker.close());

    let closing: Promise<void> | undefined;
    return {
      apiUrl,
      natsUrl,
      monitorUrl: broker.httpPort ? `http://${local}:${broker.httpPort}` : '',
      resolverUrl,
      redis,
      database: cfg.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PostgreSQL (PGlite) in ${cfg.dataDir}`,
      adminTokenFile: cfg.adminTokenFile,
      broker,
      app,
      worker,
      close: () => (closing ??= unwind()),
    };
  } catch (e) {
    await unwind();
    throw e;
  }
}

function workerLog(log: Logger): Logger {
  return { info: (m) => log.info(`worker: ${m}`), warn: (m) => log.warn(`worker: ${m}`), error: (m) => log.error(`worker: ${m}`) };
}
