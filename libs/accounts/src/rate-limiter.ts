/** A connection the limiter can stop and restart reading (the broker's client). */
export interface Throttled {
  /** The account is under its rate again: resume reading (unless paused for another reason). */
  rateResume(): void;
}

/** Burst allowance: this many seconds' worth of tokens can be spent at once. */
const BURST_SECONDS = 0.05;

/**
 * Per-account publish rate (messages/s and bytes/s), one token bucket per dimension. The broker
 * charges what each read chunk published, after the chunk: a chunk may overdraw the bucket
 * (tokens go negative), and then the account's publishers are parked — their sockets stop being
 * read, like TCP back-pressure — until the debt is repaid. One timer per account, none per
 * message; nothing is dropped.
 */
export class RateLimiter {
  private msgRate = 0;
  private byteRate = 0;
  private msgTokens = 0;
  private byteTokens = 0;
  private last: number;
  private readonly parked: Throttled[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** Times a publisher was parked (monitoring, tests). */
  throttles = 0;

  constructor(
    rateMsgs: number,
    rateBytes: number,
    private readonly clock: () => number = performance.now.bind(performance),
  ) {
    this.last = clock();
    this.setRates(rateMsgs, rateBytes);
  }

  /** True when at least one rate is limited (-1 = unlimited). */
  get active(): boolean {
    return this.msgRate > 0 || this.byteRate > 0;
  }

  /** New limits, applied at once (a live JWT update); lifting them releases everyone parked. */
  setRates(rateMsgs: number, rateBytes: number): void {
    this.refill(this.clock());
    this.msgRate = rateMsgs >= 0 ? rateMsgs : 0;
    this.byteRate = rateBytes >= 0 ? rateBytes : 0;
    // A rate of 0 allows nothing: model it as a tiny rate so the bucket never refills in practice.
    if (rateMsgs === 0) this.msgRate = Number.MIN_VALUE;
    if (rateBytes === 0) this.byteRate = Number.MIN_VALUE;
    this.msgTokens = Math.min(this.msgTokens, this.msgRate * BURST_SECONDS);
    this.byteTokens = Math.min(this.byteTokens, this.byteRate * BURST_SECONDS);
    if (!this.active) {
      this.msgTokens = this.byteTokens = 0;
      this.releaseAll();
    } else if (this.parked.length > 0) this.schedule();
  }

  /** Charges one read chunk's publishes; true when the account is now over its rate (park the publisher). */
  charge(msgs: number, bytes: number): boolean {
    if (msgs === 0) return this.msgTokens < 0 || this.byteTokens < 0;
    this.refill(this.clock());
    if (this.msgRate > 0) this.msgTokens -= msgs;
    if (this.byteRate > 0) this.byteTokens -= bytes;
    return this.msgTokens < 0 || this.byteTokens < 0;
  }

  /** Stops `t` until the bucket is out of debt (the caller has paused its socket). */
  park(t: Throttled): void {
    this.throttles++;
    this.parked.push(t);
    if (this.timer === null) this.schedule();
  }

  /** A parked connection closed. */
  unpark(t: Throttled): void {
    const i = this.parked.indexOf(t);
    if (i >= 0) this.parked.splice(i, 1);
    if (this.parked.length === 0 && this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** Milliseconds until the debt is repaid (0 = none). */
  waitMs(): number {
    this.refill(this.clock());
    let s = 0;
    if (this.msgTokens < 0 && this.msgRate > 0) s = -this.msgTokens / this.msgRate;
    if (this.byteTokens < 0 && this.byteRate > 0) s = Math.max(s, -this.byteTokens / this.byteRate);
    return s * 1000;
  }

  /** Stops the timer and releases everyone (the account goes away or the server stops). */
  stop(): void {
    this.releaseAll();
  }

  private refill(now: number): void {
    const dt = (now - this.last) / 1000;
    this.last = now;
    if (dt <= 0) return;
    if (this.msgRate > 0) this.msgTokens = Math.min(this.msgRate * BURST_SECONDS, this.msgTokens + dt * this.msgRate);
    if (this.byteRate > 0) this.byteTokens = Math.min(this.byteRate * BURST_SECONDS, this.byteTokens + dt * this.byteRate);
  }

  private schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    // setTimeout's range caps a near-zero rate; the timer re-arms until the debt is repaid.
    const ms = Math.min(0x7fffffff, Math.max(1, Math.ceil(this.waitMs())));
    this.timer = setTimeout(this.onTimer, ms);
    this.timer.unref();
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    if (this.waitMs() > 0) return this.schedule();
    this.releaseAll();
  };

  private releaseAll(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const list = this.parked.splice(0);
    for (let i = 0; i < list.length; i++) list[i]!.rateResume();
  }
}
