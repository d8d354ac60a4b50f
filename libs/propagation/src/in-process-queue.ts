// Embedded mode (`npm start` with no Redis): account-jwt jobs run in this process, by the rules
// of the BullMQ path (bull-queue.ts + propagation-worker.ts): one job per account at a time,
// enqueues coalesce while it waits, one follow-up run for a change made while it runs, retries
// with exponential backoff, a dead letter after the last attempt. What BullMQ adds and this does
// not: jobs and dead letters survive a restart (here they are lost on exit; the resolver URL and
// the next change cover the brokers) and several workers share the load.
import type { InspectableQueue, PropagationQueue, QueueCounts } from '@switchboard/issuer';
import { checkKey } from './account-key.js';
import type { Logger } from '@switchboard/config';
import { backoffDelay, DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MS, runAttempt, type DeadLetter, type RetryPolicy } from './attempt.js';
import type { AccountJobData, PropagationDeps, PropagationResult } from './propagate.js';

export interface InProcessQueueOptions extends RetryPolicy {
  /** Jobs in flight at once (default 200, as the BullMQ worker). */
  concurrency?: number;
  log?: Logger;
  /** Called with each job's result (tests, metrics). */
  onCompleted?: (result: PropagationResult) => void;
}

interface Job {
  data: AccountJobData;
  attemptsMade: number;
}

/** Dead letters kept, newest last (the BullMQ queue keeps 1000 failed jobs too). */
const DEAD_LETTERS_KEPT = 1000;

export class InProcessPropagationQueue implements PropagationQueue, InspectableQueue {
  private deps: PropagationDeps | undefined;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly concurrency: number;
  private readonly log: Logger;
  /** Per account: waiting, running or waiting out a backoff. An enqueue then adds nothing new. */
  private readonly jobs = new Map<string, { state: 'waiting' | 'active' | 'delayed'; followUp: boolean; timer?: NodeJS.Timeout }>();
  private readonly ready: Job[] = [];
  private running = 0;
  private readonly dead: DeadLetter[] = [];
  private closed = false;
  private readonly settled = new Set<() => void>();

  constructor(private readonly opts: InProcessQueueOptions = {}) {
    this.attempts = opts.attempts ?? DEFAULT_ATTEMPTS;
    this.backoffMs = opts.backoffMs ?? DEFAULT_BACKOFF_MS;
    this.concurrency = opts.concurrency ?? 200;
    this.log = opts.log ?? console;
  }

  /**
   * Starts running jobs with these dependencies. Jobs enqueued before wait: the control plane is
   * built (and may enqueue) before the database it opens can give the worker its system user.
   */
  start(deps: PropagationDeps): void {
    this.deps = deps;
    this.pump();
  }

  async enqueueAccount(publicKey: string): Promise<void> {
    checkKey(publicKey);
    this.add(publicKey);
  }

  async enqueueAccounts(publicKeys: readonly string[]): Promise<void> {
    for (const k of publicKeys) checkKey(k);
    for (const k of publicKeys) this.add(k);
  }

  counts(): Promise<QueueCounts> {
    const c = { waiting: 0, active: 0, retrying: 0, dead: this.dead.length };
    for (const j of this.jobs.values()) c[j.state === 'delayed' ? 'retrying' : j.state]++;
    return Promise.resolve(c);
  }

  deadLetters(limit = 1000): Promise<DeadLetter[]> {
    return Promise.resolve(this.dead.slice(0, limit));
  }

  /** Queues every dead-lettered account again and empties the dead letters. */
  async replayDeadLetters(): Promise<number> {
    const accounts = this.dead.splice(0).map((d) => d.account);
    await this.enqueueAccounts(accounts);
    return accounts.length;
  }

  /** Jobs waiting, running or waiting for a retry. */
  get size(): number {
    return this.jobs.size;
  }

  /** Takes no more jobs, drops waiting ones and pending retries, and waits for running ones. */
  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.jobs.values()) clearTimeout(j.timer);
    this.ready.length = 0;
    while (this.running > 0) await new Promise<void>((r) => this.settled.add(r));
    this.jobs.clear();
  }

  private add(account: string): void {
    if (this.closed) return;
    const j = this.jobs.get(account);
    if (j?.state === 'active') j.followUp = true;
    if (j) return;
    this.jobs.set(account, { state: 'waiting', followUp: false });
    this.ready.push({ data: { account }, attemptsMade: 0 });
    this.pump();
  }

  private pump(): void {
    while (this.deps && !this.closed && this.running < this.concurrency && this.ready.length > 0) {
      const job = this.ready.shift()!;
      this.running++;
      this.jobs.get(job.data.account)!.state = 'active';
      void this.run(job, this.deps).finally(() => {
        this.running--;
        for (const r of this.settled) r();
        this.settled.clear();
        this.pump();
      });
    }
  }

  private async run(job: Job, deps: PropagationDeps): Promise<void> {
    const { account } = job.data;
    const out = await runAttempt(job.data, job.attemptsMade, this.attempts, deps, this.log);
    const entry = this.jobs.get(account);
    if (this.closed || !entry) return;
    if (out.ok) this.opts.onCompleted?.(out.result);
    else if (out.dead && this.dead.push(out.dead) > DEAD_LETTERS_KEPT) this.dead.shift();
    if (entry.followUp) {
      // A change arrived while this ran: one fresh job reads the newest JWT (and replaces a retry).
      this.jobs.set(account, { state: 'waiting', followUp: false });
      this.ready.push({ data: { account }, attemptsMade: 0 });
    } else if (!out.ok && !out.dead) {
      entry.state = 'delayed';
      const next: Job = { data: out.data, attemptsMade: job.attemptsMade + 1 };
      entry.timer = setTimeout(
        () => {
          entry.timer = undefined;
          entry.state = 'waiting';
          this.ready.push(next);
          this.pump();
        },
        backoffDelay(this.backoffMs, next.attemptsMade),
      );
      entry.timer.unref();
    } else {
      this.jobs.delete(account);
    }
  }
}
