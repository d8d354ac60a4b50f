// Stream store throughput, and the same work on lmdb (the packaged alternative) for the choice
// of engine: appends/s at 128 B and 1 KiB with sync interval and 'always' (publishers keep 100
// messages in flight: append 100, await flushed(), as a broker acks a burst), sync publish
// (1 in flight, 'always'), load by sequence, last by subject (1000 subjects), open time for 1M.
// lmdb is not a dependency: install it outside the repo (npm i lmdb --ignore-scripts in
// /tmp/lmdb-bench) and pass LMDB=/tmp/lmdb-bench/node_modules/lmdb; without it only ours runs.
// Run: node --conditions=@switchboard/source --import tsx libs/stream-store/bench/store-bench.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { openFileStore, type StreamStore } from '@switchboard/stream-store';

const SCALE = Number(process.env.SCALE ?? 1);
const root = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'store-bench-'));
const SUBJECTS = Array.from({ length: 1000 }, (_, i) => `bench.orders.${i}`);
const INFLIGHT = 100;

interface Engine {
  name: string;
  open(dir: string, always: boolean): Promise<Backend>;
}
interface Backend {
  append(subject: string, payload: Uint8Array): void;
  flushed(): Promise<void>;
  load(seq: number): Uint8Array | null;
  loadLast(subject: string): Uint8Array | null;
  /** The next message at or after seq (a consumer's read); returns its seq, 0 at the end. */
  next(seq: number): number;
  close(): Promise<void>;
  count(): number;
}

const ours: Engine = {
  name: 'stream-store',
  async open(dir, always) {
    const s: StreamStore = openFileStore({ dir, sync: always ? 'always' : undefined });
    return {
      append: (subject, payload) => void s.append(subject, null, payload),
      flushed: () => s.flushed(),
      load: (seq) => s.load(seq)?.data ?? null,
      loadLast: (subject) => s.loadLast(subject)?.data ?? null,
      next: (seq) => s.loadNext('>', seq)?.seq ?? 0,
      close: () => s.close(),
      count: () => s.state().msgs,
    };
  },
};

/** lmdb doing the same: messages by sequence, plus a subject → last sequence table. */
function lmdbEngine(modulePath: string): Engine {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const lmdb = createRequire(import.meta.url)(modulePath) as any;
  return {
    name: `lmdb`,
    async open(dir, always) {
      const env = lmdb.open({ path: dir, noSync: !always, compression: false });
      const msgs = env.openDB({ name: 'msgs', keyEncoding: 'uint32', encoding: 'binary' });
      const last = env.openDB({ name: 'last', encoding: 'msgpack' });
      let seq = msgs.getKeysCount();
      let pending: Promise<unknown> = Promise.resolve();
      return {
        append(subject, payload) {
          seq++;
          const rec = Buffer.allocUnsafe(2 + subject.length + payload.length);
          rec.writeUInt16LE(subject.length, 0);
          rec.write(subject, 2, 'latin1');
          rec.set(payload, 2 + subject.length);
          msgs.put(seq, rec);
          pending = last.put(subject, seq);
        },
        flushed: () => pending.then(() => undefined),
        load: (s) => {
          const rec = msgs.getBinaryFast(s);
          return rec ? rec.subarray(2 + rec.readUInt16LE(0)) : null;
        },
        loadLast: (subject) => {
          const s = last.get(subject);
          if (s === undefined) return null;
          const rec = msgs.getBinaryFast(s);
          return rec ? rec.subarray(2 + rec.readUInt16LE(0)) : null;
        },
        next: (s) => {
          for (const { key } of msgs.getRange({ start: s, limit: 1 })) return key as number;
          return 0;
        },
        close: () => env.close(),
        count: () => msgs.getKeysCount(),
      };
    },
  };
}

let dirs = 0;
const fresh = (): string => path.join(root, `d${dirs++}`);
const rate = (n: number, ns: bigint): number => Math.round(n / (Number(ns) / 1e9));

