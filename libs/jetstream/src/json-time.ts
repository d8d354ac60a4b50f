/**
 * Times and durations as nats-server's JSON has them: Go's time.Time marshals RFC 3339 with
 * nanoseconds, trailing zeros of the fraction dropped, `Z` for UTC; the zero time is
 * `0001-01-01T00:00:00Z`. Durations are integer nanoseconds.
 */

export const ZERO_TIME = '0001-01-01T00:00:00Z';

// The last second formatted, "2026-12-03T05:12:02": direct get stamps every reply, and the
// messages of a burst share their second, so Date's formatting runs once per second seen.
let lastSec = NaN;
let lastPrefix = '';

/** RFC 3339 with nanoseconds (Go's RFC3339Nano) of `ns` since the epoch; 0n → Go's zero time. */
export function rfc3339Nano(ns: bigint): string {
  if (ns === 0n) return ZERO_TIME;
  let sec = ns / 1_000_000_000n;
  let frac = Number(ns - sec * 1_000_000_000n);
  if (frac < 0) {
    frac += 1_000_000_000; // bigint division truncates toward zero; seconds go down
    sec -= 1n;
  }
  const s = Number(sec);
  if (s !== lastSec) {
    lastPrefix = new Date(s * 1000).toISOString().slice(0, 19);
    lastSec = s;
  }
  return frac === 0 ? lastPrefix + 'Z' : lastPrefix + fraction(frac) + 'Z';
}

/** ".d…" of 1..999,999,999 ns: nine digits, trailing zeros dropped (as Go prints it). */
function fraction(frac: number): string {
  const digits = String(1_000_000_000 + frac); // "1" then nine digits
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 0x30) end--;
  return '.' + digits.slice(1, end);
}

/** Parse RFC 3339 (with up to 9 fraction digits and an offset) to ns since the epoch; null if bad. */
export function parseRfc3339(s: string): bigint | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(s);
  if (!m) return null;
  const base = Date.parse(m[1]! + (m[3]!.toUpperCase() === 'Z' ? 'Z' : m[3]!));
  if (Number.isNaN(base)) return null;
  const frac = BigInt((m[2] ?? '').padEnd(9, '0') || '0');
  return BigInt(base) * 1_000_000n + frac;
}
