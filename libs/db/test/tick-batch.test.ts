import { describe, expect, it, vi } from 'vitest';
import { TickBatch, type Settled } from '../src/tick-batch.js';

/** A run function that records its batches and answers when told to. */
function recorder() {
  const batches: number[][] = [];
  const release: Array<() => void> = [];
  const run = (xs: number[]): Promise<Settled<number>[]> => {
    batches.push(xs);
    return new Promise((r) => release.push(() => r(xs.map((x) => (x < 0 ? { ok: false, error: new Error(`neg ${x}`) } : { ok: true, value: x * 10 })))));
  };
  return { batches, release, run };
}

const settle = <T>(p: Promise<T>) =>
  p.then(
    (v) => ({ v }),
    (e: unknown) => ({ e: (e as Error).message }),
  );

describe('TickBatch', () => {
  it('runs the calls of one turn as one batch and gives each its own outcome', async () => {
    const r = recorder();
    const b = new TickBatch(r.run);
    const out = [1, -2, 3].map((x) => settle(b.add(x)));
    await new Promise((res) => setImmediate(res));
    expect(r.batches).toEqual([[1, -2, 3]]);
    r.release.shift()!();
    expect(await Promise.all(out)).toEqual([{ v: 10 }, { e: 'neg -2' }, { v: 30 }]);
  });

  it('keeps one batch out at a time: calls made meanwhile go together in the next', async () => {
    const r = recorder();
    const b = new TickBatch(r.run);
    const first = b.add(1);
    await new Promise((res) => setImmediate(res));
    const later = [b.add(2), b.add(3)];
    await new Promise((res) => setImmediate(res));
    await new Promise((res) => setImmediate(res));
    expect(r.batches).toEqual([[1]]);
    r.release.shift()!();
    expect(await first).toBe(10);
    await vi.waitFor(() => expect(r.batches).toEqual([[1], [2, 3]]));
    r.release.shift()!();
    expect(await Promise.all(later)).toEqual([20, 30]);
  });

  it('splits at maxBatch and rejects a whole batch whose run throws or answers the wrong count', async () => {
    const seen: number[][] = [];
    const b = new TickBatch<number, number>(async (xs) => {
      seen.push(xs);
      if (xs.includes(99)) throw new Error('boom');
      if (xs.includes(98)) return [];
      return xs.map((x) => ({ ok: true, value: x }));
    }, 2);
    const out = await Promise.all([1, 2, 99, 3, 98].map((x) => settle(b.add(x))));
    expect(seen).toEqual([[1, 2], [99, 3], [98]]);
    expect(out).toEqual([{ v: 1 }, { v: 2 }, { e: 'boom' }, { e: 'boom' }, { e: 'batch answered 0 outcomes for 1 inputs' }]);
  });
});
