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

/** Token `k` of the last split as a latin1 string. */
export function token(buf: Buffer, k: number): string {
  return buf.toString('latin1', tokens[k * 2]!, tokens[k * 2 + 1]!);
}

/**
 * Decimal size of token `k`: -1 unless 1 to 9 ASCII digits (nats-server's parseSize, which
 * also rejects signs and anything that could overflow).
 */
export function tokenSize(buf: Buffer, k: number): number {
  const s = tokens[k * 2]!;
  const e = tokens[k * 2 + 1]!;
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
  return JSON.stringify(buf.toString('latin1', s, e));
}
