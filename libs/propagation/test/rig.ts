// A queue + worker on a Redis prefix of their own, pushing through the real ClaimsPusher,
// with push counts per broker/account and an optional gate that holds the next push.
import {
  BullPropagationQueue,
  ClaimsPusher,
  DbBrokers,
  DbJwtSource,
  PropagationWorker,
  StaticBrokers,
  type PropagationResult,
  type PushOutcome,
  type Pusher,
} from '../src/index.js';
import type { Logger } from '@switchboard/config';
import type { World } from '@switchboard/testing';

export class CountingPusher implements Pusher {
  readonly calls: Array<{ broker: string; account: string; jwt: string }> = [];
  private gate: { opened: Promise<void>; reached: () => void } | undefined;

  constructor(readonly inner: ClaimsPusher) {}

  /** The next push waits until `release` is called; `reached` resolves when it is waiting. */
  holdNext(): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const opened = new Promise<void>((r) => (release = r));
    const reachedP = new Promise<void>((r) => (reached = r));
    this.gate = { opened, reached };
    return { reached: reachedP, release };
  }

  count(account: string, broker?: string): number {
    return this.calls.filter((c) => c.account === account && (broker === undefined || c.broker === broker)).length;
  }

  async push(broker: string, account: string, jwt: string): Promise<PushOutcome> {
    this.calls.push({ broker, account, jwt });
    const g = this.gate;
    if (g) {
      this.gate = undefined;
      g.reached();
      await g.opened;
    }
    return this.inner.push(broker, account, jwt);
  }
}

export class Rig {
  readonly queue: BullPropagationQueue;
  readonly pusher: CountingPusher;
  readonly logs: string[] = [];
  readonly completed: PropagationResult[] = [];
  readonly failures: string[] = [];
  worker: PropagationWorker | undefined;
  private readonly log: Logger = {
    info: (m) => this.logs.push(m),
    warn: (m) => this.logs.push(m),
    error: (m) => this.logs.push(m),
  };

  constructor(
    private readonly world: World,
    readonly prefix: string,
    /** brokers: the list pushed to, or 'db' for the brokers table (DbBrokers), as the worker runs. */
    private readonly opts: { brokers?: string[] | 'db'; attempts?: number; backoffMs?: number; concurrency?: number } = {},
  ) {
    this.queue = new BullPropagationQueue({ connection: world.redis, prefix, attempts: opts.attempts ?? 3, backoffMs: opts.backoffMs ?? 20 });
    // The client's default timeouts: the tests' brokers are local and either up or refused at once,
    // so short ones only risked taking a slow first connection on a loaded machine for a failed
    // push (and a retry, which the tests count).
    this.pusher = new CountingPusher(new ClaimsPusher({ creds: world.systemCreds }));
  }

  async startWorker(): Promise<PropagationWorker> {
    const w = new PropagationWorker({
      connection: this.world.redis,
      prefix: this.prefix,
      concurrency: this.opts.concurrency ?? 50,
      log: this.log,
      deps: {
        source: new DbJwtSource(this.world.db.prisma),
        brokers: this.opts.brokers === 'db' ? new DbBrokers(this.world.db.prisma) : new StaticBrokers(this.opts.brokers ?? [this.world.server.url]),
        pusher: this.pusher,
      },
    });
    w.worker.on('completed', (_job, r) => this.completed.push(r));
    w.worker.on('failed', (_job, e) => this.failures.push(e.message));
    await w.ready();
    this.worker = w;
    return w;
  }

  done(account: string): number {
    return this.completed.filter((r) => r.account === account).length;
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    await this.pusher.inner.close();
  }
}
