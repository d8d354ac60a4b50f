// Fixed-window counter per key (client IP), in memory: enough for one instance; behind a load
// balancer each instance limits separately (documented). Not the broker's RateLimiter
// (@switchboard/accounts: a token bucket that pauses publishers): this one admits or refuses.
export class FixedWindowLimiter {
  private readonly hits = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True if `key` may go ahead (and counts it). */
  take(key: string): boolean {
    const t = this.now();
    let w = this.hits.get(key);
    if (!w || t - w.start >= this.windowMs) {
      if (this.hits.size > 10_000) this.prune(t);
      w = { start: t, count: 0 };
      this.hits.set(key, w);
    }
    if (w.count >= this.max) return false;
    w.count++;
    return true;
  }

  /** How long until `key` may go ahead again (0 if it may now). */
  retryAfterMs(key: string): number {
    const t = this.now();
    const w = this.hits.get(key);
    if (!w || w.count < this.max || t - w.start >= this.windowMs) return 0;
    return w.start + this.windowMs - t;
  }

  private prune(t: number): void {
    for (const [k, w] of this.hits) if (t - w.start >= this.windowMs) this.hits.delete(k);
  }
}
