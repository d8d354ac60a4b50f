import type { ResponseType, ServiceExport } from './export.js';
import type { LatencyTrack } from './latency.js';

/** nats-server's reply prefix for mapped service replies. */
export const REPLY_PREFIX = '_R_.';
const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A mapped reply (nats-server's response service import): a request that crossed into this
 * account had its reply subject replaced by `from`; what is published here on `from` goes to
 * `dest` on `to` (the requester's own reply subject), so the exporter never learns it.
 */
export class ResponseImport<A> {
  /** Last traffic (ms), for the response threshold. */
  ts = Date.now();
  /** A sampled request's latency measurement, until its first response. */
  latency: LatencyTrack | null = null;
  constructor(
    readonly from: string,
    readonly dest: A,
    readonly to: string,
    readonly exp: ServiceExport,
    readonly responseType: ResponseType,
    readonly share: boolean,
  ) {}
}

/**
 * The mapped replies an account is waiting on. Each account has one random `_R_.xxxxxx.`
 * prefix; each request gets a random 6-character suffix. A mapping ends after a Singleton
 * response, an empty message ending a Stream/Chunked response, a response nobody received,
 * or `responseThreshold` without traffic (swept by a timer that only runs while any remain).
 */
export class Responses<A> {
  readonly prefix = `${REPLY_PREFIX}${randomToken(6)}.`;
  private readonly map = new Map<string, ResponseImport<A>>();
  private timer: NodeJS.Timeout | null = null;
  private sweepEvery = Infinity;

  get size(): number {
    return this.map.size;
  }

  /** Null unless `subject` is one of this account's mapped replies. */
  lookup(subject: string): ResponseImport<A> | null {
    if (this.map.size === 0 || !subject.startsWith(this.prefix)) return null;
    return this.map.get(subject) ?? null;
  }

  add(dest: A, to: string, exp: ServiceExport, share: boolean): ResponseImport<A> {
    let from = this.prefix + randomToken(6);
    while (this.map.has(from)) from = this.prefix + randomToken(6);
    const r = new ResponseImport(from, dest, to, exp, exp.responseType, share);
    this.map.set(from, r);
    this.arm(exp.responseThreshold);
    return r;
  }

  remove(r: ResponseImport<A>): void {
    if (this.map.get(r.from) === r) this.map.delete(r.from);
    if (this.map.size === 0) this.disarm();
  }

  /** Drops mappings idle past their export's threshold. */
  sweep(now = Date.now()): void {
    for (const r of this.map.values()) if (now - r.ts >= r.exp.responseThreshold) this.map.delete(r.from);
    if (this.map.size === 0) this.disarm();
  }

  /** Forgets everything (account removed or reconfigured). */
  clear(): void {
    this.map.clear();
    this.disarm();
  }

  private arm(threshold: number): void {
    if (this.timer !== null && threshold >= this.sweepEvery) return;
    this.disarm();
    this.sweepEvery = threshold;
    this.timer = setInterval(() => this.sweep(), Math.max(1, threshold));
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.sweepEvery = Infinity;
  }
}

/** Like nats-server's math/rand reply tokens: unguessability is not what protects replies. */
function randomToken(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += DIGITS[Math.floor(Math.random() * DIGITS.length)];
  return s;
}
