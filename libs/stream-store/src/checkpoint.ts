/**
 * The index as it stood at a clean close, so the next open skips the scan. Written at close
 * (after the last sync), removed when read: it only ever describes segments that were closed
 * cleanly, and open uses it only when every segment is there with exactly the recorded size and
 * the last segment's records all check out; anything else (a crash, files changed) means a full
 * scan. Layout: 'SBX1', fields LE, CRC-32 last.
 */
import { crc32 } from 'node:zlib';

export interface CheckpointSeg {
  base: number;
  size: number;
  count: number;
  live: number;
  baseMs: number;
  lastMs: number;
  dead: Uint8Array;
  sparse: Uint32Array;
}
export interface CheckpointSubject {
  name: string;
  msgs: number;
  first: number;
  last: number;
  stale: number;
}
export interface Checkpoint {
  firstSeq: number;
  lastSeq: number;
  lastMs: number;
  lastNs: number;
  msgs: number;
  bytes: number;
  segs: CheckpointSeg[];
  subjects: CheckpointSubject[];
}

const MAGIC = 0x31584253; // 'SBX1'

export function encodeCheckpoint(c: Checkpoint): Buffer {
  let size = 4 + 8 * 5 + 4 + 4;
  for (const s of c.segs) size += 8 * 5 + 8 + 4 + s.dead.length + 4 + 4 * s.sparse.length;
  const names = c.subjects.map((s) => Buffer.from(s.name));
  size += 4;
  for (const n of names) size += 4 + n.length + 4 + 16 + 1;
  size += 4;
  const buf = Buffer.alloc(size);
  let o = buf.writeUInt32LE(MAGIC, 0);
  for (const v of [c.firstSeq, c.lastSeq, c.lastMs, c.msgs, c.bytes]) o = buf.writeDoubleLE(v, o);
  o = buf.writeUInt32LE(c.lastNs, o);
  o = buf.writeUInt32LE(c.segs.length, o);
  for (const s of c.segs) {
    for (const v of [s.base, s.size, s.baseMs, s.lastMs, s.count, s.live]) o = buf.writeDoubleLE(v, o);
    o = buf.writeUInt32LE(s.dead.length, o);
    buf.set(s.dead, o);
    o += s.dead.length;
    o = buf.writeUInt32LE(s.sparse.length, o);
    for (const x of s.sparse) o = buf.writeUInt32LE(x, o);
  }
  o = buf.writeUInt32LE(c.subjects.length, o);
  c.subjects.forEach((s, i) => {
    o = buf.writeUInt32LE(names[i]!.length, o);
    names[i]!.copy(buf, o);
    o += names[i]!.length;
    o = buf.writeUInt32LE(s.msgs, o);
    o = buf.writeDoubleLE(s.first, o);
    o = buf.writeDoubleLE(s.last, o);
    o = buf.writeUInt8(s.stale, o);
  });
  buf.writeUInt32LE(crc32(buf.subarray(0, o)), o);
  return buf;
}

/** The checkpoint in `buf`, or null when it is not a whole, intact one. */
export function decodeCheckpoint(buf: Buffer): Checkpoint | null {
  if (buf.length < 60 || buf.readUInt32LE(0) !== MAGIC) return null;
  if (crc32(buf.subarray(0, buf.length - 4)) !== buf.readUInt32LE(buf.length - 4)) return null;
  let o = 4;
  const f64 = (): number => ((o += 8), buf.readDoubleLE(o - 8));
  const u32 = (): number => ((o += 4), buf.readUInt32LE(o - 4));
  try {
    const c: Checkpoint = { firstSeq: f64(), lastSeq: f64(), lastMs: f64(), msgs: f64(), bytes: f64(), lastNs: u32(), segs: [], subjects: [] };
    for (let n = u32(); n > 0; n--) {
      const [base, size, baseMs, lastMs, count, live] = [f64(), f64(), f64(), f64(), f64(), f64()];
      const dl = u32();
      const dead = new Uint8Array(buf.subarray(o, (o += dl)));
      const sl = u32();
      const sparse = new Uint32Array(sl);
      for (let i = 0; i < sl; i++) sparse[i] = u32();
      c.segs.push({ base: base!, size: size!, baseMs: baseMs!, lastMs: lastMs!, count: count!, live: live!, dead, sparse });
    }
    for (let n = u32(); n > 0; n--) {
      const nl = u32();
      const name = buf.toString('utf8', o, (o += nl));
      c.subjects.push({ name, msgs: u32(), first: f64(), last: f64(), stale: buf.readUInt8(o++) });
    }
    return o + 4 === buf.length ? c : null;
  } catch {
    return null;
  }
}
