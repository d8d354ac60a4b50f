/**
 * The stream store engine: a segmented append-only log with an in-memory index.
 *
 * - Sequences are assigned here only (`append`); a segment holds the consecutive sequences
 *   base..base+count-1, so a sequence is found by binary search over segments, then by index.
 * - Per message the index keeps 20 bytes in typed arrays per segment (record offset, length,
 *   subject id, timestamp); sealed segments' arrays are dropped beyond `indexCache` segments and
 *   rebuilt from the segment when used. Always in memory: per segment a deleted-bitmap, per
 *   subject its count and first/last sequence (so last-by-subject never scans).
 * - Removals are records too: DEL (messages inside the stream) and FIRST (everything below a
 *   sequence), written with the next batch. Segments whose messages are all gone are deleted as a
 *   whole (age, size and count limits never rewrite the stream); a dropped segment's DEL records
 *   that still matter are carried forward first.
 * - Group commit: records of one I/O turn go to the OS in one write; `flushed()` resolves after
 *   that write (sync interval) or after the fdatasync that covers it (sync 'always').
 */
import { subjectIsLiteral, subjectMatches } from '@switchboard/subjects';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.js';
import type { ConsumerDir } from './consumer-state.js';
import { StoreError } from './errors.js';
import type { Segment, SegmentMedia } from './medium.js';
import {
  FIRST_RECORD_LEN,
  MSG_HEADER,
  REC_DEL,
  REC_FIRST,
  REC_MSG,
  checkRecord,
  delCount,
  delRecordLen,
  delSeq,
  msgRecordLen,
  recHdrLen,
  recordLen,
  recSeq,
  recSubject,
  recTsMs,
  recTsNs,
  reseal,
  writeDel,
  writeFirst,
  writeMsg,
} from './record.js';
import { HDR_FLAG, Seg, SegIndex, deferred, normLimits, type Deferred } from './segments.js';
import type { ConsumerStore, StreamStore } from './store.js';
import type { SimpleState, StoreLimits, StoredMsg, StreamState } from './types.js';

export interface LogOptions {
  limits?: StoreLimits;
  /** fsync period in ms, or 'always' (fsync every batch before `flushed()` resolves). */
  sync?: number | 'always';
  /** A segment is sealed once it reaches this size (default 8 MiB, nats-server's block size). */
  maxSegmentBytes?: number;
  /** Where recovery reports what it cut off (default console.warn). */
  log?: (line: string) => void;
}

/** nats-server 2.9's fsync period for file streams (server/filestore.go defaultSyncInterval). */
export const DEFAULT_SYNC_INTERVAL_MS = 60_000;
export const DEFAULT_SEGMENT_BYTES = 8 * 1024 * 1024;
/** Timestamps are kept as ns offsets from a segment's first ms: roll before they lose precision. */
const MAX_SEGMENT_SPAN_MS = 100 * 24 * 3600 * 1000;
const DEL_CHUNK = 1 << 16;

export class LogStore implements StreamStore {
  readonly kind: 'file' | 'memory';
  private lim: Required<StoreLimits>;
  private readonly syncAlways: boolean;
  private readonly maxSeg: number;
  private readonly log: (line: string) => void;

  private segs: Seg[] = [];
  private active!: Seg;
  private loaded: Seg[] = []; // sealed segments whose index is in memory, oldest use first

  private msgs = 0;
  private bytes = 0;
  private firstSeq = 1;
  private lastSeq = 0;
  private lastMs = 0;
  private lastNs = 0;
  private skipTs: bigint | null = null;

  // Per subject (by id): live count, first (lower bound) and last (upper bound) sequence.
  private names: string[] = [];
  private byName = new Map<string, number>();
  private sMsgs: number[] = [];
  private sFirst: number[] = [];
  private sLast: number[] = [];
  private sStale: number[] = []; // 1: first is only a lower bound, 2: last only an upper bound
  private liveSubjects = 0;
  private matchers = new Map<string, Matcher>();
  // Read-ahead of the last read (see readAhead).
  private rcSeg: Seg | null = null;
  private rcOff = 0;
  private rcNext = -1;
  private rcBuf: Buffer = Buffer.alloc(0);
  /** rcBuf is a whole sealed segment whose records were all checked when its index was rebuilt. */
  private rcChecked = false;

  // The batch of the current I/O turn.
  private batch = Buffer.allocUnsafe(256 * 1024);
  private batchLen = 0;
  private pendingDels: number[] = [];
  private firstMoved = false;
  private pendingUnlink: Segment[] = [];
  private replaying = false;

  private flushScheduled = false;
  private current: Deferred | null = null;
  private syncQueue: Deferred[] = [];
  private syncing = false;
  private failure: unknown = null;
  private closed = false;
  private usage: ((msgs: number, bytes: number) => void) | null = null;
  private ageTimer: NodeJS.Timeout | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private readonly onFlush = (): void => this.flushTurn();
  private readonly onAge = (): void => this.expire();

  constructor(
    private readonly media: SegmentMedia,
    private readonly consumers: ConsumerDir,
    opts: LogOptions = {},
  ) {
    this.kind = media.kind;
    this.lim = normLimits(opts.limits ?? {});
    this.syncAlways = opts.sync === 'always';
    this.maxSeg = opts.maxSegmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.log = opts.log ?? ((l) => console.warn(l));
    this.recover();
    if (media.kind === 'file' && !this.syncAlways) {
      const every = typeof opts.sync === 'number' && opts.sync > 0 ? opts.sync : DEFAULT_SYNC_INTERVAL_MS;
      this.syncTimer = setInterval(() => void this.active.file.sync().catch(() => {}), every);
      this.syncTimer.unref();
    }
  }

  // ---------------------------------------------------------------- append

