/**
 * A new connection's buffer: INFO, PONG and a few messages fit; streams grow it by doubling.
 * Small because idle connections are the many (32 KiB cost ~6 KB of RSS per idle connection).
 */
const INITIAL_SIZE = 1024;
/** After a hand-over the next buffer keeps the previous size up to this, so bursts do not regrow it each time. */
const KEEP_SIZE = 256 * 1024;
/** Pending bytes up to this size are copied out on flush; above it the buffer is handed over. */
const COPY_LIMIT = 8 * 1024;
/** Strings shorter than this are written byte by byte: cheaper than a call into C++. */
const SHORT_STRING = 48;

const EMPTY = Buffer.alloc(0);
const MSG = 0x4d; // 'M'
const HMSG_H = 0x48; // 'H'
const SPACE = 0x20;
const CR = 0x0d;
const LF = 0x0a;

/**
 * A client's outbound byte buffer. Deliveries append control line + payload here with no
 * per-message allocation; the connection hands the bytes to its transport once per read chunk
 * or timer tick (`take`), so many messages leave in one socket write.
 */
export class Outbound {
  private buf: Buffer = Buffer.allocUnsafe(INITIAL_SIZE);
  /** Bytes pending in `buf`. */
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
    let p = this.len;
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
    this.len = p;
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
    let p = this.len;
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
    this.len = p;
  }

  /** Protocol text that is already complete (`+OK\r\n`, `PONG\r\n`, INFO …). */
  appendBytes(bytes: Buffer): void {
    this.reserve(bytes.length);
    this.len += bytes.copy(this.buf, this.len);
  }

  appendString(text: string): void {
    this.reserve(Buffer.byteLength(text));
    this.len += this.buf.write(text, this.len, 'utf8');
  }

  /**
   * The pending bytes, now owned by the caller (the transport keeps them until written);
   * the buffer starts empty again. null when nothing is pending.
   */
  take(): Buffer | null {
    const n = this.len;
    if (n === 0) return null;
    this.len = 0;
    if (n <= COPY_LIMIT) {
      const out = Buffer.allocUnsafe(n);
      this.buf.copy(out, 0, 0, n);
      return out;
    }
    const out = this.buf.subarray(0, n);
    // Same size for steady streams; capped so a burst of large messages gives its memory back.
    this.buf = Buffer.allocUnsafe(Math.min(this.buf.length, KEEP_SIZE));
    return out;
  }

  /** Drops the buffer (the connection is closed); appends after this start a new one. */
  release(): void {
    this.len = 0;
    this.buf = EMPTY;
  }

  private reserve(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let size = Math.max(this.buf.length * 2, INITIAL_SIZE);
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
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
