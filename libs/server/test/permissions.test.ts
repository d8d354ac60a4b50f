import { describe, expect, it } from 'vitest';
import { ReplyPermits } from '../src/permissions.js';

describe('ReplyPermits (allow_responses)', () => {
  it('allows up to maxMsgs replies per request, and none to unknown subjects', () => {
    const p = new ReplyPermits({ maxMsgs: 2, ttlMs: 0 });
    expect(p.allow('r.1', 0)).toBe(false);
    p.track('r.1', 0);
    expect([p.allow('r.1', 1), p.allow('r.1', 2), p.allow('r.1', 3)]).toEqual([true, true, false]);
    // A new request on the same reply subject starts over.
    p.track('r.1', 10);
    expect(p.allow('r.1', 11)).toBe(true);
  });

  it('refuses replies after the ttl (clock passed in, no sleeping)', () => {
    const p = new ReplyPermits({ maxMsgs: 0, ttlMs: 1_000 });
    p.track('r', 5_000);
    expect(p.allow('r', 6_000)).toBe(true);
    expect(p.allow('r', 6_001)).toBe(false);
    expect(p.size).toBe(0);
  });

  it('stays bounded when requests are never answered', () => {
    const expiring = new ReplyPermits({ maxMsgs: 1, ttlMs: 100 });
    for (let i = 0; i < 20_000; i++) expiring.track(`r.${i}`, i);
    expect(expiring.size).toBeLessThanOrEqual(4096);
    const forever = new ReplyPermits({ maxMsgs: 0, ttlMs: 0 });
    for (let i = 0; i < 20_000; i++) forever.track(`r.${i}`, 0);
    expect(forever.size).toBeLessThanOrEqual(4096);
    // The newest survive a sweep.
    expect(forever.allow('r.19999', 0)).toBe(true);
  });
});