  append(subject: string, hdr: Uint8Array | null, data: Uint8Array, ts?: bigint): number {
    if (this.closed) throw new StoreError('closed');
    if (this.failure !== null) throw new StoreError('closed', `write failed: ${String(this.failure)}`);
    if (hdr !== null && hdr.length === 0) hdr = null;
    const hdrLen = hdr === null ? 0 : hdr.length;
    const payload = hdrLen + data.length;
    const lim = this.lim;
    if (lim.maxMsgSize > 0 && payload > lim.maxMsgSize) throw new StoreError('msg-too-large');
    const sb = Buffer.byteLength(subject);
    if (sb === 0 || sb > 0xffff) throw new StoreError('bad-argument', 'subject length');

    let id = this.byName.get(subject);
    const psmc = id === undefined ? 0 : this.sMsgs[id]!;
    const perSubjectFull = lim.maxMsgsPerSubject > 0 && psmc >= lim.maxMsgsPerSubject;
    if (lim.discard === 'new') {
      // nats-server 2.9 storeRawMsg: a subject at its limit replaces its oldest, so it may pass.
      if (perSubjectFull && lim.discardNewPerSubject) throw new StoreError('max-msgs-per-subject');
      if (lim.maxMsgs > 0 && this.msgs >= lim.maxMsgs && !perSubjectFull) throw new StoreError('max-msgs');
      if (lim.maxBytes > 0 && this.bytes + payload >= lim.maxBytes) {
        if (!perSubjectFull) throw new StoreError('max-bytes');
        const oldest = this.sizeOf(this.subjectFirst(id!));
        if (this.kind === 'memory' ? oldest < payload : oldest <= payload) throw new StoreError('max-bytes');
      }
    }

    let ms: number;
    let ns: number;
    if (ts === undefined) {
      ms = Date.now();
      ns = Math.floor((performance.now() % 1) * 1e6);
    } else {
      ms = Number(ts / 1_000_000n);
      ns = Number(ts % 1_000_000n);
    }
    if (ms < this.lastMs || (ms === this.lastMs && ns < this.lastNs)) {
      ms = this.lastMs; // timestamps never go back, so seqForTime can bisect
      ns = this.lastNs;
    }
    const seq = this.lastSeq + 1;
    this.skipTs = null;
    const recLen = msgRecordLen(sb, hdrLen, data.length);
    let seg = this.active;
    if (seg.count > 0 && (seg.file.size + this.batchLen + recLen > this.maxSeg || ms - seg.baseMs > MAX_SEGMENT_SPAN_MS)) {
      seg = this.roll(seq);
    }
    if (seg.count === 0) seg.baseMs = ms;
    this.room(recLen);
    const off = seg.file.size + this.batchLen;
    this.batchLen += writeMsg(this.batch, this.batchLen, seq, ms, ns, subject, sb, hdr, data);

    if (id === undefined) id = this.newSubject(subject);
    seg.idx!.push(off, hdrLen > 0 ? (recLen | HDR_FLAG) >>> 0 : recLen, id, (ms - seg.baseMs) * 1e6 + ns);
    seg.count++;
    seg.live++;
    seg.lastMs = ms + ns / 1e6;
    const size = this.media.msgSize(payload + sb, hdrLen > 0);
    this.msgs++;
    this.bytes += size;
    if (this.usage !== null) this.usage(1, size);
    this.lastSeq = seq;
    this.lastMs = ms;
    this.lastNs = ns;
    if (this.msgs === 1) this.firstSeq = seq;
    if (this.sMsgs[id]!++ === 0) {
      this.liveSubjects++;
      this.sFirst[id] = seq;
      this.sStale[id] = 0;
    }
    this.sLast[id] = seq;
    this.sStale[id]! &= 1;

    if (perSubjectFull) this.removeSeq(this.subjectFirst(id));
    if (lim.maxMsgs > 0) while (this.msgs > lim.maxMsgs) this.removeSeq(this.firstSeq);
    if (lim.maxBytes > 0) while (this.bytes > lim.maxBytes && this.msgs > 0) this.removeSeq(this.firstSeq);
    if (lim.maxAge > 0 && this.ageTimer === null) this.armAge();
    this.scheduleFlush();
    return seq;
  }

  skipTo(seq: number): void {
    this.checkOpen();
    if (seq <= this.lastSeq + 1) return;
    // nats-server's SkipMsg stamps the last time with now (shown until the next append; the
    // times of appends are not bound by it: a mirror's copies keep their origin's).
    this.skipTs = BigInt(Date.now()) * 1_000_000n;
    if (this.msgs === 0) {
      this.restart(seq);
      return;
    }
    // One empty-subject record per sequence (dead from the start): segments stay dense, and a
    // recovery scan knows them by their subject (append never takes an empty one).
    for (let s = this.lastSeq + 1; s < seq; s++) this.appendSkip(s);
    this.scheduleFlush();
  }

  private appendSkip(seq: number): void {
    const ms = this.lastMs;
    const ns = this.lastNs;
    const recLen = msgRecordLen(0, 0, 0);
    let seg = this.active;
    if (seg.count > 0 && seg.file.size + this.batchLen + recLen > this.maxSeg) seg = this.roll(seq);
    if (seg.count === 0) seg.baseMs = ms;
    this.room(recLen);
    const off = seg.file.size + this.batchLen;
    this.batchLen += writeMsg(this.batch, this.batchLen, seq, ms, ns, '', 0, null, NO_DATA);
    let id = this.byName.get('');
    if (id === undefined) id = this.newSubject('');
    seg.idx!.push(off, recLen, id, (ms - seg.baseMs) * 1e6 + ns);
    seg.markDead(seg.count);
    seg.count++;
    seg.lastMs = ms + ns / 1e6;
    this.lastSeq = seq;
  }

