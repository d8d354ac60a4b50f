/**
 * A consumer's state in a small binary file, replaced atomically (write a temporary file,
 * optionally fsync it, rename over the old one): a crash leaves the old or the new state, never
 * half of one. Updates within one I/O turn are coalesced into one write, as consumers ack in
 * bursts. Layout (LE): magic 'SBC1', f64 delivered.consumer, delivered.stream, ack_floor.consumer,
 * ack_floor.stream, u32 n, n × (f64 stream seq, f64 consumer seq, f64 ts ms, u32 ts ns),
 * u32 m, m × (f64 stream seq, u32 count), u32 crc32 of everything before it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { StoreError } from './errors.js';
import type { ConsumerStore } from './store.js';
import type { ConsumerState } from './types.js';

const MAGIC = 0x31434253; // 'SBC1'

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

export function encodeConsumerState(s: ConsumerState): Buffer {
  const buf = Buffer.allocUnsafe(4 + 32 + 4 + s.pending.size * 28 + 4 + s.redelivered.size * 12 + 4);
  let o = buf.writeUInt32LE(MAGIC, 0);
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
  const bad = (): never => {
    throw new StoreError('corrupt', 'consumer state');
  };
  if (buf.length < 44 || buf.readUInt32LE(0) !== MAGIC) bad();
  if (crc32(buf.subarray(0, buf.length - 4)) !== buf.readUInt32LE(buf.length - 4)) bad();
  let o = 4;
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
  return s;
}

/** Where a stream's consumer states live. */
export interface ConsumerDir {
  get(name: string): ConsumerStore;
  names(): string[];
  flush(): Promise<void>;
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
  async destroy(): Promise<void> {
    await this.flush();
    this.stores.clear();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
  forget(name: string): void {
    this.stores.delete(name);
  }
}

class FileConsumerStore implements ConsumerStore {
  private s: ConsumerState;
  private pending: Buffer | null = null;
  private scheduled = false;
  private waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private readonly file: string;

  constructor(
    readonly name: string,
    private readonly dir: FileConsumerDir,
  ) {
    this.file = path.join(dir.dir, `${name}.state`);
    let s = emptyConsumerState();
    try {
      s = decodeConsumerState(fs.readFileSync(this.file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    this.s = s;
  }
  state(): ConsumerState {
    return cloneConsumerState(this.s);
  }
  update(state: ConsumerState): void {
    this.s = cloneConsumerState(state);
    this.pending = encodeConsumerState(state);
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
    fs.rmSync(this.file, { force: true });
    this.dir.forget(this.name);
  }
  private write(): void {
    this.scheduled = false;
    const waiters = this.waiters;
    this.waiters = [];
    try {
      const buf = this.pending!;
      this.pending = null;
      const tmp = `${this.file}.tmp`;
      const fd = fs.openSync(tmp, 'w');
      try {
        fs.writeSync(fd, buf);
        if (this.dir.syncAlways) fs.fdatasyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, this.file);
      for (const w of waiters) w.resolve();
    } catch (e) {
      for (const w of waiters) w.reject(e);
    }
  }
}
