/**
 * A consumer's state in a small binary record, kept in two files written in turn
 * (`<name>.state`, `<name>.state.b`): each write goes in place over the older of the two, so a
 * crash or power loss tearing it leaves the other, previous state; open takes the valid one
 * with the higher generation. One write per update, no temporary file, rename or reopen (those
 * cost more than the write). Updates within one I/O turn are coalesced into one write, as
 * consumers ack in bursts. Layout (LE): magic 'SBC2', u32 record length, f64 generation, f64
 * delivered.consumer, delivered.stream, ack_floor.consumer, ack_floor.stream, u32 n,
 * n × (f64 stream seq, f64 consumer seq, f64 ts ms, u32 ts ns), u32 m, m × (f64 stream seq,
 * u32 count), u32 crc32 of the record before it. Bytes after the record (a longer older one)
 * are ignored. 'SBC1' (the earlier single-file format: no length or generation, replaced by
 * rename) is read as generation 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { StoreError } from './errors.js';
import type { ConsumerStore } from './store.js';
import type { ConsumerState } from './types.js';

const MAGIC_V1 = 0x31434253; // 'SBC1'
const MAGIC = 0x32434253; // 'SBC2'

export function emptyConsumerState(): ConsumerState {
  return { delivered: { consumer: 0, stream: 0 }, ackFloor: { consumer: 0, stream: 0 }, pending: new Map(), redelivered: new Map() };
}

export function cloneConsumerState(s: ConsumerState): ConsumerState {
  return {
    delivered: { ...s.delivered },
    ackFloor: { ...s.ackFloor },
    pending: new Map([...s.pending].map(([k, v]) => [k, { ...v }])),
    redelivered: new Map(s.redelivered),
  };
}

/** The record for `s` at generation `gen`. */
export function encodeConsumerState(s: ConsumerState, gen = 0): Buffer {
  const len = 4 + 4 + 8 + 32 + 4 + s.pending.size * 28 + 4 + s.redelivered.size * 12 + 4;
  const buf = Buffer.allocUnsafe(len);
  let o = buf.writeUInt32LE(MAGIC, 0);
  o = buf.writeUInt32LE(len, o);
  o = buf.writeDoubleLE(gen, o);
  o = buf.writeDoubleLE(s.delivered.consumer, o);
  o = buf.writeDoubleLE(s.delivered.stream, o);
  o = buf.writeDoubleLE(s.ackFloor.consumer, o);
  o = buf.writeDoubleLE(s.ackFloor.stream, o);
  o = buf.writeUInt32LE(s.pending.size, o);
  for (const [sseq, p] of s.pending) {
    o = buf.writeDoubleLE(sseq, o);
    o = buf.writeDoubleLE(p.sequence, o);
    o = buf.writeDoubleLE(Number(p.ts / 1_000_000n), o);
    o = buf.writeUInt32LE(Number(p.ts % 1_000_000n), o);
  }
  o = buf.writeUInt32LE(s.redelivered.size, o);
  for (const [sseq, n] of s.redelivered) {
    o = buf.writeDoubleLE(sseq, o);
    o = buf.writeUInt32LE(n, o);
  }
  buf.writeUInt32LE(crc32(buf.subarray(0, o)), o);
  return buf;
}

export function decodeConsumerState(buf: Buffer): ConsumerState {
  return decodeRecord(buf).state;
}

/** A record (either format) and its generation; throws StoreError 'corrupt'. */
function decodeRecord(buf: Buffer): { state: ConsumerState; gen: number } {
  const bad = (): never => {
    throw new StoreError('corrupt', 'consumer state');
  };
  if (buf.length < 44) bad();
  const magic = buf.readUInt32LE(0);
  let o = 4;
  let gen = 0;
  if (magic === MAGIC) {
    const len = buf.readUInt32LE(4);
    if (len < 60 || len > buf.length) bad();
    buf = buf.subarray(0, len);
    gen = buf.readDoubleLE(8);
    o = 16;
  } else if (magic !== MAGIC_V1) bad();
  if (crc32(buf.subarray(0, buf.length - 4)) !== buf.readUInt32LE(buf.length - 4)) bad();
  const f64 = (): number => {
    const v = buf.readDoubleLE(o);
    o += 8;
    return v;
  };
  const u32 = (): number => {
    const v = buf.readUInt32LE(o);
    o += 4;
    return v;
  };
  const s = emptyConsumerState();
  s.delivered.consumer = f64();
  s.delivered.stream = f64();
  s.ackFloor.consumer = f64();
  s.ackFloor.stream = f64();
  const n = u32();
  if (o + n * 28 + 8 > buf.length) bad();
  for (let i = 0; i < n; i++) {
    const sseq = f64();
    const sequence = f64();
    const ms = f64();
    const ns = u32();
    s.pending.set(sseq, { sequence, ts: BigInt(ms) * 1_000_000n + BigInt(ns) });
  }
  const m = u32();
  if (o + m * 12 + 4 !== buf.length) bad();
  for (let i = 0; i < m; i++) {
    const sseq = f64();
    s.redelivered.set(sseq, u32());
  }
  return { state: s, gen };
}

/** Where a stream's consumer states live. */
export interface ConsumerDir {
  get(name: string): ConsumerStore;
  names(): string[];
  flush(): Promise<void>;
  /** Flushes and lets go of open files (the stream store closes). */
  close(): Promise<void>;
  destroy(): Promise<void>;
}

