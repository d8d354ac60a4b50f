import { Conn, type Endpoint } from '../conn.js';
import { pubFrames } from '../frames.js';

const INBOX = 'bench.inbox.';

export interface RequesterOptions {
  subject: string;
  size: number;
  /** Requests in flight at once; 1 = strictly sequential. */
  concurrency: number;
  warmupMs: number;
  measureMs: number;
  maxSamples: number;
}

/**
 * Sends requests and times each round trip with process.hrtime.bigint(). Each slot has its
 * own reply subject and sends its next request as soon as its reply arrives. Samples taken
 * during the warm-up are discarded.
 */
export class Requester extends Conn {
  readonly samples: Float64Array;
  count = 0;
  private readonly frames: Buffer[] = [];
  private readonly sentAt: BigInt64Array;
  private recordFrom = 0n;
  private stopAt = 0n;
  private active = 0;
  private finished!: () => void;

  constructor(
    ep: Endpoint,
    private readonly opts: RequesterOptions,
    onFailure: (message: string) => void,
  ) {
    super(ep, onFailure);
    this.samples = new Float64Array(opts.maxSamples);
    this.sentAt = new BigInt64Array(opts.concurrency);
    for (let j = 0; j < opts.concurrency; j++) {
      this.frames.push(pubFrames(opts.subject, INBOX + j, opts.size, 1));
    }
  }

  async prepare(): Promise<void> {
    await this.ready;
    this.socket.write(`SUB ${INBOX}* 1\r\n`);
    await this.flush();
  }

  /** Runs warm-up then measurement; resolves when every slot has had its last reply. */
  run(): Promise<void> {
    const now = process.hrtime.bigint();
    this.recordFrom = now + BigInt(this.opts.warmupMs) * 1_000_000n;
    this.stopAt = this.recordFrom + BigInt(this.opts.measureMs) * 1_000_000n;
    const done = new Promise<void>((resolve) => (this.finished = resolve));
    this.active = this.opts.concurrency;
    for (let j = 0; j < this.opts.concurrency; j++) this.send(j);
    return done;
  }

  override onMsg(subject: string): void {
    const now = process.hrtime.bigint();
    const slot = Number(subject.slice(INBOX.length));
    if (!(slot >= 0 && slot < this.opts.concurrency)) return;
    const sentAt = this.sentAt[slot]!;
    if (sentAt >= this.recordFrom && this.count < this.samples.length) {
      this.samples[this.count++] = Number(now - sentAt) / 1000;
    }
    if (now >= this.stopAt || this.count >= this.samples.length) {
      if (--this.active === 0) this.finished();
      return;
    }
    this.send(slot);
  }

  private send(slot: number): void {
    this.sentAt[slot] = process.hrtime.bigint();
    this.socket.write(this.frames[slot]!);
  }
}
