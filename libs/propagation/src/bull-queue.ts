// The producer side: the control plane calls enqueueAccount after every change of an account JWT.
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { InspectableQueue, PropagationQueue, QueueCounts } from '@switchboard/issuer';
import { checkKey } from './account-key.js';
import { DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MS, type DeadLetter, type RetryPolicy } from './attempt.js';
import type { AccountJobData } from './propagate.js';

export const ACCOUNT_JWT_QUEUE = 'account-jwt';
export const DEAD_LETTER_QUEUE = 'account-jwt-dead';

export type { PropagationQueue, DeadLetter, RetryPolicy };

export interface BullQueueOptions extends RetryPolicy {
  /** An ioredis connection created with `maxRetriesPerRequest: null`; the caller owns it. */
  connection: Redis;
  /** Redis key prefix (default `bull`); tests use one per run. */
  prefix?: string;
}

export class BullPropagationQueue implements PropagationQueue, InspectableQueue {
  readonly queue: Queue<AccountJobData>;
  readonly dead: Queue<DeadLetter>;
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(opts: BullQueueOptions) {
    const base = { connection: opts.connection, ...(opts.prefix ? { prefix: opts.prefix } : {}) };
    this.queue = new Queue<AccountJobData>(ACCOUNT_JWT_QUEUE, base);
    this.dead = new Queue<DeadLetter>(DEAD_LETTER_QUEUE, base);
    this.attempts = opts.attempts ?? DEFAULT_ATTEMPTS;
    this.backoffMs = opts.backoffMs ?? DEFAULT_BACKOFF_MS;
  }

  async enqueueAccount(publicKey: string): Promise<void> {
    checkKey(publicKey);
    await this.queue.add('account', { account: publicKey }, this.jobOptions(publicKey));
  }

  /** Bulk form (a new broker, a re-sync): one Redis round trip per 1000 accounts. */
  async enqueueAccounts(publicKeys: readonly string[]): Promise<void> {
    for (const k of publicKeys) checkKey(k);
    for (let i = 0; i < publicKeys.length; i += 1000) {
      const chunk = [...new Set(publicKeys.slice(i, i + 1000))];
      await this.queue.addBulk(chunk.map((k) => ({ name: 'account', data: { account: k }, opts: this.jobOptions(k) })));
    }
  }

  async counts(): Promise<QueueCounts> {
    const [c, dead] = await Promise.all([this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed'), this.dead.getJobCountByTypes('waiting')]);
    return { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, retrying: c.delayed ?? 0, dead };
  }

  async deadLetters(limit = 1000): Promise<DeadLetter[]> {
    const jobs = await this.dead.getJobs(['waiting'], 0, limit - 1, true);
    return jobs.map((j) => j.data);
  }

  /** Queues every dead-lettered account again (after the broker is fixed) and empties the dead-letter queue. */
  async replayDeadLetters(): Promise<number> {
    const jobs = await this.dead.getJobs(['waiting']);
    await this.enqueueAccounts(jobs.map((j) => j.data.account));
    await Promise.all(jobs.map((j) => j.remove()));
    return jobs.length;
  }

  async close(): Promise<void> {
    await Promise.all([this.queue.close(), this.dead.close()]);
  }

  // Coalescing: the deduplication id is the account key, so enqueues made while a job for that
  // account waits are dropped (the job reads the newest JWT when it runs). keepLastIfActive covers
  // the one gap a plain `jobId` leaves: an enqueue while the job is already running (it may have
  // read the JWT before the change) schedules exactly one follow-up run instead of being lost.
  private jobOptions(publicKey: string): JobsOptions {
    return {
      deduplication: { id: publicKey, keepLastIfActive: true },
      attempts: this.attempts,
      backoff: { type: 'exponential', delay: this.backoffMs },
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    };
  }
}
