// Sign-in attempts: failures counted per email and per client address in a sliding window; past the
// limit the next attempt is refused before the password is checked, with the time to wait.
// In memory, per instance (as the signup limit): behind a load balancer each instance counts alone.
export interface SignInLimits {
  /** Failed attempts allowed per email within the window. */
  perEmail: number;
  /** Failed attempts allowed per client address within the window. */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perEmail: 5, perAddress: 20, windowMs: 15 * 60_000 };

export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds to wait before `email` may try again from `address`; 0 = go ahead. */
  retryAfter(email: string, address: string): number {
    const t = this.now();
    return Math.max(this.wait(`e:${email}`, this.limits.perEmail, t), this.wait(`a:${address}`, this.limits.perAddress, t));
  }

  failed(email: string, address: string): void {
    const t = this.now();
    if (this.failures.size > 10_000) this.prune(t);
    for (const k of [`e:${email}`, `a:${address}`]) {
      const list = this.recent(k, t);
      list.push(t);
      this.failures.set(k, list);
    }
  }

  /** A good password clears the email's failures (not the address's: one address may try many emails). */
  succeeded(email: string): void {
    this.failures.delete(`e:${email}`);
  }

  private recent(key: string, t: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => t - at < this.limits.windowMs);
  }

  private wait(key: string, max: number, t: number): number {
    const list = this.recent(key, t);
    if (list.length < max) return 0;
    return list[list.length - max]! + this.limits.windowMs - t;
  }

  private prune(t: number): void {
    for (const [k, list] of this.failures) if (list.every((at) => t - at >= this.limits.windowMs)) this.failures.delete(k);
  }
}
