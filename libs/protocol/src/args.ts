/**
 * Splitting a control line into arguments without allocating: token bounds go into a
 * shared scratch array (parsing is synchronous, and strings are made before any handler
 * runs, so one array serves every parser).
 */
export const MAX_TOKENS = 8;
export const tokens = new Int32Array(MAX_TOKENS * 2);

/**
 * Splits buf[s, e) on spaces and tabs (and on CR/LF too when `crlf`, as nats-server does
 * for SUB/UNSUB but not for PUB). Returns the number of tokens, which may exceed
 * MAX_TOKENS (only the first MAX_TOKENS are recorded).
 */
export function splitArgs(buf: Buffer, s: number, e: number, crlf: boolean): number {
  let count = 0;
  let start = -1;
  for (let i = s; i < e; i++) {
    const b = buf[i]!;
    const sep = b === 32 || b === 9 || (crlf && (b === 13 || b === 10));
    if (sep) {
      if (start >= 0) {
        if (count < MAX_TOKENS) {
          tokens[count * 2] = start;
          tokens[count * 2 + 1] = i;
        }
        count++;
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) {
    if (count < MAX_TOKENS) {
      tokens[count * 2] = start;
      tokens[count * 2 + 1] = e;
    }
    count++;
  }
  return count;
}

// Buffer's own latin1 decoder, without toString()'s encoding dispatch (a measurable share
// of parsing small messages). Internal to Node but present in every version we run on.
type Latin1Slice = { latin1Slice(start: number, end: number): string };
const fastLatin1 = typeof (Buffer.prototype as unknown as Partial<Latin1Slice>).latin1Slice === 'function';

export function latin1(buf: Buffer, s: number, e: number): string {
  return fastLatin1 ? (buf as unknown as Latin1Slice).latin1Slice(s, e) : buf.toString('latin1', s, e);
}

/** Token `k` of the last split as a latin1 string. */
export function token(buf: Buffer, k: number): string {
  return latin1(buf, tokens[k * 2]!, tokens[k * 2 + 1]!);
}

const CACHE_MAX = 256;

/**
 * Remembers the last string made for one argument position: publishers mostly repeat
 * their subjects, so comparing a few bytes replaces a string allocation per message.
 */
export class TokenCache {
  private readonly bytes = new Uint8Array(CACHE_MAX);
  private len = -1;
  private str = '';

  get(buf: Buffer, k: number): string {
    const s = tokens[k * 2]!;
    const n = tokens[k * 2 + 1]! - s;
    const bytes = this.bytes;
    if (n === this.len) {
      let i = 0;
      while (i < n && buf[s + i] === bytes[i]) i++;
      if (i === n) return this.str;
    }
    const str = latin1(buf, s, s + n);
    if (n <= CACHE_MAX) {
      for (let i = 0; i < n; i++) bytes[i] = buf[s + i]!;
      this.len = n;
      this.str = str;
    }
    return str;
  }
}

/** Decimal size of token `k` (see sizeAt). */
export function tokenSize(buf: Buffer, k: number): number {
  return sizeAt(buf, tokens[k * 2]!, tokens[k * 2 + 1]!);
}

/**
 * Decimal size of buf[s, e): -1 unless 1 to 9 ASCII digits (nats-server's parseSize, which
 * also rejects signs and anything that could overflow).
 */
export function sizeAt(buf: Buffer, s: number, e: number): number {
  if (e === s || e - s > 9) return -1;
  let n = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** The whole argument text, quoted, for log-style error messages. */
export function quoted(buf: Buffer, s: number, e: number): string {
  return JSON.stringify(latin1(buf, s, e));
}
