/**
 * Times and durations as nats-server's JSON has them: Go's time.Time marshals RFC 3339 with
 * nanoseconds, trailing zeros of the fraction dropped, `Z` for UTC; the zero time is
 * `0001-01-01T00:00:00Z`. Durations are integer nanoseconds.
 */

export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** RFC 3339 with nanoseconds (Go's RFC3339Nano) of `ns` since the epoch; 0n → Go's zero time. */
export function rfc3339Nano(ns: bigint): string {
  if (ns === 0n) return ZERO_TIME;
  const ms = ns / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString(); // 2026-12-03T05:12:02.123Z
  let frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  if (frac !== '') frac = '.' + frac;
  return iso.slice(0, 19) + frac + 'Z';
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
