import { describe, expect, it } from 'vitest';
import { FixedWindowLimiter } from '../src/signup/fixed-window.js';

describe('FixedWindowLimiter', () => {
  it('allows max per window per key, then again once the window has passed', () => {
    let now = 0;
    const r = new FixedWindowLimiter(2, 1000, () => now);
    expect([r.take('a'), r.take('a'), r.take('a')]).toEqual([true, true, false]);
    expect(r.take('b')).toBe(true);
    now = 999;
    expect(r.take('a')).toBe(false);
    now = 1000;
    expect([r.take('a'), r.take('a'), r.take('a')]).toEqual([true, true, false]);
  });
});
