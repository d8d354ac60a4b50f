// The consumer side: runs account-jwt jobs with BullMQ, retries with exponential backoff, and
// records a job that failed its last attempt in the account-jwt-dead queue with the reason.
import { Queue, Worker, type Job } from 'bullmq';
import type { Logger } from '@switchboard/config';
import type { Redis } from 'ioredis';
import { runAttempt, type DeadLetter } from './attempt.js';
import { ACCOUNT_JWT_QUEUE, DEAD_LETTER_QUEUE } from './bull-queue.js';
import type { AccountJobData, PropagationDeps, PropagationResult } from './propagate.js';

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
    const out = await runAttempt(job.data, job.attemptsMade, job.opts.attempts ?? 1, this.deps, this.log);
    if (out.ok) return out.result;
    // Remember which brokers took this JWT so the retry pushes only to the others.
    if (out.data !== job.data) await job.updateData(out.data);
    if (out.dead) await this.dead.add('dead', out.dead);
    throw out.error;
  }
}
