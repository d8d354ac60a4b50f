import { ConfigError } from './errors.js';

/** Go's time.ParseDuration units, in nanoseconds. */
const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  '\u00b5s': 1_000n, // micro sign
  '\u03bcs': 1_000n, // Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
/** The API's durations also take days ("7d"); nats-server's config does not. */
const UNIT_NS_DAYS: Record<string, bigint> = { ...UNIT_NS, d: 86_400_000_000_000n };

const MAX_NS = 1n << 63n;

const fail = (detail: string): ConfigError => new ConfigError(detail, { line: 0, column: 0 });

/**
 * A duration in milliseconds, read the way nats-server reads duration options:
 * a string in Go's time.ParseDuration syntax ("2s", "1h30m", "500ms", "-1.5h"), or a
 * whole number of seconds (the older form nats-server still accepts, with a warning).
 * With `days`, "d" is a unit too (24h), as the control plane's API takes durations.
 */
export function parseDuration(value: unknown, opts: { days?: boolean } = {}): number {
  if (typeof value === 'bigint') value = Number(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw fail(`duration in seconds must be an integer, got ${value}`);
    return value * 1000;
  }
  if (typeof value !== 'string') throw fail(`duration must be a string such as "2s" or a number of seconds`);
  return Number(goDurationNs(value, opts.days ? UNIT_NS_DAYS : UNIT_NS)) / 1e6;
}

/** Go's time.ParseDuration, in nanoseconds, with its error texts. */
function goDurationNs(orig: string, units: Record<string, bigint>): bigint {
  const invalid = () => fail(`time: invalid duration ${quote(orig)}`);
  let s = orig;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isAsciiDigit(s, 0))) throw invalid();
    let i = 0;
    let whole = 0n;
    while (isAsciiDigit(s, i)) {
      whole = whole * 10n + BigInt(s.charCodeAt(i) - 0x30);
      if (whole > MAX_NS) throw invalid();
      i++;
    }
    const pre = i > 0;
    let post = false;
    let frac = 0;
    let scale = 1;
    if (s[i] === '.') {
      i++;
      const from = i;
      let fracInt = 0n;
      let overflow = false;
      while (isAsciiDigit(s, i)) {
        // Like Go, digits beyond int64 precision are read but not counted.
        const nextInt = fracInt * 10n + BigInt(s.charCodeAt(i) - 0x30);
        if (!overflow && nextInt < MAX_NS) {
          fracInt = nextInt;
          scale *= 10;
        } else overflow = true;
        i++;
      }
      frac = Number(fracInt);
      post = i > from;
    }
    if (!pre && !post) throw invalid();
    s = s.slice(i);
    let u = 0;
    while (u < s.length && s[u] !== '.' && !isAsciiDigit(s, u)) u++;
    if (u === 0) throw fail(`time: missing unit in duration ${quote(orig)}`);
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = units[unitName];
    if (unit === undefined) throw fail(`time: unknown unit ${quote(unitName)} in duration ${quote(orig)}`);
    if (whole > MAX_NS / unit) throw invalid();
    let v = whole * unit;
    if (frac > 0) {
      v += BigInt(Math.trunc(frac * (Number(unit) / scale)));
      if (v > MAX_NS) throw invalid();
    }
    total += v;
    if (total > MAX_NS) throw invalid();
  }
  if (neg) return -total;
  if (total > MAX_NS - 1n) throw invalid();
  return total;
}

/**
 * A size in bytes, read the way nats-server reads JetStream sizes (max_mem, max_file,
 * max_bytes...): a number as is (the config parser already applied unquoted suffixes,
 * 1K = 1000, 1KB = 1024), or a string of digits ending in K, M, G or T, always binary
 * (powers of 1024) and upper case only: "512M". An empty string is 0.
 */
export function parseSize(value: unknown): number {
  if (typeof value === 'bigint') value = Number(value);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw fail(`size must be an integer, got ${value}`);
    return value;
  }
  if (typeof value !== 'string') throw fail('size must be an integer or a string such as "512M"');
  if (value === '') return 0;
  const prefix = value.slice(0, -1);
  if (!/^[+-]?[0-9]+$/.test(prefix)) throw fail(`strconv.ParseInt: parsing ${quote(prefix)}: invalid syntax`);
  const num = BigInt(prefix);
  if (num < -MAX_NS || num >= MAX_NS) throw fail(`strconv.ParseInt: parsing ${quote(prefix)}: value out of range`);
  const shift = { K: 10n, M: 20n, G: 30n, T: 40n }[value.slice(-1)];
  if (shift === undefined) throw fail('sizes defined as strings must end in K, M, G, T');
  return Number(BigInt.asIntN(64, num << shift));
}

function isAsciiDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}

/** Close enough to Go's strconv.Quote for error messages. */
function quote(s: string): string {
  return JSON.stringify(s);
}
