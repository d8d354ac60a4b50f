import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Pinger } from '../src/pinger.js';

class Target {
  lastActivity = Date.now();
  pings = 0;
  stale = false;
  sendPing(): void {
    this.pings++;
  }
  staleConnection(): void {
    this.stale = true;
  }
}

describe('Pinger (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings a quiet client every interval and declares it stale after ping_max unanswered', () => {
    const t = new Target();
    const p = new Pinger(t, 1_000, 2);
    p.start();
    vi.advanceTimersByTime(1_000);
    expect(t.pings).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(t.pings).toBe(2);
    expect(t.stale).toBe(false);
    vi.advanceTimersByTime(1_000);
    expect(t.stale).toBe(true);
    expect(t.pings).toBe(2);
  });

  it('a PONG resets the count and yields the round trip', () => {
    const t = new Target();
    const p = new Pinger(t, 1_000, 1);
    p.start();
    vi.advanceTimersByTime(1_000);
    expect(t.pings).toBe(1);
    vi.advanceTimersByTime(5);
    expect(p.pongReceived()).toBeGreaterThanOrEqual(0);
    expect(p.pongReceived()).toBe(-1); // nothing pending any more
    vi.advanceTimersByTime(1_000);
    expect(t.pings).toBe(2);
    expect(t.stale).toBe(false);
  });

  it('skips the PING while the client shows activity, and stops on stop()', () => {
    const t = new Target();
    const p = new Pinger(t, 1_000, 1);
    p.start();
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(500);
      t.lastActivity = Date.now();
    }
    expect(t.pings).toBe(0);
    p.pingReceived();
    vi.advanceTimersByTime(999);
    expect(t.pings).toBe(0);
    p.stop();
    vi.advanceTimersByTime(10_000);
    expect(t.pings).toBe(0);
  });

  it('the first PING comes after at most 2 s', () => {
    const t = new Target();
    const p = new Pinger(t, 120_000, 2);
    t.lastActivity = Date.now() - 200_000;
    p.start();
    vi.advanceTimersByTime(2_000);
    expect(t.pings).toBe(1);
    p.stop();
  });
});
