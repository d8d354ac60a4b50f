// Durations as the API takes them ("500ms", "30s", "15m", "24h", "7d"): whole units only, no mixing.
import { IssuerError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration string; IssuerError('invalid', …, field) when it is not one. */
export function parseDuration(text: unknown, field: string): number {
  const m = typeof text === 'string' ? /^(\d{1,9})(ms|s|m|h|d)$/.exec(text) : null;
  if (!m) throw new IssuerError('invalid', 'must be a duration such as "30s", "15m", "24h" or "7d"', field);
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (ms <= 0) throw new IssuerError('invalid', 'must be longer than zero', field);
  return ms;
}
