import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openFileStore, type StreamStore } from '@switchboard/stream-store';
import { storeContract } from './contract.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-store-'));
let n = 0;
const fresh = (): string => path.join(root, `s${n++}`);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

storeContract({ kind: 'file', make: (limits, opts) => openFileStore({ dir: fresh(), limits, ...opts, log: () => {} }) });

const b = (s: string): Uint8Array => Buffer.from(s);
const segFiles = (dir: string): string[] =>
  fs
    .readdirSync(path.join(dir, 'msgs'))
    .filter((f) => f.endsWith('.seg'))
    .sort();

describe('file store on disk', () => {
  const open: StreamStore[] = [];
  const at = (dir: string, opts: Partial<Parameters<typeof openFileStore>[0]> = {}): StreamStore => {
    const s = openFileStore({ dir, log: () => {}, ...opts });
    open.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  it('reopens with every message, removal, purge and consumer state', async () => {
    const dir = fresh();
    const s = at(dir, { maxSegmentBytes: 2048 });
    for (let i = 1; i <= 300; i++) s.append(`r.${i % 5}`, i % 2 ? null : b('NATS/1.0\r\n\r\n'), b(`v${i}`));
    s.remove(150);
    s.remove(1);
    s.purgeEx('r.4', 0, 1);
    s.consumer('c1').update({ delivered: { consumer: 7, stream: 200 }, ackFloor: { consumer: 6, stream: 199 }, pending: new Map(), redelivered: new Map() });
    const before = s.state();
    const subjects = Object.fromEntries(s.subjectsState('>'));
    await s.close();
    const r = at(dir, { maxSegmentBytes: 2048 });
    expect(r.state()).toEqual(before);
    expect(Object.fromEntries(r.subjectsState('>'))).toEqual(subjects);
    expect(r.load(150)).toBeNull();
    expect(r.load(1)).toBeNull();
    expect(Buffer.from(r.load(151)!.data).toString()).toBe('v151');
    expect(r.load(152)!.hdr).not.toBeNull();
    expect(r.loadLast('r.4')!.seq).toBe(299);
    expect(r.consumer('c1').state().delivered).toEqual({ consumer: 7, stream: 200 });
    expect(r.append('r.0', null, b('next'))).toBe(301);
  });

  it('skipped sequences survive a reopen, from the checkpoint and from a full scan', async () => {
    const dir = fresh();
    const s = at(dir, { maxSegmentBytes: 1024 });
    s.skipTo(3);
    for (let i = 3; i < 200; i += 2) {
      s.skipTo(i);
      s.append(`k.${i % 4}`, null, b(`v${i}`));
    }
    s.skipTo(250);
    // The skip's time stamp (nats-server's SkipMsg sets the last time) is not kept on disk.
    const noTs = ({ lastTs: _, ...st }: ReturnType<StreamStore['state']>) => st;
    const before = noTs(s.state());
    await s.close();
    const r = at(dir, { maxSegmentBytes: 1024 });
    expect(noTs(r.state())).toEqual(before);
    await r.close();
    fs.rmSync(path.join(dir, 'msgs', 'index.ckpt'));
    const again = at(dir, { maxSegmentBytes: 1024 });
    expect(noTs(again.state())).toEqual(before);
    expect(again.load(4)).toBeNull();
    expect(Buffer.from(again.load(5)!.data).toString()).toBe('v5');
    expect([...again.subjectsState('>').keys()].sort()).toEqual(['k.1', 'k.3']);
    expect(again.append('k.0', null, b('x'))).toBe(250);
  });

  it('a clean close leaves a checkpoint that the next open uses once; a stale one is ignored', async () => {
    const dir = fresh();
    const ckpt = path.join(dir, 'msgs', 'index.ckpt');
    const s = at(dir, { maxSegmentBytes: 1024, limits: { maxMsgsPerSubject: 2 } });
    for (let i = 1; i <= 400; i++) s.append(`ck.${i % 9}`, null, b(`v${i}`));
    s.remove(399);
    await s.close();
    expect(fs.existsSync(ckpt)).toBe(true);
    const stale = fs.readFileSync(ckpt);
    const r = at(dir, { maxSegmentBytes: 1024, limits: { maxMsgsPerSubject: 2 } });
    expect(fs.existsSync(ckpt)).toBe(false); // taken: a crash from here on means a full scan
    expect(r.state()).toEqual(s.state());
    expect(Object.fromEntries(r.subjectsState('>'))).toEqual(Object.fromEntries(s.subjectsState('>')));
    expect(r.load(399)).toBeNull();
    expect(Buffer.from(r.loadLast('ck.4')!.data).toString()).toBe('v400');
    for (let i = 401; i <= 420; i++) r.append(`ck.${i % 9}`, null, b(`v${i}`));
    const after = r.state();
    await r.close();
    fs.writeFileSync(ckpt, stale); // an old checkpoint no longer matches the segments
    const again = at(dir, { maxSegmentBytes: 1024, limits: { maxMsgsPerSubject: 2 } });
    expect(again.state()).toEqual(after);
  });

  it('one process per stream directory', async () => {
    const dir = fresh();
    const s = at(dir);
    expect(() => openFileStore({ dir, log: () => {} })).toThrow(expect.objectContaining({ code: 'in-use' }));
    await s.close();
    at(dir).append('x', null, b('1'));
    const other = fresh();
    fs.mkdirSync(path.join(other, 'msgs'), { recursive: true });
    fs.writeFileSync(path.join(other, 'msgs', 'LOCK'), String(process.ppid)); // a live process
    expect(() => openFileStore({ dir: other, log: () => {} })).toThrow(/in use by another process: pid/);
    fs.writeFileSync(path.join(other, 'msgs', 'LOCK'), '999999999'); // a dead one: taken over
    expect(at(other).state().msgs).toBe(0);
  });

  it('keeps the sequence across a purge and reopen', async () => {
    const dir = fresh();
    const s = at(dir);
    for (let i = 0; i < 10; i++) s.append('p', null, b('x'));
    s.purge();
    await s.close();
    const r = at(dir);
    expect(r.state()).toMatchObject({ msgs: 0, firstSeq: 11, lastSeq: 10 });
    expect(r.append('p', null, b('y'))).toBe(11);
  });

  it('drops whole segments for limits, never rewriting the stream', async () => {
    const dir = fresh();
    const s = at(dir, { maxSegmentBytes: 1024, limits: { maxMsgs: 50 } });
    for (let i = 0; i < 1000; i++) s.append('lim', null, new Uint8Array(40));
    await s.flushed();
    const files = segFiles(dir);
    // 50 messages of 75 B in 1 KiB segments: a handful of segments, the oldest long gone.
    expect(files.length).toBeLessThanOrEqual(6);
    expect(Number(files[0]!.slice(0, 20))).toBeGreaterThan(900);
    await s.close();
    const r = at(dir, { maxSegmentBytes: 1024, limits: { maxMsgs: 50 } });
    expect(r.state()).toMatchObject({ msgs: 50, firstSeq: 951, lastSeq: 1000 });
  });

  it('drops fully removed segments in the middle and keeps their removals', async () => {
    const dir = fresh();
    const s = at(dir, { maxSegmentBytes: 1024, limits: { maxMsgsPerSubject: 1 } });
    s.append('pinned', null, b('first')); // keeps the head segment alive
    for (let i = 0; i < 500; i++) s.append(`key.${i % 4}`, null, new Uint8Array(40));
    await s.flushed();
    expect(segFiles(dir).length).toBeLessThanOrEqual(4);
    const st = s.state();
    await s.close();
    const r = at(dir, { maxSegmentBytes: 1024 }); // no limits on reopen: removals must come from the log
    expect(r.state()).toEqual(st);
    expect(r.state().msgs).toBe(5);
    expect(Buffer.from(r.load(1)!.data).toString()).toBe('first');
  });

  it('loads from sealed segments without their index (sparse offsets), any record size', async () => {
    const dir = fresh();
    const s = at(dir, { maxSegmentBytes: 16 * 1024, indexCache: 1 });
    const body = (i: number): string => `m${i}-` + 'z'.repeat((i * 7919) % (i % 50 === 0 ? 9000 : 300));
    for (let i = 1; i <= 600; i++) {
      s.append(`v.${i % 3}`, i % 4 ? null : b('NATS/1.0\r\nK: v\r\n\r\n'), b(body(i)));
      if (i % 10 === 0) s.remove(i - 5); // DEL records between the messages
    }
    await s.flushed();
    for (let i = 600; i >= 1; i -= 7) {
      const m = s.load(i);
      if (i % 10 === 5) expect(m).toBeNull();
      else expect([m!.subject, Buffer.from(m!.data).toString(), m!.hdr === null]).toEqual([`v.${i % 3}`, body(i), i % 4 !== 0]);
    }
  });

  it('works with one index in memory (sealed segments rebuilt on use)', async () => {
    const dir = fresh();
    const s = at(dir, { maxSegmentBytes: 1024, indexCache: 1 });
    for (let i = 1; i <= 2000; i++) s.append(`e.${i % 10}`, null, b(`m${i}`));
    await s.flushed();
    for (let seq = 1; seq <= 2000; seq += 97) expect(Buffer.from(s.load(seq)!.data).toString()).toBe(`m${seq}`);
    expect(s.loadNext('e.3', 1)!.seq).toBe(3);
    expect(s.loadLast('e.3')!.seq).toBe(1993);
    s.purgeEx('e.3', 0, 0);
    expect(s.filteredState(1, 'e.3').msgs).toBe(0);
    const st = s.state();
    await s.close();
    expect(at(dir, { maxSegmentBytes: 1024, indexCache: 1 }).state()).toEqual(st);
  });

  it('cuts a torn tail off on open and keeps everything before it', async () => {
    const dir = fresh();
    const s = at(dir);
    for (let i = 1; i <= 20; i++) s.append('t', null, b(`m${i}`));
    await s.close();
    const file = path.join(dir, 'msgs', segFiles(dir).at(-1)!);
    const full = fs.statSync(file).size;
    fs.truncateSync(file, full - 5); // mid-record
    const lines: string[] = [];
    const r = at(dir, { log: (l) => lines.push(l) });
    expect(r.state()).toMatchObject({ msgs: 19, lastSeq: 19 });
    expect(lines.join()).toMatch(/torn or corrupt record/);
    expect(fs.statSync(file).size).toBeLessThan(full - 5);
    expect(r.append('t', null, b('again'))).toBe(20);
  });

  it('cuts off a record whose bytes were flipped, and keeps the earlier ones', async () => {
    const dir = fresh();
    const s = at(dir);
    for (let i = 1; i <= 20; i++) s.append('f', null, b(`payload-${i}`));
    await s.close();
    const file = path.join(dir, 'msgs', segFiles(dir).at(-1)!);
    const buf = fs.readFileSync(file);
    buf[buf.length - 3]! ^= 0xff;
    fs.writeFileSync(file, buf);
    const lines: string[] = [];
    const r = at(dir, { log: (l) => lines.push(l) });
    expect(r.state()).toMatchObject({ msgs: 19, lastSeq: 19 });
    for (let seq = 1; seq <= 19; seq++) expect(Buffer.from(r.load(seq)!.data).toString()).toBe(`payload-${seq}`);
    expect(lines).toHaveLength(1);
  });

  it('with sync always, flushed() resolves after the data is synced', async () => {
    const dir = fresh();
    const s = at(dir, { sync: 'always' });
    const seqs = [s.append('a', null, b('1')), s.append('a', null, b('2'))];
    await s.flushed();
    expect(seqs).toEqual([1, 2]);
    const size = fs.statSync(path.join(dir, 'msgs', segFiles(dir)[0]!)).size;
    expect(size).toBeGreaterThan(0);
  });

  it('consumer state: two slot files written in turn; a torn latest slot falls back to the one before', async () => {
    const dir = fresh();
    const st = (n: number, pending = 0) => ({
      delivered: { consumer: n, stream: n },
      ackFloor: { consumer: n - 1, stream: n - 1 },
      pending: new Map(Array.from({ length: pending }, (_, i) => [n - i, { sequence: n - i, ts: 5_000_000_123n }] as const)),
      redelivered: new Map<number, number>(),
    });
    const s = at(dir);
    const c = s.consumer('c');
    c.update(st(1, 40)); // long record first: the shorter ones after it leave a stale tail behind
    await c.flushed();
    c.update(st(2));
    await c.flushed();
    c.update(st(3));
    await c.flushed();
    await s.close();
    const a = path.join(dir, 'consumers', 'c.state');
    expect(fs.readdirSync(path.join(dir, 'consumers')).sort()).toEqual(['c.state', 'c.state.b']);
    let r = at(dir);
    expect(r.consumer('c').state()).toEqual(st(3));
    await r.close();
    // Generation g goes to slot g % 2: st(3) is generation 2, in c.state. Tear it.
    const torn = fs.readFileSync(a);
    torn[30] = torn[30]! ^ 0xff;
    fs.writeFileSync(a, torn);
    r = at(dir);
    expect(r.consumer('c').state()).toEqual(st(2));
    await r.close();
    fs.writeFileSync(`${a}.b`, Buffer.from('garbage'));
    expect(() => at(dir).consumer('c')).toThrow(/consumer state/);
  });

  it('consumer state: reads the earlier single-file format (SBC1)', async () => {
    const dir = fresh();
    const cdir = path.join(dir, 'consumers');
    fs.mkdirSync(cdir, { recursive: true });
    const body = Buffer.alloc(4 + 32 + 4 + 28 + 4);
    let o = body.writeUInt32LE(0x31434253, 0);
    for (const v of [9, 20, 8, 19]) o = body.writeDoubleLE(v, o);
    o = body.writeUInt32LE(1, o);
    for (const v of [20, 9, 1234]) o = body.writeDoubleLE(v, o);
    o = body.writeUInt32LE(5, o);
    body.writeUInt32LE(0, o);
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(zlib.crc32(body), 0);
    fs.writeFileSync(path.join(cdir, 'old.state'), Buffer.concat([body, crc]));
    const s = at(dir);
    expect(s.consumer('old').state()).toEqual({
      delivered: { consumer: 9, stream: 20 },
      ackFloor: { consumer: 8, stream: 19 },
      pending: new Map([[20, { sequence: 9, ts: 1_234_000_005n }]]),
      redelivered: new Map(),
    });
    s.consumer('old').update({ delivered: { consumer: 10, stream: 21 }, ackFloor: { consumer: 10, stream: 21 }, pending: new Map(), redelivered: new Map() });
    await s.close();
    // The old file is generation 0: the first write goes to the other slot and wins on open.
    expect(at(dir).consumer('old').state().delivered).toEqual({ consumer: 10, stream: 21 });
  });

  it('delete removes the directory contents', async () => {
    const dir = fresh();
    const s = openFileStore({ dir, log: () => {} });
    s.append('d', null, b('x'));
    s.consumer('c').update({ delivered: { consumer: 1, stream: 1 }, ackFloor: { consumer: 0, stream: 0 }, pending: new Map(), redelivered: new Map() });
    await s.delete();
    expect(fs.existsSync(path.join(dir, 'msgs'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'consumers'))).toBe(false);
  });
});
