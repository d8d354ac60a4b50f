/**
 * In-memory shapes of the log: a segment's always-kept summary (Seg) and its droppable
 * per-message index (SegIndex), plus small helpers of the engine.
 */
import { StoreError } from './errors.js';
import type { Segment } from './medium.js';
import type { StoreLimits } from './types.js';

/** Set in a SegIndex length when the message has headers. */
export const HDR_FLAG = 0x80000000;

/** Index of one segment's messages (position i = sequence base + i). */
export class SegIndex {
  n = 0;
  off: Uint32Array;
  len: Uint32Array; // record length, HDR_FLAG when the message has headers
  sid: Uint32Array;
  ts: Float64Array; // ns since the segment's baseMs
  tombs: number[] = []; // sequences its DEL records remove
  constructor(cap: number) {
    this.off = new Uint32Array(cap);
    this.len = new Uint32Array(cap);
    this.sid = new Uint32Array(cap);
    this.ts = new Float64Array(cap);
  }
  push(off: number, len: number, sid: number, ts: number): void {
    if (this.n === this.off.length) this.resize(this.n * 2);
    const i = this.n++;
    this.off[i] = off;
    this.len[i] = len;
    this.sid[i] = sid;
    this.ts[i] = ts;
  }
  resize(cap: number): void {
    const grow = <T extends Uint32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, Math.min(this.n, cap)));
      return b;
    };
    this.off = grow(this.off, (n) => new Uint32Array(n));
    this.len = grow(this.len, (n) => new Uint32Array(n));
    this.sid = grow(this.sid, (n) => new Uint32Array(n));
    this.ts = grow(this.ts, (n) => new Float64Array(n));
  }
}

export class Seg {
  count = 0;
  live = 0;
  dead: Uint8Array = new Uint8Array(128); // bitmap of removed positions
  baseMs = -1; // ms of the first message: origin of the index's ts
  lastMs = 0; // timestamp (ms, fractional) of the last message, for whole-segment age drop
  idx: SegIndex | null;
  sparse: Uint32Array | null = null; // offset of every SPARSE-th message, kept when idx is dropped
  constructor(
    readonly file: Segment,
    fresh: boolean,
  ) {
    this.idx = fresh ? new SegIndex(1024) : null;
  }
  get base(): number {
    return this.file.base;
  }
  isDead(i: number): boolean {
    return (this.dead[i >>> 3]! & (1 << (i & 7))) !== 0;
  }
  markDead(i: number): void {
    const byte = i >>> 3;
    if (byte >= this.dead.length) {
      const d = new Uint8Array(Math.max(this.dead.length * 2, byte + 1));
      d.set(this.dead);
      this.dead = d;
    }
    this.dead[byte]! |= 1 << (i & 7);
  }
}

export interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}
export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

export function normLimits(l: StoreLimits, prev?: Required<StoreLimits>): Required<StoreLimits> {
  const p = prev ?? { maxMsgs: -1, maxBytes: -1, maxAge: 0, maxMsgsPerSubject: -1, maxMsgSize: -1, discard: 'old', discardNewPerSubject: false };
  const n = { ...p, ...Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) } as Required<StoreLimits>;
  for (const k of ['maxMsgs', 'maxBytes', 'maxAge', 'maxMsgsPerSubject', 'maxMsgSize'] as const) {
    if (!Number.isFinite(n[k])) throw new StoreError('bad-argument', `${k} must be a number`);
  }
  if (n.discard !== 'old' && n.discard !== 'new') throw new StoreError('bad-argument', 'discard must be old or new');
  return n;
}
