// Worker settings from the environment. Every problem is reported by variable name.
import { readFileSync } from 'node:fs';
import { parseCreds } from '@switchboard/nats-jwt';
import { parseBrokerList } from '@switchboard/propagation';

export interface WorkerConfig {
  redisUrl: string;
  /** PostgreSQL; when absent the embedded database under dataDir is used. */
  databaseUrl?: string;
  dataDir?: string;
  brokers: string[];
  /** Contents of the system account user's .creds file. */
  systemCreds: string;
  concurrency: number;
  /** BullMQ Redis key prefix (default `bull`). */
  queuePrefix?: string;
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
  if (brokers.length === 0) throw new WorkerConfigError('SWITCHBOARD_BROKERS is empty: list the brokers to push to, e.g. nats://a:4222,nats://b:4222');

  const credsPath = env.SWITCHBOARD_SYSTEM_CREDS;
  if (!credsPath) throw new WorkerConfigError('SWITCHBOARD_SYSTEM_CREDS is not set: give the path of the system account user .creds file');
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

  const concurrency = env.WORKER_CONCURRENCY ? Number(env.WORKER_CONCURRENCY) : 200;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000) {
    throw new WorkerConfigError(`WORKER_CONCURRENCY must be an integer from 1 to 10000 (got ${env.WORKER_CONCURRENCY})`);
  }
  return {
    redisUrl,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(dataDir ? { dataDir } : {}),
    brokers,
    systemCreds,
    concurrency,
    ...(env.QUEUE_PREFIX ? { queuePrefix: env.QUEUE_PREFIX } : {}),
  };
}
