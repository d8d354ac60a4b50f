// Every change of an account JWT is announced here after its transaction commits; the worker backs
// this with a BullMQ queue that pushes the JWT to each broker (the resolver URL covers misses).

export interface PropagationQueue {
  /** Push the current JWT of this account (by public key) to every broker. */
  enqueueAccount(publicKey: string): Promise<void>;
  /** The same for many accounts at once (a newly registered broker gets every account). */
  enqueueAccounts(publicKeys: readonly string[]): Promise<void>;
}

/** Default until a real queue is wired in: remembers the calls (tests read them). */
export class RecordingPropagationQueue implements PropagationQueue {
  readonly enqueued: string[] = [];

  enqueueAccount(publicKey: string): Promise<void> {
    this.enqueued.push(publicKey);
    return Promise.resolve();
  }

  enqueueAccounts(publicKeys: readonly string[]): Promise<void> {
    this.enqueued.push(...publicKeys);
    return Promise.resolve();
  }
}
