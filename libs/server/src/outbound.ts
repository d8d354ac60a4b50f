/**
 * Output memory comes in chunks of this size from a pool shared by all connections. It is glibc's
 * mmap threshold as the broker runs (GLIBC_TUNABLES: docs/footprint.md), so each chunk is its own
 * mapping: only the pages written to are resident, and a chunk nobody holds any more (a slow
 * consumer's backlog once it is cut) goes back to the OS when V8 collects it instead of staying
 * behind in malloc's heap.
 */
const CHUNK_SIZE = 128 * 1024;
/** Free chunks kept for reuse: enough for the connections a read chunk makes write in one turn. */
const POOL_MAX = 32;
/** Strings shorter than this are written byte by byte: cheaper than a call into C++. */
const SHORT_STRING = 48;

const EMPTY = Buffer.alloc(0);
const pool: Buffer[] = [];
const MSG = 0x4d; // 'M'
const HMSG_H = 0x48; // 'H'
const SPACE = 0x20;
const CR = 0x0d;
const LF = 0x0a;

/**
 * A client's outbound bytes. Deliveries append control line + payload to a chunk with no
 * per-message allocation; the connection hands the pending bytes to its transport once per read
 * chunk or timer tick (`take`), so many messages leave in one socket write. What does not fit in
 * the chunk goes on in a new one: a consumer's backlog is a chain of chunks (the transport keeps
 * the ones it has not written). Once the transport has written everything (`reclaim`) the chunk
 * goes back to the pool: an idle connection holds no output memory.
 */
export class Outbound {
  /** The chunk being filled; EMPTY while none is held. */
  private buf: Buffer = EMPTY;
  /** Start of the bytes in `buf` not taken yet (those before it were handed to the transport). */
  private start = 0;
  /** End of the bytes in `buf`. */
  private end = 0;
  /** Pending bytes of earlier chunks, oldest first, from `fullHead` on. */
  private readonly full: Buffer[] = [];
  private fullHead = 0;
  /** Bytes pending: appended, not taken yet. */
  len = 0;

  /**
   * `MSG <subject> <sid> [reply] <#bytes>\r\n<payload>\r\n`, or `HMSG ... <#hdr> <#total>` when
   * `hdrLen >= 0`. `msg` holds headers + payload; `hdrLen < 0` means no headers. `stripHeaders`
   * delivers only the payload part (to subscribers that did not negotiate headers).
   */
  appendMsg(subject: string, sid: string, reply: string, hdrLen: number, msg: Buffer, stripHeaders: boolean): void {
    let payloadStart = 0;
    let headers = hdrLen >= 0;
    if (headers && stripHeaders) {
      payloadStart = hdrLen;
      headers = false;
    }
    const size = msg.length - payloadStart;
    this.reserve(subject.length + sid.length + reply.length + size + 40);
    const buf = this.buf;
    let p = this.end;
    if (headers) buf[p++] = HMSG_H;
    buf[p++] = MSG;
    buf[p++] = 0x53; // 'S'
    buf[p++] = 0x47; // 'G'
    buf[p++] = SPACE;
    p = putString(buf, p, subject);
    buf[p++] = SPACE;
    p = putString(buf, p, sid);
    buf[p++] = SPACE;
    if (reply.length > 0) {
      p = putString(buf, p, reply);
      buf[p++] = SPACE;
    }
    if (headers) {
      p = putInt(buf, p, hdrLen);
      buf[p++] = SPACE;
    }
    p = putInt(buf, p, size);
    buf[p++] = CR;
    buf[p++] = LF;
    p += msg.copy(buf, p, payloadStart);
    buf[p++] = CR;
    buf[p++] = LF;
    this.len += p - this.end;
    this.end = p;
  }

