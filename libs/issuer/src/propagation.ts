// Every change of an account JWT is announced here after its transaction commits; the worker backs
// this with a BullMQ queue that pushes the JWT to each broker (the resolver URL covers misses).

export interface PropagationQueue {
  /** Push the current JWT of this account (by public key) to every broker. */
  enqueueAccount(publicKey: string): Promise<void>;
  /** The same for many accounts at once (a newly registered broker gets every account). */
  enqueueAccounts(publicKeys: readonly string[]): Promise<void>;
}

/** A dead-lettered job as the operator sees it (the propagation lib's DeadLetter has these fields and more). */
export interface DeadLetterView {
  account: string;
  reason: string;
  attempts: number;
  failedAt: string;
}

/** Jobs waiting to run, running, waiting out a retry backoff; dead letters kept. */
export interface QueueCounts {
  waiting: number;
  active: number;
  retrying: number;
  dead: number;
}

/** What a queue can tell about itself and redo: the console's propagation page and /metrics (both real queues have it). */
export interface InspectableQueue {
  counts(): Promise<QueueCounts>;
  deadLetters(limit?: number): Promise<DeadLetterView[]>;
  /** Queues every dead-lettered account again; returns how many. */
  replayDeadLetters(): Promise<number>;
}

export const isInspectable = (q: PropagationQueue): q is PropagationQueue & InspectableQueue =>
  typeof (q as Partial<InspectableQueue>).counts === 'function' && typeof (q as Partial<InspectableQueue>).replayDeadLetters === 'function';

/** Default until a real queue is wired in: remembers the calls (tests read them). */
export class RecordingPropagationQueue implements PropagationQueue, InspectableQueue {
  readonly enqueued: string[] = [];
  /** Tests put dead letters here to see them listed and replayed. */
  readonly dead: DeadLetterView[] = [];

  counts(): Promise<QueueCounts> {
    return Promise.resolve({ waiting: 0, active: 0, retrying: 0, dead: this.dead.length });
  }

  deadLetters(limit = 1000): Promise<DeadLetterView[]> {
    return Promise.resolve(this.dead.slice(0, limit));
  }

  async replayDeadLetters(): Promise<number> {
    const accounts = this.dead.splice(0).map((d) => d.account);
    await this.enqueueAccounts(accounts);
    return accounts.length;
  }

  enqueueAccount(publicKey: string): Promise<void> {
    this.enqueued.push(publicKey);
    return Promise.resolve();
  }

  enqueueAccounts(publicKeys: readonly string[]): Promise<void> {
    this.enqueued.push(...publicKeys);
    return Promise.resolve();
  }
}
