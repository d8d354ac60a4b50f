// The consumer side: runs account-jwt jobs with BullMQ, retries with exponential backoff, and
// records a job that failed its last attempt in the account-jwt-dead queue with the reason.
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ACCOUNT_JWT_QUEUE, DEAD_LETTER_QUEUE, type DeadLetter } from './bull-queue.js';
import { PropagationError, propagateAccount, type AccountJobData, type PropagationDeps, type PropagationResult } from './propagate.js';

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface PropagationWorkerOptions {
  /** An ioredis connection created with `maxRetriesPerRequest: null`; the caller owns it. */
  connection: Redis;
  prefix?: string;
  /** Jobs in flight at once; pushes to one broker pipeline on its single connection (default 200). */
  concurrency?: number;
  deps: PropagationDeps;
  log?: Logger;
}

export class PropagationWorker {
  readonly worker: Worker<AccountJobData, PropagationResult>;
  private readonly dead: Queue<DeadLetter>;
  private readonly deps: PropagationDeps;
  private readonly log: Logger;

  constructor(opts: PropagationWorkerOptions) {
    const base = { connection: opts.connection, ...(opts.prefix ? { prefix: opts.prefix } : {}) };
    this.deps = opts.deps;
    this.log = opts.log ?? console;
    this.dead = new Queue<DeadLetter>(DEAD_LETTER_QUEUE, base);
    this.worker = new Worker<AccountJobData, PropagationResult>(ACCOUNT_JWT_QUEUE, (job) => this.process(job), {
      ...base,
      concurrency: opts.concurrency ?? 200,
    });
    // Without a listener an 'error' event (Redis hiccup) would throw out of the emitter.
    this.worker.on('error', (e) => this.log.error(`propagation worker: ${e.message}`));
  }

  /** Resolves once the worker is connected and taking jobs. */
  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  /** Stops taking jobs, waits for running ones to finish, then closes. */
  async close(): Promise<void> {
    await this.worker.close();
    await this.dead.close();
  }

  private async process(job: Job<AccountJobData, PropagationResult>): Promise<PropagationResult> {
    const attempts = job.opts.attempts ?? 1;
    const last = job.attemptsMade + 1 >= attempts;
    let error: Error;
    try {
      const result = await propagateAccount(job.data, this.deps);
      if (result.failed.length === 0) return result;
      // Remember which brokers took this JWT so the retry pushes only to the others.
      await job.updateData({ account: job.data.account, delivered: result.delivered });
      error = new PropagationError(result.account, result.failed);
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
    }
    if (last) {
      await this.dead.add('dead', {
        account: job.data.account,
        reason: error.message,
        failed: error instanceof PropagationError ? [...error.failed] : [],
        attempts: job.attemptsMade + 1,
        failedAt: new Date().toISOString(),
      });
      this.log.error(`propagation dead-lettered after ${job.attemptsMade + 1} attempts: ${error.message}`);
    } else {
      this.log.warn(`propagation attempt ${job.attemptsMade + 1}/${attempts} failed: ${error.message}`);
    }
    throw error;
  }
}