  /**
   * A message for a route or leaf node: `RMSG <account> <subject> …` (route), `LMSG <subject> …`
   * (leaf: `account` ''), `HMSG …` with headers. After the subject: the reply, or `+ <reply>
   * <queues>` / `| <queues>` when queue groups picked that server, then `[<#hdr>] <#total>`.
   * `stripHeaders` for a peer that did not negotiate headers.
   */
  appendRoutedMsg(account: string, subject: string, reply: string, queues: string, hdrLen: number, msg: Buffer, stripHeaders: boolean): void {
    let payloadStart = 0;
    let headers = hdrLen >= 0;
    if (headers && stripHeaders) {
      payloadStart = hdrLen;
      headers = false;
    }
    const size = msg.length - payloadStart;
    this.reserve(account.length + subject.length + reply.length + queues.length + size + 48);
    const buf = this.buf;
    let p = this.end;
    buf[p++] = headers ? HMSG_H : account.length > 0 ? 0x52 /* R */ : 0x4c; /* L */
    buf[p++] = MSG;
    buf[p++] = 0x53; // 'S'
    buf[p++] = 0x47; // 'G'
    buf[p++] = SPACE;
    if (account.length > 0) {
      p = putString(buf, p, account);
      buf[p++] = SPACE;
    }
    p = putString(buf, p, subject);
    buf[p++] = SPACE;
    if (queues.length > 0) {
      if (reply.length > 0) {
        buf[p++] = 0x2b; // '+'
        buf[p++] = SPACE;
        p = putString(buf, p, reply);
      } else {
        buf[p++] = 0x7c; // '|'
      }
      buf[p++] = SPACE;
      p = putString(buf, p, queues);
      buf[p++] = SPACE;
    } else if (reply.length > 0) {
      p = putString(buf, p, reply);
      buf[p++] = SPACE;
    }
    if (headers) {
      p = putInt(buf, p, hdrLen);
      buf[p++] = SPACE;
    }
    p = putInt(buf, p, size);
    buf[p++] = CR;
    buf[p++] = LF;
    p += msg.copy(buf, p, payloadStart);
    buf[p++] = CR;
    buf[p++] = LF;
    this.len += p - this.end;
    this.end = p;
  }

  /** Protocol text that is already complete (`+OK\r\n`, `PONG\r\n`, INFO …). */
  appendBytes(bytes: Buffer): void {
    this.reserve(bytes.length);
    const n = bytes.copy(this.buf, this.end);
    this.end += n;
    this.len += n;
  }

  appendString(text: string): void {
    this.reserve(Buffer.byteLength(text));
    const n = this.buf.write(text, this.end, 'utf8');
    this.end += n;
    this.len += n;
  }

  /**
   * The next pending bytes, oldest first, or null when none are left (the caller takes until
   * null). The transport may keep them until written: they are not touched again until `reclaim`.
   */
  take(): Buffer | null {
    if (this.fullHead < this.full.length) {
      const out = this.full[this.fullHead]!;
      this.full[this.fullHead++] = EMPTY;
      if (this.fullHead === this.full.length) this.full.length = this.fullHead = 0;
      this.len -= out.length;
      return out;
    }
    if (this.end === this.start) return null;
    const out = this.buf.subarray(this.start, this.end);
    this.len -= out.length;
    this.start = this.end;
    return out;
  }

  /**
   * The transport holds none of the bytes taken so far (it has written them all): with nothing
   * pending, the chunk goes back to the pool.
   */
  reclaim(): void {
    if (this.len !== 0 || this.buf === EMPTY) return;
    if (this.buf.length === CHUNK_SIZE && pool.length < POOL_MAX) pool.push(this.buf);
    this.buf = EMPTY;
    this.start = this.end = 0;
  }

  /**
   * Drops what is pending (the connection is closed). The chunk is not reused: the transport
   * may still be writing from it. Appends after this start a new one.
   */
  release(): void {
    this.full.length = this.fullHead = 0;
    this.buf = EMPTY;
    this.start = this.end = this.len = 0;
  }

  /** Makes room for `n` contiguous bytes at `end`. */
  private reserve(n: number): void {
    if (this.end + n <= this.buf.length) return;
    // This chunk's pending bytes wait for `take` in order; the rest of it stays unused.
    if (this.end > this.start) this.full.push(this.buf.subarray(this.start, this.end));
    // A message larger than a chunk gets a buffer of its own.
    this.buf = n > CHUNK_SIZE ? Buffer.allocUnsafeSlow(n) : (pool.pop() ?? Buffer.allocUnsafeSlow(CHUNK_SIZE));
    this.start = this.end = 0;
  }
}

/** Writes a latin1 string (subjects and sids are bytes on the wire) at `p`; returns the end. */
function putString(buf: Buffer, p: number, s: string): number {
  const n = s.length;
  if (n < SHORT_STRING) {
    for (let i = 0; i < n; i++) buf[p + i] = s.charCodeAt(i);
    return p + n;
  }
  return p + buf.write(s, p, 'latin1');
}

/** Writes a non-negative integer in decimal at `p`; returns the end. */
function putInt(buf: Buffer, p: number, v: number): number {
  if (v < 10) {
    buf[p] = 0x30 + v;
    return p + 1;
  }
  let digits = 1;
  for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
  let q = p + digits - 1;
  while (v >= 10) {
    const d = v % 10;
    buf[q--] = 0x30 + d;
    v = (v - d) / 10;
  }
  buf[q] = 0x30 + v;
  return p + digits;
}