const NAME_OK = /^[^\s/\\.*>][^\s/\\*>]*$/;
function checkName(name: string): void {
  if (!NAME_OK.test(name) || name.length > 255) throw new StoreError('bad-argument', `consumer name ${JSON.stringify(name)}`);
}

/** Consumer states held in memory (memory streams). */
export class MemoryConsumerDir implements ConsumerDir {
  private readonly stores = new Map<string, MemoryConsumerStore>();
  get(name: string): ConsumerStore {
    checkName(name);
    let c = this.stores.get(name);
    if (!c) this.stores.set(name, (c = new MemoryConsumerStore(name, () => this.stores.delete(name))));
    return c;
  }
  names(): string[] {
    return [...this.stores.keys()];
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  async destroy(): Promise<void> {
    this.stores.clear();
  }
}

class MemoryConsumerStore implements ConsumerStore {
  private s = emptyConsumerState();
  constructor(
    readonly name: string,
    private readonly onDelete: () => void,
  ) {}
  state(): ConsumerState {
    return cloneConsumerState(this.s);
  }
  update(state: ConsumerState): void {
    this.s = cloneConsumerState(state);
  }
  flushed(): Promise<void> {
    return Promise.resolve();
  }
  async delete(): Promise<void> {
    this.onDelete();
  }
}

/** Consumer states as files `consumers/<name>.state`. */
export class FileConsumerDir implements ConsumerDir {
  readonly dir: string;
  private readonly stores = new Map<string, FileConsumerStore>();
  constructor(
    streamDir: string,
    readonly syncAlways: boolean,
  ) {
    this.dir = path.join(streamDir, 'consumers');
    fs.mkdirSync(this.dir, { recursive: true });
    for (const f of fs.readdirSync(this.dir)) if (f.endsWith('.tmp')) fs.rmSync(path.join(this.dir, f), { force: true });
  }
  get(name: string): ConsumerStore {
    checkName(name);
    let c = this.stores.get(name);
    if (!c) this.stores.set(name, (c = new FileConsumerStore(name, this)));
    return c;
  }
  names(): string[] {
    const names = new Set(this.stores.keys());
    for (const f of fs.readdirSync(this.dir)) if (f.endsWith('.state')) names.add(f.slice(0, -6));
    return [...names].sort();
  }
  async flush(): Promise<void> {
    await Promise.all([...this.stores.values()].map((c) => c.flushed()));
  }
  async close(): Promise<void> {
    await this.flush();
    for (const c of this.stores.values()) c.closeFiles();
  }
  async destroy(): Promise<void> {
    await this.close();
    this.stores.clear();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
  forget(name: string): void {
    this.stores.delete(name);
  }
}

class FileConsumerStore implements ConsumerStore {
  /** The latest record (decoded only when asked: on restore). */
  private last: Buffer;
  private gen: number;
  private pending: ConsumerState | null = null;
  private scheduled = false;
  private waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  /** The two slot files; the next write goes to `files[gen % 2]` (the older one). */
  private readonly files: [string, string];
  private readonly fds: [number, number] = [-1, -1];

  constructor(
    readonly name: string,
    private readonly dir: FileConsumerDir,
  ) {
    const base = path.join(dir.dir, `${name}.state`);
    this.files = [base, `${base}.b`];
    let best: { state: ConsumerState; gen: number } | null = null;
    let failure: unknown = null;
    for (const f of this.files) {
      let buf: Buffer;
      try {
        buf = fs.readFileSync(f);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        continue;
      }
      try {
        const r = decodeRecord(buf);
        if (best === null || r.gen > best.gen) best = r;
      } catch (e) {
        failure = e;
      }
    }
    // One torn slot is what the pair is for; nothing readable at all is corruption.
    if (best === null && failure !== null) throw failure;
    this.gen = best === null ? 0 : best.gen + 1;
    this.last = encodeConsumerState(best?.state ?? emptyConsumerState(), best?.gen ?? 0);
  }
  state(): ConsumerState {
    return this.pending !== null ? cloneConsumerState(this.pending) : decodeConsumerState(this.last);
  }
  /** Takes `state` as given: the caller hands over a fresh object and does not change it. */
  update(state: ConsumerState): void {
    this.pending = state;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.write());
    }
  }
  flushed(): Promise<void> {
    if (!this.scheduled) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }
  async delete(): Promise<void> {
    await this.flushed();
    this.closeFiles();
    for (const f of this.files) fs.rmSync(f, { force: true });
    this.dir.forget(this.name);
  }
  closeFiles(): void {
    for (let i = 0; i < 2; i++) {
      if (this.fds[i]! >= 0) fs.closeSync(this.fds[i]!);
      this.fds[i] = -1;
    }
  }
  private write(): void {
    this.scheduled = false;
    const waiters = this.waiters;
    this.waiters = [];
    try {
      const buf = encodeConsumerState(this.pending!, this.gen);
      this.pending = null;
      const slot = this.gen % 2;
      if (this.fds[slot] === -1) this.fds[slot] = fs.openSync(this.files[slot]!, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o644);
      const fd = this.fds[slot]!;
      fs.writeSync(fd, buf, 0, buf.length, 0);
      if (this.dir.syncAlways) fs.fdatasyncSync(fd);
      this.last = buf;
      this.gen++;
      for (const w of waiters) w.resolve();
    } catch (e) {
      for (const w of waiters) w.reject(e);
    }
  }
}
