import { describe, expect, it } from 'vitest';
import { RateLimiter, type Throttled } from '../src/rate-limiter.js';

class Conn implements Throttled {
  resumed = 0;
  rateResume(): void {
    this.resumed++;
  }
}

function clock(): { now: () => number; advance(ms: number): void } {
  let t = 1_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('RateLimiter', () => {
  it('lets a publisher run within its burst, then asks to park it once the bucket is overdrawn', () => {
    const c = clock();
    const r = new RateLimiter(1000, -1, c.now);
    // Starts empty: 50 ms of refill (the burst) before the first chunk.
    c.advance(50);
    expect(r.charge(50, 1_000_000)).toBe(false);
    expect(r.charge(1, 10)).toBe(true);
    expect(r.waitMs()).toBeCloseTo(1, 5);
  });

  it('charges bytes and messages separately; the larger debt decides the wait', () => {
    const c = clock();
    const r = new RateLimiter(1_000, 10_000, c.now);
    expect(r.charge(10, 5_000)).toBe(true);
    // 10 msgs at 1000/s = 10 ms; 5000 bytes at 10000/s = 500 ms.
    expect(r.waitMs()).toBeCloseTo(500, 5);
    c.advance(499);
    expect(r.waitMs()).toBeCloseTo(1, 5);
    c.advance(1);
    expect(r.waitMs()).toBe(0);
  });

  it('a chunk without publishes is never charged', () => {
    const c = clock();
    const r = new RateLimiter(10, 10, c.now);
    expect(r.charge(0, 0)).toBe(false);
    expect(r.waitMs()).toBe(0);
  });

  it('resumes every parked publisher once the debt is repaid (one timer for the account)', async () => {
    const r = new RateLimiter(1_000, -1);
    const a = new Conn();
    const b = new Conn();
    expect(r.charge(5, 0)).toBe(true);
    r.park(a);
    r.park(b);
    expect(r.throttles).toBe(2);
    const deadline = Date.now() + 5_000;
    while ((a.resumed === 0 || b.resumed === 0) && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 2));
    expect([a.resumed, b.resumed]).toEqual([1, 1]);
  });

  it('an unparked (closed) publisher is not resumed; lifting the limit releases the rest at once', () => {
    const c = clock();
    const r = new RateLimiter(1, -1, c.now);
    r.charge(1_000, 0);
    const gone = new Conn();
    const kept = new Conn();
    r.park(gone);
    r.park(kept);
    r.unpark(gone);
    r.setRates(-1, -1);
    expect(r.active).toBe(false);
    expect([gone.resumed, kept.resumed]).toEqual([0, 1]);
  });

  it('a live lower rate keeps the debt and lengthens the wait', () => {
    const c = clock();
    const r = new RateLimiter(1_000, -1, c.now);
    r.charge(100, 0);
    expect(r.waitMs()).toBeCloseTo(100, 5);
    r.setRates(100, -1);
    expect(r.waitMs()).toBeCloseTo(1_000, 5);
    r.stop();
  });
});