  flushed(): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (!this.flushScheduled && !this.syncing && this.syncQueue.length === 0) return Promise.resolve();
    this.scheduleFlush();
    if (this.current === null) this.current = deferred();
    return this.current.promise;
  }

  // ---------------------------------------------------------------- reads

  load(seq: number): StoredMsg | null {
    const seg = this.segOf(seq);
    if (seg === null) return null;
    const i = seq - seg.base;
    if (i >= seg.count || seg.isDead(i)) return null;
    return this.readMsg(seg, i);
  }

  loadLast(subject: string): StoredMsg | null {
    const id = this.byName.get(subject);
    if (id !== undefined) return this.sMsgs[id] === 0 ? null : this.load(this.subjectLast(id));
    if (!hasWildcard(subject)) return null;
    // A filter (nats-server's LoadLastMsg takes one: nats.js v2 lists objects with
    // last_by_subj `$O.<bucket>.M.>`): the latest of the matching subjects' last messages.
    const m = this.matcher(subject);
    let last = 0;
    for (const i of this.matchingIds(m)) if (this.sMsgs[i]! > 0) last = Math.max(last, this.subjectLast(i));
    return last === 0 ? null : this.load(last);
  }

  loadNext(filter: string, start: number): StoredMsg | null {
    const seq = this.nextMatch(filter, Math.max(start, this.firstSeq));
    return seq === 0 ? null : this.load(seq);
  }

  subjectOf(seq: number): string | null {
    const seg = this.segOf(seq);
    if (seg === null) return null;
    const i = seq - seg.base;
    if (i >= seg.count || seg.isDead(i)) return null;
    return this.names[this.index(seg).sid[i]!]!;
  }

  state(): StreamState {
    return {
      msgs: this.msgs,
      bytes: this.bytes,
      firstSeq: this.firstSeq,
      firstTs: this.msgs === 0 ? 0n : this.tsOf(this.firstSeq),
      lastSeq: this.lastSeq,
      lastTs: this.skipTs ?? (this.lastSeq === 0 ? 0n : BigInt(this.lastMs) * 1_000_000n + BigInt(this.lastNs)),
      numSubjects: this.liveSubjects,
      numDeleted: this.msgs === 0 ? 0 : this.lastSeq - this.firstSeq + 1 - this.msgs,
    };
  }

  filteredState(start: number, filter: string): SimpleState {
    const out: SimpleState = { msgs: 0, first: 0, last: 0 };
    start = Math.max(start, this.firstSeq);
    if (start > this.lastSeq || this.msgs === 0) return out;
    const m = this.matcher(filter);
    if (m.all && start === this.firstSeq) return { msgs: this.msgs, first: this.firstSeq, last: this.lastLive() };
    const ids = this.matchingIds(m);
    let lo = Infinity;
    let hi = 0;
    let total = 0;
    for (const id of ids) {
      total += this.sMsgs[id]!;
      lo = Math.min(lo, this.subjectFirst(id));
      hi = Math.max(hi, this.subjectLast(id));
    }
    if (total === 0 || hi < start) return out;
    if (start <= lo) return { msgs: total, first: lo, last: hi };
    this.scan(start, hi, m, (seq) => {
      if (out.msgs++ === 0) out.first = seq;
      out.last = seq;
      return false;
    });
    return out;
  }

  subjectsState(filter: string): Map<string, SimpleState> {
    const out = new Map<string, SimpleState>();
    const m = this.matcher(filter);
    for (const id of this.matchingIds(m)) {
      out.set(this.names[id]!, { msgs: this.sMsgs[id]!, first: this.subjectFirst(id), last: this.subjectLast(id) });
    }
    return out;
  }

  seqForTime(ts: bigint): number {
    if (this.msgs === 0) return this.lastSeq + 1;
    const ms = Number(ts / 1_000_000n);
    const ns = Number(ts % 1_000_000n);
    // Segments are in time order: the first whose last message is at or after ts.
    let si = this.segIndexOf(this.firstSeq);
    while (si < this.segs.length && (this.segs[si]!.live === 0 || this.segs[si]!.lastMs < ms + ns / 1e6)) si++;
    for (; si < this.segs.length; si++) {
      const seg = this.segs[si]!;
      if (seg.live === 0) continue;
      const idx = this.index(seg);
      const target = (ms - seg.baseMs) * 1e6 + ns;
      let lo = Math.max(0, this.firstSeq - seg.base);
      let hi = seg.count;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (idx.ts[mid]! < target) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < seg.count; i++) if (!seg.isDead(i)) return seg.base + i;
    }
    return this.lastSeq + 1;
  }

  onUsage(cb: ((msgs: number, bytes: number) => void) | null): void {
    this.usage = cb;
  }

  limits(): Required<StoreLimits> {
    return { ...this.lim };
  }

  // ---------------------------------------------------------------- removal

  remove(seq: number): boolean {
    this.checkOpen();
    return this.removeSeq(seq);
  }

  erase(seq: number): boolean {
    this.checkOpen();
    const seg = this.segOf(seq);
    if (seg === null) return false;
    const i = seq - seg.base;
    if (i >= seg.count || seg.isDead(i)) return false;
    const idx = this.index(seg);
    const off = idx.off[i]!;
    const len = idx.len[i]! & ~HDR_FLAG;
    if (off + len > seg.file.size) this.writeBatch();
    this.rcSeg = null;
    const rec = seg.file.read(off, len);
    const from = MSG_HEADER + rec.readUInt16LE(29);
    for (let p = from; p < len; p++) rec[p] = (Math.random() * 256) | 0;
    reseal(rec, 0);
    seg.file.overwrite(off, rec);
    return this.removeSeq(seq);
  }

  purge(): number {
    this.checkOpen();
    const n = this.msgs;
    this.restart(this.lastSeq + 1);
    return n;
  }

  purgeEx(subject: string, seq: number, keep: number): number {
    this.checkOpen();
    if (seq > 1 && keep > 0) throw new StoreError('bad-argument', 'sequence > 1 && keep > 0 not allowed');
    if (subject === '' || subject === '>') {
      if (keep === 0 && seq <= 1) return this.purge();
      if (seq > 1) return this.compact(seq);
      if (keep >= this.msgs) return 0;
      return this.compact(this.lastSeq - keep + 1);
    }
    const ss = this.filteredState(1, subject);
    if (ss.msgs === 0) return 0;
    let toRemove = ss.msgs;
    if (keep > 0) {
      if (keep >= ss.msgs) return 0;
      toRemove -= keep;
    }
    const last = seq > 1 ? seq - 1 : ss.last;
    const found: number[] = [];
    this.scan(ss.first, last, this.matcher(subject), (s) => found.push(s) >= toRemove);
    let purged = 0;
    for (const s of found) if (this.removeSeq(s)) purged++;
    return purged;
  }

  compact(seq: number): number {
    this.checkOpen();
    if (seq <= 0) return this.purge();
    if (seq > this.lastSeq) {
      const n = this.msgs;
      this.restart(seq);
      return n;
    }
    return this.removeBelow(seq);
  }

  updateLimits(limits: StoreLimits): void {
    this.checkOpen();
    this.lim = normLimits(limits, this.lim);
    this.enforceLimits();
    if (this.ageTimer !== null) {
      clearTimeout(this.ageTimer);
      this.ageTimer = null;
    }
    if (this.lim.maxAge > 0) this.expire();
  }

  // ---------------------------------------------------------------- consumers & lifecycle

  consumer(name: string): ConsumerStore {
    this.checkOpen();
    return this.consumers.get(name);
  }

  consumerNames(): string[] {
    return this.consumers.names();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flushed().catch(() => {});
    this.closed = true;
    this.stopTimers();
    if (this.flushScheduled) {
      this.flushScheduled = false;
      this.writeBatch();
    }
    await this.consumers.close();
    if (this.kind === 'file') {
      this.active.file.syncNow();
      try {
        this.media.saveCheckpoint(encodeCheckpoint(this.checkpoint()));
      } catch (e) {
        this.log(`stream-store: no checkpoint written (next open scans): ${String(e)}`);
      }
    }
    this.media.close();
  }

  async delete(): Promise<void> {
    await this.close();
    await this.consumers.destroy();
    this.media.destroy();
  }

  // ---------------------------------------------------------------- internals: write path

  private checkOpen(): void {
    if (this.closed) throw new StoreError('closed');
  }

  private room(n: number): void {
    if (this.batchLen + n <= this.batch.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.batch.length * 2, this.batchLen + n));
    this.batch.copy(next, 0, 0, this.batchLen);
    this.batch = next;
  }

  private scheduleFlush(): void {
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.onFlush);
    }
  }

  private flushTurn(): void {
    if (!this.flushScheduled) return; // close() wrote the batch already
    this.flushScheduled = false;
    const d = this.current;
    this.current = null;
    try {
      this.writeBatch();
    } catch (e) {
      this.failure = e;
      d?.reject(e);
      return;
    }
    if (d === null) return;
    if (!this.syncAlways || this.kind === 'memory') d.resolve();
    else {
      this.syncQueue.push(d);
      this.startSync();
    }
  }

  private startSync(): void {
    if (this.syncing || this.syncQueue.length === 0) return;
    this.syncing = true;
    const waiting = this.syncQueue;
    this.syncQueue = [];
    this.active.file.sync().then(
      () => {
        this.syncing = false;
        for (const d of waiting) d.resolve();
        this.startSync();
      },
      (e: unknown) => {
        this.syncing = false;
        this.failure = e;
        for (const d of waiting) d.reject(e);
      },
    );
  }

  /** Write what this turn produced (messages, then removal records) with one write. */
  private writeBatch(): void {
    const dels = this.pendingDels;
    for (let from = 0; from < dels.length; from += DEL_CHUNK) {
      const n = Math.min(DEL_CHUNK, dels.length - from);
      this.room(delRecordLen(n));
      this.batchLen += writeDel(this.batch, this.batchLen, dels, from, n);
      const idx = this.active.idx!;
      for (let i = from; i < from + n; i++) idx.tombs.push(dels[i]!);
    }
    dels.length = 0;
    if (this.firstMoved) {
      this.room(FIRST_RECORD_LEN);
      this.batchLen += writeFirst(this.batch, this.batchLen, this.firstSeq);
      this.firstMoved = false;
    }
    if (this.batchLen > 0) {
      const len = this.batchLen;
      this.batchLen = 0;
      this.active.file.append(this.batch, len);
    }
    if (this.pendingUnlink.length > 0) {
      for (const f of this.pendingUnlink) f.unlink();
      this.pendingUnlink.length = 0;
    }
  }

  /** Seal the active segment and start one at `base`. */
  private roll(base: number): Seg {
    const old = this.active;
    this.writeBatch();
    if (this.kind === 'file') old.file.syncNow(); // sealed segments are always on disk
    old.file.keepOpen = false;
    if (old.idx !== null) {
      old.idx.resize(old.idx.n);
      this.keepSparse(old, old.idx);
      this.touch(old);
    }
    const seg = new Seg(this.media.create(base), true);
    seg.file.keepOpen = true;
    this.segs.push(seg);
    this.active = seg;
    return seg;
  }

  /** Drop every message and continue at `next` (purge, compact past the end). */
  private restart(next: number): void {
    this.writeBatch();
    const old = this.segs;
    if (this.active.count === 0 && this.active.base === next) {
      old.pop();
    } else {
      this.roll(next);
      old.pop();
    }
    for (const s of old) this.pendingUnlink.push(s.file);
    this.segs = [this.active];
    this.loaded = [];
    this.rcSeg = null;
    if (this.usage !== null && this.msgs > 0) this.usage(-this.msgs, -this.bytes);
    this.msgs = 0;
    this.bytes = 0;
    this.firstSeq = next;
    this.lastSeq = Math.max(this.lastSeq, next - 1);
    this.names = [];
    this.byName.clear();
    this.sMsgs = [];
    this.sFirst = [];
    this.sLast = [];
    this.sStale = [];
    this.liveSubjects = 0;
    this.matchers.clear();
    this.pendingDels.length = 0;
    this.firstMoved = true;
    this.writeBatch(); // the FIRST record is in the OS before the old segments go
    this.scheduleFlush();
  }

  private newSubject(subject: string): number {
    const id = this.names.length;
    this.names.push(subject);
    this.byName.set(subject, id);
    this.sMsgs.push(0);
    this.sFirst.push(0);
    this.sLast.push(0);
    this.sStale.push(0);
    return id;
  }

  private removeSeq(seq: number): boolean {
    const si = this.segIndexOf(seq);
    if (si < 0) return false;
    const seg = this.segs[si]!;
    const i = seq - seg.base;
    if (i >= seg.count || seg.isDead(i)) return false;
    const idx = this.index(seg);
    this.kill(seg, idx, i);
    if (seq === this.firstSeq) {
      this.advanceFirst();
      this.firstMoved = true;
    } else if (!this.replaying) {
      this.pendingDels.push(seq);
    }
    if (seg.live === 0 && seg !== this.active) this.dropSeg(seg);
    this.scheduleFlush();
    return true;
  }

  /** Account for removing position i of seg (no records, no segment drop). */
  private kill(seg: Seg, idx: SegIndex, i: number): void {
    seg.markDead(i);
    seg.live--;
    const len = idx.len[i]!;
    const size = this.media.msgSize((len & ~HDR_FLAG) - MSG_HEADER, len >= HDR_FLAG);
    this.msgs--;
    this.bytes -= size;
    if (this.usage !== null) this.usage(-1, -size);
    const id = idx.sid[i]!;
    if (--this.sMsgs[id]! === 0) this.liveSubjects--;
    const seq = seg.base + i;
    if (this.sFirst[id] === seq) this.sStale[id]! |= 1;
    if (this.sLast[id] === seq) this.sStale[id]! |= 2;
  }

  /** Remove every message below `seq` (< last). */
  private removeBelow(seq: number): number {
    let purged = 0;
    while (this.segs.length > 0) {
      const seg = this.segs[0]!;
      const end = Math.min(seq - seg.base, seg.count);
      if (end <= 0) break;
      if (seg.live > 0) {
        const idx = this.index(seg);
        for (let i = Math.max(0, this.firstSeq - seg.base); i < end; i++) {
          if (!seg.isDead(i)) {
            this.kill(seg, idx, i);
            purged++;
          }
        }
      }
      if (seg.live === 0 && seg !== this.active) this.dropSeg(seg);
      else break;
    }
    if (seq > this.firstSeq) {
      this.firstSeq = seq;
      if (this.msgs === 0) this.firstSeq = this.lastSeq + 1;
      else if (this.isGone(seq)) this.advanceFirst();
      this.firstMoved = true;
    }
    this.scheduleFlush();
    return purged;
  }

  /** The last sequence still stored (msgs > 0). */
  private lastLive(): number {
    for (let si = this.segs.length - 1; si >= 0; si--) {
      const seg = this.segs[si]!;
      if (seg.live === 0) continue;
      for (let i = seg.count - 1; i >= 0; i--) if (!seg.isDead(i)) return seg.base + i;
    }
    return 0;
  }

  private isGone(seq: number): boolean {
    const seg = this.segOf(seq);
    if (seg === null) return true;
    const i = seq - seg.base;
    return i >= seg.count || seg.isDead(i);
  }

  /** firstSeq was removed: move it to the next live message (or last + 1). */
  private advanceFirst(): void {
    if (this.msgs === 0) {
      this.firstSeq = this.lastSeq + 1;
      return;
    }
    for (let si = Math.max(0, this.segIndexOf(this.firstSeq)); si < this.segs.length; si++) {
      const seg = this.segs[si]!;
      if (seg.live === 0) continue;
      for (let i = Math.max(0, this.firstSeq - seg.base); i < seg.count; i++) {
        if (!seg.isDead(i)) {
          this.firstSeq = seg.base + i;
          return;
        }
      }
    }
    this.firstSeq = this.lastSeq + 1;
  }

  /** Delete a sealed segment with no live messages; keep what its DEL records still say. */
  private dropSeg(seg: Seg): void {
    const si = this.segs.indexOf(seg);
    if (si > 0) {
      for (const t of this.index(seg).tombs) if (t < seg.base && t > this.firstSeq) this.pendingDels.push(t);
      this.firstMoved = true;
    }
    this.segs.splice(si, 1);
    if (this.rcSeg === seg) this.rcSeg = null;
    const li = this.loaded.indexOf(seg);
    if (li >= 0) this.loaded.splice(li, 1);
    this.pendingUnlink.push(seg.file);
    this.scheduleFlush();
  }

  private enforceLimits(): void {
    const lim = this.lim;
    if (lim.maxMsgsPerSubject > 0) {
      for (let id = 0; id < this.names.length; id++) {
        while (this.sMsgs[id]! > lim.maxMsgsPerSubject) this.removeSeq(this.subjectFirst(id));
      }
    }
    if (lim.maxMsgs > 0) while (this.msgs > lim.maxMsgs) this.removeSeq(this.firstSeq);
    if (lim.maxBytes > 0) while (this.bytes > lim.maxBytes && this.msgs > 0) this.removeSeq(this.firstSeq);
  }

  private armAge(): void {
    if (this.msgs === 0 || this.closed) return;
    const due = Number(this.tsOf(this.firstSeq) / 1_000_000n) + this.lim.maxAge / 1e6 - Date.now();
    this.ageTimer = setTimeout(this.onAge, Math.max(1, Math.ceil(due)));
    this.ageTimer.unref();
  }

  private expire(): void {
    this.ageTimer = null;
    if (this.closed || this.lim.maxAge <= 0) return;
    const cutoff = Date.now() - this.lim.maxAge / 1e6;
    // Whole sealed segments first, then the head message by message.
    while (this.segs.length > 1 && this.segs[0]!.lastMs < cutoff) this.removeBelow(this.segs[1]!.base);
    while (this.msgs > 0) {
      const t = this.tsOf(this.firstSeq);
      if (Number(t / 1_000_000n) + Number(t % 1_000_000n) / 1e6 >= cutoff) break;
      this.removeSeq(this.firstSeq);
    }
    this.armAge();
  }

  private stopTimers(): void {
    if (this.ageTimer !== null) clearTimeout(this.ageTimer);
    if (this.syncTimer !== null) clearInterval(this.syncTimer);
    this.ageTimer = null;
    this.syncTimer = null;
  }

  // ---------------------------------------------------------------- internals: index

  private segIndexOf(seq: number): number {
    const segs = this.segs;
    let lo = 0;
    let hi = segs.length - 1;
    if (hi < 0 || seq < segs[0]!.base) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (segs[mid]!.base <= seq) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private segOf(seq: number): Seg | null {
    const si = this.segIndexOf(seq);
    return si < 0 ? null : this.segs[si]!;
  }

  /** Keep every SPARSE-th offset of a sealed segment, so loads need no full index. */
  private keepSparse(seg: Seg, idx: SegIndex): void {
    const sparse = new Uint32Array(Math.ceil(idx.n / SPARSE));
    for (let k = 0; k < sparse.length; k++) sparse[k] = idx.off[k * SPARSE]!;
    seg.sparse = sparse;
  }

  /** The segment's index, rebuilt from the segment if it was dropped from memory. */
  private index(seg: Seg): SegIndex {
    if (seg.idx !== null) {
      if (seg !== this.active && this.loaded[this.loaded.length - 1] !== seg) this.touch(seg);
      return seg.idx;
    }
    if (seg.file.size > 0 && seg.base + seg.count - 1 >= this.lastSeq && seg === this.active) this.writeBatch();
    const idx = new SegIndex(Math.max(16, seg.count));
    const buf = seg.file.readAll();
    for (let off = 0; off < buf.length;) {
      const len = checkRecord(buf, off, buf.length);
      if (len === 0) throw new StoreError('corrupt', `segment ${seg.base} changed on disk at ${off}`);
      this.indexRecord(seg, idx, buf, off, len, null);
      off += len;
    }
    if (idx.n !== seg.count) throw new StoreError('corrupt', `segment ${seg.base} holds ${idx.n} messages, expected ${seg.count}`);
    seg.idx = idx;
    if (seg !== this.active) {
      this.keepSparse(seg, idx);
      this.touch(seg);
    }
    if (seg !== this.active && this.kind === 'file') {
      // A consumer walking old segments rebuilds each one's index, then loads its messages:
      // keep what was just read and checked as the read cache, so they are not read again.
      this.rcBuf = buf;
      this.rcSeg = seg;
      this.rcOff = 0;
      this.rcNext = 0;
      this.rcChecked = true;
    }
    return idx;
  }

  private touch(seg: Seg): void {
    const i = this.loaded.indexOf(seg);
    if (i >= 0) this.loaded.splice(i, 1);
    this.loaded.push(seg);
    while (this.loaded.length > this.media.indexCache) {
      const evicted = this.loaded.shift()!;
      evicted.idx = null;
    }
  }

  /** Add one record to an index (and collect removal records during recovery). */
  private indexRecord(seg: Seg, idx: SegIndex, buf: Buffer, off: number, len: number, rec: Recovery | null): boolean {
    const type = buf[off + 8];
    if (type === REC_MSG) {
      const seq = recSeq(buf, off);
      if (seq !== seg.base + idx.n) return false;
      const ms = recTsMs(buf, off);
      if (idx.n === 0) seg.baseMs = ms;
      const subject = recSubject(buf, off);
      let id = this.byName.get(subject);
      if (id === undefined) id = this.newSubject(subject);
      idx.push(off, recHdrLen(buf, off) > 0 ? (len | HDR_FLAG) >>> 0 : len, id, (ms - seg.baseMs) * 1e6 + recTsNs(buf, off));
      if (rec !== null) {
        rec.lastMs = ms;
        rec.lastNs = recTsNs(buf, off);
      }
    } else if (type === REC_DEL) {
      const n = delCount(buf, off);
      for (let i = 0; i < n; i++) {
        const t = delSeq(buf, off, i);
        idx.tombs.push(t);
        rec?.dels.push(t);
      }
    } else if (type === REC_FIRST) {
      if (rec !== null) rec.floor = Math.max(rec.floor, recSeq(buf, off));
    }
    return true;
  }

  private readMsg(seg: Seg, i: number): StoredMsg {
    if (seg.idx === null && seg.sparse !== null) return this.readSparse(seg, i);
    const idx = this.index(seg);
    const off = idx.off[i]!;
    const len = idx.len[i]! & ~HDR_FLAG;
    if (off + len > seg.file.size) this.writeBatch();
    const at = this.readAhead(seg, off, len);
    const buf = this.rcBuf;
    if (!this.rcChecked && checkRecord(buf, at, at + len) !== len) throw new StoreError('corrupt', `record of seq ${seg.base + i}`);
    return this.msgAt(buf, at, seg.base + i, this.names[idx.sid[i]!]!);
  }

  /**
   * Make bytes [off, off+len) of seg available in rcBuf and return where they start. A read that
   * continues where the last one ended (a consumer walking the stream) fetches READ_AHEAD bytes,
   * so the next records come from memory. rcBuf is replaced, never written into: loaded messages
   * may keep views of it.
   */
  private readAhead(seg: Seg, off: number, len: number): number {
    if (this.rcSeg === seg && off >= this.rcOff && off + len <= this.rcOff + this.rcBuf.length) {
      this.rcNext = off + len;
      return off - this.rcOff;
    }
    const sequential = this.rcSeg === seg && off === this.rcNext;
    const want = sequential ? Math.max(len, Math.min(READ_AHEAD, seg.file.size - off)) : len;
    this.rcBuf = seg.file.read(off, want);
    this.rcChecked = false;
    this.rcSeg = seg;
    this.rcOff = off;
    this.rcNext = off + len;
    return 0;
  }

  /** Load from a sealed segment without its index: walk from the nearest sparse offset. */
  private readSparse(seg: Seg, i: number): StoredMsg {
    let off = seg.sparse![Math.floor(i / SPARSE)]!;
    let k = i - (i % SPARSE);
    // Enough for the records up to i at this segment's average record size, plus one.
    const avg = Math.ceil(seg.file.size / Math.max(1, seg.count));
    let buf = seg.file.read(off, Math.min(Math.max(512, (i - k + 2) * avg), seg.file.size - off));
    let p = 0;
    for (;;) {
      let len = recordLen(buf, p, buf.length);
      if (len === 0) {
        // The record runs past what was read: read again from it (or it is corrupt).
        const need = p + 4 <= buf.length ? buf.readUInt32LE(p) : 0;
        off += p;
        p = 0;
        buf = seg.file.read(off, Math.min(Math.max((i - k + 2) * avg, need), seg.file.size - off));
        len = recordLen(buf, 0, buf.length);
        if (len === 0) throw new StoreError('corrupt', `segment ${seg.base} at ${off}`);
      }
      if (buf[p + 8] === REC_MSG) {
        if (k === i) {
          if (checkRecord(buf, p, buf.length) !== len || recSeq(buf, p) !== seg.base + i) {
            throw new StoreError('corrupt', `record of seq ${seg.base + i}`);
          }
          return this.msgAt(buf, p, seg.base + i, recSubject(buf, p));
        }
        k++;
      }
      p += len;
    }
  }

  private msgAt(buf: Buffer, at: number, seq: number, subject: string): StoredMsg {
    const len = buf.readUInt32LE(at);
    const hl = recHdrLen(buf, at);
    const p = at + MSG_HEADER + buf.readUInt16LE(at + 29);
    return {
      seq,
      subject,
      hdr: hl > 0 ? buf.subarray(p, p + hl) : null,
      data: buf.subarray(p + hl, at + len),
      ts: BigInt(recTsMs(buf, at)) * 1_000_000n + BigInt(recTsNs(buf, at)),
    };
  }

  private sizeOf(seq: number): number {
    const seg = this.segOf(seq)!;
    const len = this.index(seg).len[seq - seg.base]!;
    return this.media.msgSize((len & ~HDR_FLAG) - MSG_HEADER, len >= HDR_FLAG);
  }

  private tsOf(seq: number): bigint {
    const seg = this.segOf(seq)!;
    const d = this.index(seg).ts[seq - seg.base]!;
    const ms = Math.floor(d / 1e6);
    return BigInt(seg.baseMs + ms) * 1_000_000n + BigInt(d - ms * 1e6);
  }

  private subjectFirst(id: number): number {
    let seq = this.sFirst[id]!;
    if ((this.sStale[id]! & 1) === 0 && seq >= this.firstSeq) return seq;
    if (seq < this.firstSeq) seq = this.firstSeq;
    const found = this.scanId(seq, id, 1);
    this.sFirst[id] = found;
    this.sStale[id]! &= 2;
    return found;
  }

  private subjectLast(id: number): number {
    if ((this.sStale[id]! & 2) === 0) return this.sLast[id]!;
    const found = this.scanId(this.sLast[id]!, id, -1);
    this.sLast[id] = found;
    this.sStale[id]! &= 1;
    return found;
  }

  /** The first live sequence of subject `id` from `seq` in direction `dir` (it exists). */
  private scanId(seq: number, id: number, dir: 1 | -1): number {
    let si = this.segIndexOf(seq);
    if (si < 0) si = 0;
    for (; si >= 0 && si < this.segs.length; si += dir) {
      const seg = this.segs[si]!;
      if (seg.live === 0) continue;
      const idx = this.index(seg);
      let i = Math.min(Math.max(seq - seg.base, 0), seg.count - 1);
      for (; i >= 0 && i < seg.count; i += dir) {
        if (idx.sid[i] === id && !seg.isDead(i)) return seg.base + i;
      }
      seq = dir === 1 ? 0 : Number.MAX_SAFE_INTEGER;
    }
    throw new StoreError('corrupt', `subject index of ${this.names[id]}`);
  }

  /** A matcher for `filter`; wildcard matchers are cached with their per-subject verdicts. */
  private matcher(filter: string): Matcher {
    if (filter === '' || filter === '>') return ALL;
    if (subjectIsLiteral(filter)) return { all: false, literal: this.byName.get(filter) ?? -2, filter, memo: null };
    let m = this.matchers.get(filter);
    if (m === undefined) {
      if (this.matchers.size >= 64) this.matchers.clear();
      this.matchers.set(filter, (m = { all: false, literal: -1, filter, memo: new Int8Array(64) }));
    }
    if (m.memo!.length < this.names.length) {
      const memo = new Int8Array(Math.max(this.names.length, m.memo!.length * 2));
      memo.set(m.memo!);
      m.memo = memo;
    }
    return m;
  }

  private matches(m: Matcher, id: number): boolean {
    if (m.all) return true;
    if (m.literal !== -1) return m.literal === id;
    let v = m.memo![id]!;
    if (v === 0) m.memo![id] = v = subjectMatches(m.filter, this.names[id]!) ? 1 : 2;
    return v === 1;
  }

  private matchingIds(m: Matcher): number[] {
    if (m.literal >= 0) return this.sMsgs[m.literal]! > 0 ? [m.literal] : [];
    if (m.literal === -2) return [];
    const ids: number[] = [];
    for (let id = 0; id < this.names.length; id++) if (this.sMsgs[id]! > 0 && this.matches(m, id)) ids.push(id);
    return ids;
  }

  /** The first live sequence >= start matching `filter`, or 0. */
  private nextMatch(filter: string, start: number): number {
    if (start > this.lastSeq || this.msgs === 0) return 0;
    const m = this.matcher(filter);
    if (m.literal === -2) return 0;
    if (m.literal >= 0) {
      const id = m.literal;
      if (this.sMsgs[id] === 0 || this.subjectLast(id) < start) return 0;
      return this.scanId(Math.max(start, this.sFirst[id]!), id, 1);
    }
    // Dense matches are found by walking forward; past a budget, bound the walk by the
    // first/last sequences of the matching subjects (sparse filters, or no match at all).
    if (m.all) return this.scanFirst(start, this.lastSeq, m);
    const near = this.scanFirst(start, Math.min(this.lastSeq, start + NEAR_SCAN), m);
    if (near !== 0 || start + NEAR_SCAN >= this.lastSeq) return near;
    let lo = Infinity;
    let hi = 0;
    for (const id of this.matchingIds(m)) {
      const last = this.subjectLast(id);
      if (last <= start + NEAR_SCAN) continue;
      lo = Math.min(lo, this.sFirst[id]!);
      hi = Math.max(hi, last);
    }
    return hi === 0 ? 0 : this.scanFirst(Math.max(start + NEAR_SCAN + 1, lo), hi, m);
  }

  /** The first live sequence in [from, to] matching `m`, or 0. */
  private scanFirst(from: number, to: number, m: Matcher): number {
    for (let si = Math.max(0, this.segIndexOf(from)); si < this.segs.length; si++) {
      const seg = this.segs[si]!;
      if (seg.base > to) return 0;
      if (seg.live === 0) continue;
      const idx = this.index(seg);
      const end = Math.min(seg.count, to - seg.base + 1);
      for (let i = Math.max(0, from - seg.base); i < end; i++) {
        if (!seg.isDead(i) && this.matches(m, idx.sid[i]!)) return seg.base + i;
      }
    }
    return 0;
  }

  /** Visit live messages matching `m` in [from, to] in order until `visit` returns true. */
  private scan(from: number, to: number, m: Matcher, visit: (seq: number) => boolean): void {
    for (let si = Math.max(0, this.segIndexOf(from)); si < this.segs.length; si++) {
      const seg = this.segs[si]!;
      if (seg.base > to) return;
      if (seg.live === 0) continue;
      const idx = this.index(seg);
      const end = Math.min(seg.count, to - seg.base + 1);
      for (let i = Math.max(0, from - seg.base); i < end; i++) {
        if (!seg.isDead(i) && this.matches(m, idx.sid[i]!) && visit(seg.base + i)) return;
      }
    }
  }

  // ---------------------------------------------------------------- recovery

  private recover(): void {
    const bases = this.media.existing();
    const saved = this.media.takeCheckpoint();
    const ck = saved === null ? null : decodeCheckpoint(saved);
    if (ck === null || !this.fromCheckpoint(ck, bases)) this.scanAll(bases);
    // Limits again: they may have changed while closed, and a batch torn after its messages
    // may have lost the removals they caused.
    this.enforceLimits();
    if (this.lim.maxAge > 0) this.expire();
    if (this.msgs === 0 && this.lastSeq >= this.firstSeq) this.firstSeq = this.lastSeq + 1;
  }

  /** Take the index from a clean close's checkpoint, if it matches the segments exactly. */
  private fromCheckpoint(ck: Checkpoint, bases: number[]): boolean {
    if (ck.segs.length === 0 || ck.segs.length !== bases.length || ck.segs.some((s, k) => s.base !== bases[k])) return false;
    const files = ck.segs.map((s) => this.media.open(s.base));
    const last = files[files.length - 1]!;
    const tail = last.readAll();
    let off = 0;
    for (let len = 1; off < tail.length && len > 0; off += len) len = checkRecord(tail, off, tail.length);
    if (off !== tail.length || files.some((f, k) => f.size !== ck.segs[k]!.size)) {
      for (const f of files) f.release();
      return false;
    }
    ck.segs.forEach((c, k) => {
      const seg = new Seg(files[k]!, false);
      seg.count = c.count;
      seg.live = c.live;
      seg.baseMs = c.baseMs;
      seg.lastMs = c.lastMs;
      seg.dead = c.dead.length > 0 ? c.dead : new Uint8Array(128);
      seg.sparse = c.sparse;
      this.segs.push(seg);
    });
    for (const subj of ck.subjects) {
      const id = this.newSubject(subj.name);
      this.sMsgs[id] = subj.msgs;
      this.sFirst[id] = subj.first;
      this.sLast[id] = subj.last;
      this.sStale[id] = subj.stale;
    }
    this.liveSubjects = ck.subjects.length;
    this.msgs = ck.msgs;
    this.bytes = ck.bytes;
    this.firstSeq = ck.firstSeq;
    this.lastSeq = ck.lastSeq;
    this.lastMs = ck.lastMs;
    this.lastNs = ck.lastNs;
    this.active = this.segs[this.segs.length - 1]!;
    this.active.file.keepOpen = true;
    this.index(this.active).resize(Math.max(1024, this.active.count * 2));
    return true;
  }

  private checkpoint(): Checkpoint {
    const subjects: Checkpoint['subjects'] = [];
    for (let id = 0; id < this.names.length; id++) {
      if (this.sMsgs[id]! > 0)
        subjects.push({ name: this.names[id]!, msgs: this.sMsgs[id]!, first: this.sFirst[id]!, last: this.sLast[id]!, stale: this.sStale[id]! });
    }
    return {
      firstSeq: this.firstSeq,
      lastSeq: this.lastSeq,
      lastMs: this.lastMs,
      lastNs: this.lastNs,
      msgs: this.msgs,
      bytes: this.bytes,
      subjects,
      segs: this.segs.map((seg) => {
        if (seg.sparse === null || seg === this.active) this.keepSparse(seg, this.index(seg));
        return {
          base: seg.base,
          size: seg.file.size,
          count: seg.count,
          live: seg.live,
          baseMs: seg.baseMs,
          lastMs: seg.lastMs,
          dead: seg.dead.subarray(0, Math.ceil(seg.count / 8)),
          sparse: seg.sparse!,
        };
      }),
    };
  }

  /** Rebuild the index by scanning every segment; cut a torn or corrupt tail off. */
  private scanAll(bases: number[]): void {
    const rec: Recovery = { dels: [], floor: 0, lastMs: 0, lastNs: 0 };
    this.replaying = true;
    // Segments whose index will not stay cached are scanned into one reused buffer and index,
    // so opening a big stream leaves no garbage behind (RSS stays flat).
    const keepFrom = bases.length - 1 - Math.min(this.media.indexCache, bases.length);
    const scratch = new SegIndex(1024);
    let scratchBuf = Buffer.alloc(0);
    for (let k = 0; k < bases.length; k++) {
      const file = this.media.open(bases[k]!);
      const seg = new Seg(file, false);
      const keep = k >= keepFrom;
      const idx = keep ? new SegIndex(1024) : scratch;
      idx.n = 0;
      idx.tombs.length = 0;
      if (!keep && scratchBuf.length < file.size) scratchBuf = Buffer.allocUnsafe(Math.max(file.size, this.maxSeg));
      const buf = keep ? file.readAll() : file.readAll(scratchBuf);
      let off = 0;
      while (off < buf.length) {
        const len = checkRecord(buf, off, buf.length);
        if (len === 0 || !this.indexRecord(seg, idx, buf, off, len, rec)) break;
        off += len;
      }
      if (off < buf.length) {
        this.log(`stream-store: segment ${bases[k]} has a torn or corrupt record at byte ${off} of ${buf.length}: cut off (${idx.n} messages before it kept)`);
        file.truncate(off);
      }
      seg.count = idx.n;
      seg.live = idx.n;
      if (idx.n > 0) {
        const l = idx.len;
        for (let i = 0; i < idx.n; i++) {
          if (this.names[idx.sid[i]!] === '') {
            // a skipped sequence (skipTo): used, never a message
            seg.markDead(i);
            seg.live--;
            continue;
          }
          this.bytes += this.media.msgSize((l[i]! & ~HDR_FLAG) - MSG_HEADER, l[i]! >= HDR_FLAG);
          const id = idx.sid[i]!;
          if (this.sMsgs[id]!++ === 0) {
            this.liveSubjects++;
            this.sFirst[id] = seg.base + i;
          }
          this.sLast[id] = seg.base + i;
          this.sStale[id] = 0;
        }
        seg.lastMs = seg.baseMs + idx.ts[idx.n - 1]! / 1e6;
      }
      this.msgs += seg.live;
      this.keepSparse(seg, idx);
      this.segs.push(seg);
      if (keep) {
        idx.resize(Math.max(idx.n, 16));
        seg.idx = idx;
        this.touch(seg);
      } else {
        file.release();
      }
      this.lastSeq = Math.max(this.lastSeq, seg.base + idx.n - 1);
    }
    if (this.segs.length === 0) {
      const seg = new Seg(this.media.create(1), true);
      this.segs.push(seg);
    }
    this.active = this.segs[this.segs.length - 1]!;
    this.active.file.keepOpen = true;
    const li = this.loaded.indexOf(this.active);
    if (li >= 0) this.loaded.splice(li, 1);
    if (this.active.idx === null) this.index(this.active);
    this.active.idx!.resize(Math.max(1024, this.active.count * 2));
    this.lastMs = rec.lastMs;
    this.lastNs = rec.lastNs;
    this.firstSeq = this.segs[0]!.base;
    if (this.msgs === 0) this.firstSeq = this.lastSeq + 1;
    else if (this.isGone(this.firstSeq)) this.advanceFirst();
    // Removals recorded in the log, in sequence order.
    if (rec.floor > this.firstSeq) this.removeBelow(Math.min(rec.floor, this.lastSeq + 1));
    rec.dels.sort((a, b) => a - b);
    for (const d of rec.dels) this.removeSeq(d);
    this.replaying = false;
    this.firstMoved = false;
  }
}

const NEAR_SCAN = 4096;
const NO_DATA = new Uint8Array(0);
const READ_AHEAD = 64 * 1024;
/** Sealed segments keep every SPARSE-th record offset; a load walks from there. */
const SPARSE = 32;

interface Matcher {
  all: boolean;
  /** Id of a literal filter's subject; -2 = literal but unknown; -1 = not literal. */
  literal: number;
  filter: string;
  memo: Int8Array | null;
}

const ALL: Matcher = { all: true, literal: -1, filter: '>', memo: null };

interface Recovery {
  dels: number[];
  floor: number;
  lastMs: number;
  lastNs: number;
}

function hasWildcard(subject: string): boolean {
  return subject === '>' || subject === '*' || subject.endsWith('.>') || subject.startsWith('*.') || subject.includes('.*.') || subject.endsWith('.*');
}