async function appends(e: Engine, size: number, always: boolean, n: number, inflight: number): Promise<number> {
  const b = await e.open(fresh(), always);
  const payload = Buffer.alloc(size, 0x61);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n;) {
    for (let j = 0; j < inflight && i < n; j++, i++) b.append(SUBJECTS[i % SUBJECTS.length]!, payload);
    await b.flushed();
  }
  const r = rate(n, process.hrtime.bigint() - t0);
  await b.close();
  return r;
}

async function reads(e: Engine, n: number): Promise<{ bySeq: number; last: number; seqNext: number; open: number; openRss: number }> {
  const dir = fresh();
  let b = await e.open(dir, false);
  const payload = Buffer.alloc(128, 0x62);
  for (let i = 0; i < n;) {
    for (let j = 0; j < 1000 && i < n; j++, i++) b.append(SUBJECTS[i % SUBJECTS.length]!, payload);
    await b.flushed();
  }
  await b.close();
  global.gc?.();
  const t0 = process.hrtime.bigint();
  b = await e.open(dir, false);
  if (b.count() !== n) throw new Error(`${e.name}: reopened with ${b.count()} messages, expected ${n}`);
  const open = Number(process.hrtime.bigint() - t0) / 1e6;
  const openRss = Math.round(process.memoryUsage().rss / 2 ** 20);
  const loads = 300_000 * SCALE;
  let t = process.hrtime.bigint();
  let x = 0;
  for (let i = 0; i < loads; i++) x += b.load(1 + ((i * 2654435761) % n))!.length;
  const bySeq = rate(loads, process.hrtime.bigint() - t);
  t = process.hrtime.bigint();
  for (let i = 0; i < loads; i++) x += b.loadLast(SUBJECTS[(i * 7919) % SUBJECTS.length]!)!.length;
  const last = rate(loads, process.hrtime.bigint() - t);
  t = process.hrtime.bigint();
  let seq = 1;
  for (let i = 0; i < loads; i++) seq = b.next(seq) + 1;
  const seqNext = rate(loads, process.hrtime.bigint() - t);
  if (x === 0) throw new Error('nothing read');
  await b.close();
  return { bySeq, last, seqNext, open, openRss };
}

async function main(): Promise<void> {
  const engines = [ours];
  if (process.env.LMDB) engines.push(lmdbEngine(process.env.LMDB));
  const rows: string[][] = [];
  const row = (label: string, vals: (number | string)[]): void => void rows.push([label, ...vals.map(String)]);
  const results = new Map<string, (number | string)[]>();
  const add = (label: string, v: number | string): void => {
    if (!results.has(label)) results.set(label, []);
    results.get(label)!.push(v);
  };
  // Engines take turns per scenario, so both see the same machine load.
  for (const size of [128, 1024]) {
    const n = Math.round((size === 128 ? 300_000 : 100_000) * SCALE);
    for (const e of engines) add(`append ${size} B, sync interval, ${INFLIGHT} in flight (msgs/s)`, await appends(e, size, false, n, INFLIGHT));
    for (const e of engines) add(`append ${size} B, sync always, ${INFLIGHT} in flight (msgs/s)`, await appends(e, size, true, Math.round(n / 4), INFLIGHT));
    for (const e of engines) add(`append ${size} B, sync always, 1 in flight (msgs/s)`, await appends(e, size, true, Math.round(1000 * SCALE), 1));
  }
  for (const e of engines) {
    const r = await reads(e, Math.round(1_000_000 * SCALE));
    add('load by seq, random, 1M msgs (loads/s)', r.bySeq);
    add('last by subject, 1000 subjects (loads/s)', r.last);
    add('next message in order, as a consumer reads (loads/s)', r.seqNext);
    add(`open 1M msgs of 128 B (ms)`, Math.round(r.open));
    add(`RSS after open + reads (MiB, process)`, r.openRss);
  }
  for (const [label, vals] of results) row(label, vals);
  console.log(`| | ${engines.map((e) => e.name).join(' | ')} |`);
  console.log(`|---|${engines.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  fs.rmSync(root, { recursive: true, force: true });
}

await main();
