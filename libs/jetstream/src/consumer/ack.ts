/**
 * Ack subjects and ack bodies (nats-server 2.9.10 consumer.go: ackReply, replyInfo, processAck,
 * processNak). The subject the server emits has 9 tokens:
 * `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts-ns>.<pending>`.
 */

export const ACK_PREFIX = '$JS.ACK.';

/** What an ack subject carries; -1 in a field that was not a plain decimal. */
export interface AckInfo {
  deliveries: number;
  sseq: number;
  dseq: number;
}

const DOT = 0x2e;

/** Decimal digits of `s[from, to)`, or -1 (nats-server's parseAckReplyNum). */
function num(s: string, from: number, to: number): number {
  if (to <= from) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * Reads deliveries, stream and consumer sequence out of a 9-token ack subject into `out`;
 * false (out untouched) when it is not one. No allocation: the hot path of every ack.
 */
export function parseAckSubject(subject: string, out: AckInfo): boolean {
  if (!subject.startsWith(ACK_PREFIX)) return false;
  const dots: number[] = DOTS;
  let n = 0;
  for (let i = ACK_PREFIX.length; i < subject.length; i++) {
    if (subject.charCodeAt(i) === DOT) {
      if (n === 7) return false;
      dots[n++] = i;
    }
  }
  // tokens after $JS.ACK: stream, consumer, delivered, sseq, cseq, ts, pending → 6 dots
  if (n !== 6) return false;
  out.deliveries = num(subject, dots[1]! + 1, dots[2]!);
  out.sseq = num(subject, dots[2]! + 1, dots[3]!);
  out.dseq = num(subject, dots[3]! + 1, dots[4]!);
  return true;
}
const DOTS: number[] = [0, 0, 0, 0, 0, 0, 0];

export type AckKind = 'ack' | 'nak' | 'progress' | 'next' | 'term' | 'unknown';

const enc = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const ACK = enc('+ACK');
const OK = enc('+OK');
const NAK = enc('-NAK');
const WPI = enc('+WPI');
const NXT = enc('+NXT');
const TERM = enc('+TERM');

function equals(b: Uint8Array, w: number[]): boolean {
  if (b.length !== w.length) return false;
  for (let i = 0; i < w.length; i++) if (b[i] !== w[i]) return false;
  return true;
}
function prefix(b: Uint8Array, w: number[]): boolean {
  if (b.length < w.length) return false;
  for (let i = 0; i < w.length; i++) if (b[i] !== w[i]) return false;
  return true;
}

/**
 * The kind of an ack body, as processAck decides it: empty, `+ACK` and `+OK` ack; `+NXT…`
 * acks and asks for more; `-NAK…` naks (optional delay); `+WPI` and `+TERM` exactly
 * (2.9.10 takes `+TERM` only without a reason). Anything else is ignored.
 */
export function ackKind(body: Uint8Array): AckKind {
  if (body.length === 0 || equals(body, ACK) || equals(body, OK)) return 'ack';
  if (prefix(body, NXT)) return 'next';
  if (prefix(body, NAK)) return 'nak';
  if (equals(body, WPI)) return 'progress';
  if (equals(body, TERM)) return 'term';
  return 'unknown';
}

/** The body after `+NXT` (a pull request). */
export function nextRequestOf(body: Uint8Array): Uint8Array {
  return body.subarray(NXT.length);
}

/**
 * The delay of a `-NAK`: after the verb, a Go duration (`5s`, `1m30s`) or `{"delay":ns}`.
 * undefined: a plain NAK (also for a bad value: nats-server logs it and naks at once).
 */
export function nakDelayNs(body: Uint8Array): number | undefined {
  if (body.length <= NAK.length) return undefined;
  const arg = Buffer.from(body.buffer, body.byteOffset + NAK.length, body.length - NAK.length)
    .toString('utf8')
    .trim();
  if (arg === '') return undefined;
  if (arg[0] === '{') {
    try {
      const v = (JSON.parse(arg) as { delay?: unknown }).delay;
      if (v === undefined || v === null) return 0;
      return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
    } catch {
      return undefined;
    }
  }
  return parseGoDuration(arg);
}

const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration, in ns; undefined when Go would fail. */
export function parseGoDuration(s: string): number | undefined {
  let i = 0;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    i = 1;
  }
  if (s.slice(i) === '0') return 0;
  if (i >= s.length) return undefined;
  let total = 0;
  while (i < s.length) {
    const m = /^(\d*)(?:\.(\d*))?([a-zµμ]+)/.exec(s.slice(i));
    if (!m || (m[1] === '' && (m[2] === undefined || m[2] === ''))) return undefined;
    const unit = UNITS[m[3]!];
    if (unit === undefined) return undefined;
    total += Number(m[1] || '0') * unit + (m[2] ? Number(`0.${m[2]}`) * unit : 0);
    i += m[0].length;
  }
  return Math.round(neg ? -total : total);
}

/** Go's time.Duration String() of ns (`1m30s`, `500ms`, `0s`), as `%v` prints it. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let v = Math.abs(ns);
  let out: string;
  if (v < 1e3) out = `${v}ns`;
  else if (v < 1e6) out = `${trim(v / 1e3)}µs`;
  else if (v < 1e9) out = `${trim(v / 1e6)}ms`;
  else {
    const h = Math.floor(v / 3600e9);
    v -= h * 3600e9;
    const m = Math.floor(v / 60e9);
    v -= m * 60e9;
    out = `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${trim(v / 1e9)}s`;
  }
  return neg ? `-${out}` : out;
}

function trim(v: number): string {
  return String(Number(v.toFixed(9)));
}
