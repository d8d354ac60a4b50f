// Worker settings from the environment. Every problem is reported by variable name.
import { readFileSync } from 'node:fs';
import { parseCreds } from '@switchboard/nats-jwt';
import { parseBrokerList } from '@switchboard/propagation';

export interface WorkerConfig {
  redisUrl: string;
  /** PostgreSQL; when absent the embedded database under dataDir is used. */
  databaseUrl?: string;
  dataDir?: string;
  /** Brokers pushed to besides those registered in the database (SWITCHBOARD_BROKERS). */
  brokers: string[];
  /** Contents of SWITCHBOARD_SYSTEM_CREDS; absent: the operator's system user from the database. */
  systemCreds?: string;
  concurrency: number;
  /** BullMQ Redis key prefix (default `bull`). */
  queuePrefix?: string;
  /** SWITCHBOARD_MASTER_KEY / SWITCHBOARD_MASTER_KEY_FILE: opens the system user's seed from the database. */
  masterKey?: string;
  masterKeyFile?: string;
  /** METRICS_PORT: serve /metrics there (on METRICS_HOST, default 0.0.0.0); absent: no HTTP at all. */
  metrics?: { port: number; host: string };
}

export class WorkerConfigError extends Error {
  override readonly name = 'WorkerConfigError';
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const redisUrl = env.REDIS_URL || 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\//.test(redisUrl)) throw new WorkerConfigError(`REDIS_URL must start with redis:// or rediss:// (got ${redisUrl.split(':')[0]}:)`);
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new WorkerConfigError('DATABASE_URL must start with postgresql://');
  const dataDir = env.DATA_DIR || undefined;
  if (!databaseUrl && !dataDir) throw new WorkerConfigError('set DATABASE_URL (PostgreSQL), or DATA_DIR for the embedded database');

  let brokers: string[];
  try {
    brokers = parseBrokerList(env.SWITCHBOARD_BROKERS ?? '');
  } catch (e) {
    throw new WorkerConfigError(`SWITCHBOARD_BROKERS: ${(e as Error).message}`);
  }

  const credsPath = env.SWITCHBOARD_SYSTEM_CREDS;
  let systemCreds: string | undefined;
  if (credsPath) {
    systemCreds = readCreds(credsPath);
  }

  const concurrency = env.WORKER_CONCURRENCY ? Number(env.WORKER_CONCURRENCY) : 200;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000) {
    throw new WorkerConfigError(`WORKER_CONCURRENCY must be an integer from 1 to 10000 (got ${env.WORKER_CONCURRENCY})`);
  }
  const metricsPort = env.METRICS_PORT ? Number(env.METRICS_PORT) : undefined;
  if (metricsPort !== undefined && (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65_535)) {
    throw new WorkerConfigError(`METRICS_PORT must be a port number from 0 to 65535 (got ${env.METRICS_PORT})`);
  }
  return {
    redisUrl,
    ...(metricsPort !== undefined ? { metrics: { port: metricsPort, host: env.METRICS_HOST || '0.0.0.0' } } : {}),
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(dataDir ? { dataDir } : {}),
    brokers,
    ...(systemCreds ? { systemCreds } : {}),
    concurrency,
    ...(env.QUEUE_PREFIX ? { queuePrefix: env.QUEUE_PREFIX } : {}),
    ...(env.SWITCHBOARD_MASTER_KEY ? { masterKey: env.SWITCHBOARD_MASTER_KEY } : {}),
    ...(env.SWITCHBOARD_MASTER_KEY_FILE ? { masterKeyFile: env.SWITCHBOARD_MASTER_KEY_FILE } : {}),
  };
}

function readCreds(credsPath: string): string {
  let systemCreds: string;
  try {
    systemCreds = readFileSync(credsPath, 'utf8');
  } catch (e) {
    throw new WorkerConfigError(`SWITCHBOARD_SYSTEM_CREDS: cannot read ${credsPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    parseCreds(systemCreds);
  } catch (e) {
    throw new WorkerConfigError(`SWITCHBOARD_SYSTEM_CREDS: ${credsPath}: ${(e as Error).message}`);
  }
  return systemCreds;
}
