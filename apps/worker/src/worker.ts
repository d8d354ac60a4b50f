// The worker as a function: the standalone process (main.ts) and the embedded `npm start`
// process (which owns the PGlite database) both call startWorker; `npm start` without Redis calls
// startEmbeddedWorker (jobs in-process, same retry and dead-letter rules).
import type { Logger } from '@switchboard/config';
import type { Db } from '@switchboard/db';
import {
  BullPropagationQueue,
  ClaimsPusher,
  DbBrokers,
  DbJwtSource,
  InProcessPropagationQueue,
  ObservedPusher,
  PropagationWorker,
  redisConnection,
  type BrokerDirectory,
  type PushObserver,
  type Pusher,
  type PropagationQueue,
  type RetryPolicy,
} from '@switchboard/propagation';
import type { KeyPair } from '@nats-io/nkeys';
import { QuotaCheck, UsageCollector, UsageStore } from '@switchboard/usage';
import { Redis } from 'ioredis';

export interface StartWorkerOptions extends WorkerCommonOptions, RetryPolicy {
  redisUrl: string;
  concurrency?: number;
  queuePrefix?: string;
}

/** Embedded mode (`npm start` without Redis): jobs run in this process, on the queue the control plane was given. */
export interface StartEmbeddedWorkerOptions extends WorkerCommonOptions {
  queue: InProcessPropagationQueue;
}

interface WorkerCommonOptions {
  /** The control-plane database (embedded mode passes the one it already opened). */
  db: Db;
  /** Where to push; default: the database's `brokers` table plus `extraBrokers`. */
  brokers?: BrokerDirectory;
  extraBrokers?: readonly string[];
  /** Contents of the system account user's .creds file (the operator service's systemCreds()). */
  systemCreds: string;
  log?: Logger;
  /** The usage collector's broker list refresh (ms); false = no usage collection. */
  usageRefreshMs?: number | false;
  /** Told the duration and outcome of every push (the control plane's /metrics, when in the same process). */
  observer?: PushObserver;
  /** Monthly quota enforcement: the operator signing key to re-sign held/lifted accounts with (absent: off). */
  quota?: { signer: KeyPair; intervalMs?: number; now?: () => Date };
}

export interface RunningWorker {
  /** Producer on the same Redis: hand it to the control plane as its PropagationQueue. */
  readonly queue: BullPropagationQueue;
  readonly worker: PropagationWorker;
  /** Stores the brokers' usage events (null when turned off). */
  readonly usage: UsageCollector | null;
  /** The monthly quota check (null when off); runs every `quota.intervalMs` (default 60 s). */
  readonly quota: QuotaCheck | null;
  /** Stops taking jobs, lets running ones finish, closes broker and Redis connections. */
  close(): Promise<void>;
}

export interface RunningEmbeddedWorker {
  readonly queue: InProcessPropagationQueue;
  readonly usage: UsageCollector | null;
  readonly quota: QuotaCheck | null;
  /** Lets running jobs finish, drops waiting ones, closes broker connections. */
  close(): Promise<void>;
}

export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

export async function startWorker(opts: StartWorkerOptions): Promise<RunningWorker> {
  await checkRedis(opts.redisUrl);
  const redis = redisConnection(opts.redisUrl);
  const pusher = new ClaimsPusher({ creds: opts.systemCreds });
  const brokers = opts.brokers ?? new DbBrokers(opts.db, opts.extraBrokers ?? []);
  const prefix = opts.queuePrefix ? { prefix: opts.queuePrefix } : {};
  const queue = new BullPropagationQueue({ connection: redis, ...prefix, ...retry(opts) });
  const worker = new PropagationWorker({
    connection: redis,
    ...prefix,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(opts.log ? { log: opts.log } : {}),
    deps: { source: new DbJwtSource(opts.db), brokers, pusher: observed(pusher, opts) },
  });
  await worker.ready();
  const extras = await startUsageAndQuota(opts, brokers, queue);
  let closing: Promise<void> | undefined;
  return {
    queue,
    worker,
    usage: extras.usage,
    quota: extras.quota,
    close() {
      closing ??= (async () => {
        await extras.close();
        await worker.close();
        await Promise.all([queue.close(), pusher.close()]);
        await redis.quit();
      })();
      return closing;
    },
  };
}

export async function startEmbeddedWorker(opts: StartEmbeddedWorkerOptions): Promise<RunningEmbeddedWorker> {
  const pusher = new ClaimsPusher({ creds: opts.systemCreds });
  const brokers = opts.brokers ?? new DbBrokers(opts.db, opts.extraBrokers ?? []);
  opts.queue.start({ source: new DbJwtSource(opts.db), brokers, pusher: observed(pusher, opts) });
  const extras = await startUsageAndQuota(opts, brokers, opts.queue);
  let closing: Promise<void> | undefined;
  return {
    queue: opts.queue,
    usage: extras.usage,
    quota: extras.quota,
    close() {
      closing ??= (async () => {
        await extras.close();
        await opts.queue.close();
        await pusher.close();
      })();
      return closing;
    },
  };
}

// Usage: the same brokers and system user, events stored in the control-plane database.
// Quotas: held/lifted accounts are re-signed and go through the propagation queue.
async function startUsageAndQuota(
  opts: WorkerCommonOptions,
  brokers: BrokerDirectory,
  queue: Pick<PropagationQueue, 'enqueueAccount'>,
): Promise<{ usage: UsageCollector | null; quota: QuotaCheck | null; close(): Promise<void> }> {
  const usage =
    opts.usageRefreshMs === false
      ? null
      : new UsageCollector({
          creds: opts.systemCreds,
          brokers,
          store: new UsageStore(opts.db),
          ...(opts.usageRefreshMs ? { refreshMs: opts.usageRefreshMs } : {}),
          ...(opts.log ? { log: opts.log } : {}),
        });
  await usage?.start();
  const quota = opts.quota ? new QuotaCheck({ db: opts.db, signer: opts.quota.signer, queue, ...(opts.quota.now ? { now: opts.quota.now } : {}) }) : null;
  let checking: Promise<unknown> = Promise.resolve();
  const timer = quota
    ? setInterval(() => {
        checking = quota.run().then(
          (c) => c.held.length + c.lifted.length > 0 && opts.log?.info(`quota: held ${c.held.join(',') || '-'}; lifted ${c.lifted.join(',') || '-'}`),
          (e: unknown) => opts.log?.warn(`quota check failed: ${(e as Error).message}`),
        );
      }, opts.quota?.intervalMs ?? 60_000).unref()
    : undefined;
  return {
    usage,
    quota,
    async close() {
      clearInterval(timer);
      await checking;
      await usage?.close();
    },
  };
}

function observed(pusher: Pusher, opts: WorkerCommonOptions): Pusher {
  return opts.observer ? new ObservedPusher(pusher, opts.observer) : pusher;
}

function retry(p: RetryPolicy): RetryPolicy {
  return { ...(p.attempts ? { attempts: p.attempts } : {}), ...(p.backoffMs ? { backoffMs: p.backoffMs } : {}) };
}

/** Fails fast with a readable message instead of BullMQ retrying a dead Redis forever. */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<void> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let cause: Error | undefined;
  r.on('error', (e: Error) => (cause ??= e)); // the socket's error says more than connect()'s "Connection is closed."
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    throw new RedisUnavailableError(`cannot reach Redis at ${safeUrl(url)} (${(cause ?? (e as Error)).message}): set REDIS_URL or start redis-server`);
  } finally {
    r.disconnect();
  }
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.username = '';
    return u.toString();
  } catch {
    return '(invalid REDIS_URL)';
  }
}
