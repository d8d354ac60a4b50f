/**
 * The log's record format (little endian). Every record carries its length and a CRC-32 of
 * everything after the CRC, so a torn or corrupt tail is found on open by checksum.
 *
 *   0 u32 length of the whole record     4 u32 crc32 of bytes [8, length)     8 u8 type
 *   MSG   9 f64 seq · 17 f64 ts ms · 25 u32 ts ns within the ms · 29 u16 subject length ·
 *         31 u32 header length · 35 subject · header · payload
 *   DEL   9 u32 count · 13 f64 seq × count   (messages removed from inside the stream)
 *   FIRST 9 f64 seq                          (every sequence below seq is removed)
 *
 * Sequences and milliseconds are f64: exact integers up to 2^53, no BigInt on the write path.
 */
import { crc32 } from 'node:zlib';

export const REC_MSG = 1;
export const REC_DEL = 2;
export const REC_FIRST = 3;

export const MSG_HEADER = 35;
export const MIN_RECORD = 9;
const DEL_HEADER = 13;
const FIRST_LEN = 17;

/** Largest accepted record (guards against a corrupt length field): 64 MiB. */
export const MAX_RECORD = 64 * 1024 * 1024;

export function msgRecordLen(subjectBytes: number, hdrLen: number, dataLen: number): number {
  return MSG_HEADER + subjectBytes + hdrLen + dataLen;
}

/** Write a MSG record at `off` (the caller made room: msgRecordLen bytes). */
export function writeMsg(
  buf: Buffer,
  off: number,
  seq: number,
  tsMs: number,
  tsNs: number,
  subject: string,
  subjectBytes: number,
  hdr: Uint8Array | null,
  data: Uint8Array,
): number {
  const hdrLen = hdr === null ? 0 : hdr.length;
  const len = MSG_HEADER + subjectBytes + hdrLen + data.length;
  buf.writeUInt32LE(len, off);
  buf[off + 8] = REC_MSG;
  buf.writeDoubleLE(seq, off + 9);
  buf.writeDoubleLE(tsMs, off + 17);
  buf.writeUInt32LE(tsNs, off + 25);
  buf.writeUInt16LE(subjectBytes, off + 29);
  buf.writeUInt32LE(hdrLen, off + 31);
  let p = off + MSG_HEADER;
  p += buf.write(subject, p, subjectBytes, 'utf8');
  if (hdrLen > 0) {
    buf.set(hdr!, p);
    p += hdrLen;
  }
  buf.set(data, p);
  seal(buf, off, len);
  return len;
}

export function delRecordLen(count: number): number {
  return DEL_HEADER + 8 * count;
}

export function writeDel(buf: Buffer, off: number, seqs: ArrayLike<number>, from: number, count: number): number {
  const len = DEL_HEADER + 8 * count;
  buf.writeUInt32LE(len, off);
  buf[off + 8] = REC_DEL;
  buf.writeUInt32LE(count, off + 9);
  for (let i = 0; i < count; i++) buf.writeDoubleLE(seqs[from + i]!, off + DEL_HEADER + 8 * i);
  seal(buf, off, len);
  return len;
}

export const FIRST_RECORD_LEN = FIRST_LEN;

export function writeFirst(buf: Buffer, off: number, seq: number): number {
  buf.writeUInt32LE(FIRST_LEN, off);
  buf[off + 8] = REC_FIRST;
  buf.writeDoubleLE(seq, off + 9);
  seal(buf, off, FIRST_LEN);
  return FIRST_LEN;
}

function seal(buf: Buffer, off: number, len: number): void {
  buf.writeUInt32LE(crc32(buf.subarray(off + 8, off + len)), off + 4);
}

/** Recompute a record's CRC after its bytes were changed in place (erase). */
export function reseal(buf: Buffer, off: number): void {
  seal(buf, off, buf.readUInt32LE(off));
}

/** Length of the record at `off` if its header is sane (no checksum: for walking records). */
export function recordLen(buf: Buffer, off: number, end: number): number {
  if (end - off < MIN_RECORD) return 0;
  const len = buf.readUInt32LE(off);
  return len < MIN_RECORD || len > MAX_RECORD || off + len > end ? 0 : len;
}

/**
 * Length of the valid record at `off`, or 0 when what is there is not a whole, intact record
 * (short, bad length, bad checksum, unknown type).
 */
export function checkRecord(buf: Buffer, off: number, end: number): number {
  if (end - off < MIN_RECORD) return 0;
  const len = buf.readUInt32LE(off);
  if (len < MIN_RECORD || len > MAX_RECORD || off + len > end) return 0;
  const type = buf[off + 8];
  if (type === REC_MSG) {
    if (len < MSG_HEADER) return 0;
    if (MSG_HEADER + buf.readUInt16LE(off + 29) + buf.readUInt32LE(off + 31) > len) return 0;
  } else if (type === REC_DEL) {
    if (len < DEL_HEADER || len !== DEL_HEADER + 8 * buf.readUInt32LE(off + 9)) return 0;
  } else if (type === REC_FIRST) {
    if (len !== FIRST_LEN) return 0;
  } else {
    return 0;
  }
  if (crc32(buf.subarray(off + 8, off + len)) !== buf.readUInt32LE(off + 4)) return 0;
  return len;
}

export function recType(buf: Buffer, off: number): number {
  return buf[off + 8]!;
}
export function recSeq(buf: Buffer, off: number): number {
  return buf.readDoubleLE(off + 9);
}
export function recTsMs(buf: Buffer, off: number): number {
  return buf.readDoubleLE(off + 17);
}
export function recTsNs(buf: Buffer, off: number): number {
  return buf.readUInt32LE(off + 25);
}
export function recSubjectLen(buf: Buffer, off: number): number {
  return buf.readUInt16LE(off + 29);
}
export function recHdrLen(buf: Buffer, off: number): number {
  return buf.readUInt32LE(off + 31);
}
export function recSubject(buf: Buffer, off: number): string {
  return buf.toString('utf8', off + MSG_HEADER, off + MSG_HEADER + buf.readUInt16LE(off + 29));
}
export function delCount(buf: Buffer, off: number): number {
  return buf.readUInt32LE(off + 9);
}
export function delSeq(buf: Buffer, off: number, i: number): number {
  return buf.readDoubleLE(off + DEL_HEADER + 8 * i);
}
