// What the parsers' property tests share: wire text built from arbitraries with the handler calls
// it must produce, streams of such ops (whole, damaged byte by byte, or random), and the cutting
// of a stream into the chunks a socket might hand over; and what every parse must look like (wellFormed).
import fc from 'fast-check';
import { expect } from 'vitest';
import { PARSE_ERROR_PREFIXES } from '../src/index.js';

/** A wire stream and the handler calls it must produce. */
export type Op = { wire: string; calls: unknown[][] };

export const word = fc.stringMatching(/^[A-Za-z0-9._>*$-]{1,12}$/);
export const sep = fc.stringMatching(/^[ \t]{1,3}$/);
export const eol = fc.constantFrom('\r\n', '\n');
export const bytes = (max: number) => fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: max });
/** A verb in any mix of upper and lower case (the parsers take every one). */
export const anyCase = (verb: string) =>
  fc
    .array(fc.boolean(), { minLength: verb.length, maxLength: verb.length })
    .map((up) => [...verb].map((c, k) => (up[k] ? c.toUpperCase() : c.toLowerCase())).join(''));

export const stream = (op: fc.Arbitrary<Op>) =>
  fc.array(op, { maxLength: 8 }).map((ops) => ({
    wire: Buffer.from(ops.map((o) => o.wire).join(''), 'latin1'),
    calls: ops.flatMap((o) => o.calls),
  }));

/** Byte-level damage to a valid stream: overwrite, insert, delete. */
export const mutated = (op: fc.Arbitrary<Op>) =>
  fc
    .tuple(
      stream(op),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 4 }),
    )
    .map(([s, edits]) => {
      const b = [...s.wire];
      for (const [at, v, kind] of edits) {
        const k = b.length === 0 ? 0 : at % b.length;
        if (kind === 'set' && b.length > 0) b[k] = v;
        else if (kind === 'insert') b.splice(k, 0, v);
        else b.splice(k, 1);
      }
      return Buffer.from(b);
    });

/** Random bytes, and random strings of `protocolChars`, so random input gets past the verbs more often. */
export const randomInput = (protocolChars: string) =>
  fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    fc.array(fc.constantFrom(...protocolChars.split('')), { maxLength: 200 }).map((cs) => Buffer.from(cs.join(''), 'latin1')),
  );

/** `wire` cut at `cuts` (taken modulo its length) into chunks. */
export function chunked(wire: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => (wire.length === 0 ? 0 : c % (wire.length + 1))))].sort((x, y) => x - y);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(wire.subarray(prev, p));
    prev = p;
  }
  out.push(wire.subarray(prev));
  return out;
}

/** At most one error, last, with a known text. */
export function wellFormed(calls: unknown[][]): void {
  const errors = calls.filter((c) => c[0] === 'error');
  expect(errors.length).toBeLessThanOrEqual(1);
  if (errors.length === 1) {
    expect(calls[calls.length - 1]![0]).toBe('error');
    const msg = errors[0]![1] as string;
    expect(
      PARSE_ERROR_PREFIXES.some((p) => msg.startsWith(p)),
      msg,
    ).toBe(true);
  }
}
