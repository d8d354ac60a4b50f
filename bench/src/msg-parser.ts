/**
 * Stand-in for `MsgParser` from @switchboard/protocol (being written in parallel): same
 * constructor and handler shape, so switching is a one-line import change in conn.ts.
 * It parses what a server sends to a client: INFO, MSG, HMSG, PING, PONG, +OK, -ERR.
 */
export interface MsgHandler {
  onInfo(json: string): void;
  /** `reply` is '' when absent; `hdrLen` is -1 for MSG; `msg` is a view valid during the call. */
  onMsg(subject: string, sid: string, reply: string, hdrLen: number, msg: Buffer): void;
  onPing(): void;
  onPong(): void;
  onOk(): void;
  onErr(message: string): void;
  onParseError(message: string): void;
}

const CR = 13;
const LF = 10;
const SPACE = 32;
const TAB = 9;
const MAX_CONTROL_LINE = 4096;

export class MsgParser {
  private carry: Buffer | null = null;
  /** Bytes of payload (+CRLF) still expected for the MSG whose control line was read. */
  private need = -1;
  private subject = '';
  private sid = '';
  private reply = '';
  private hdrLen = -1;
  private size = 0;
  private dead = false;
  /** Token bounds of the current control line, reused to avoid allocation. */
  private readonly starts = new Int32Array(6);
  private readonly ends = new Int32Array(6);

  constructor(
    private readonly handler: MsgHandler,
    private readonly maxPayload = 64 * 1024 * 1024,
  ) {}

  parse(chunk: Buffer): void {
    if (this.dead) return;
    let buf = chunk;
    if (this.carry !== null) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    let i = 0;
    const len = buf.length;
    while (i < len) {
      if (this.need >= 0) {
        if (len - i < this.need) break;
        const msg = buf.subarray(i, i + this.size);
        i += this.need;
        this.need = -1;
        this.handler.onMsg(this.subject, this.sid, this.reply, this.hdrLen, msg);
        if (this.dead) return;
        continue;
      }
      const nl = buf.indexOf(LF, i);
      if (nl < 0) {
        if (len - i > MAX_CONTROL_LINE) return this.fail('Maximum Control Line Exceeded');
        break;
      }
      const end = nl > i && buf[nl - 1] === CR ? nl - 1 : nl;
      this.controlLine(buf, i, end);
      if (this.dead) return;
      i = nl + 1;
    }
    if (i < len) this.carry = buf.subarray(i);
  }

  private controlLine(buf: Buffer, start: number, end: number): void {
    const c0 = buf[start]! | 0x20;
    const c1 = (buf[start + 1] ?? 0) | 0x20;
    if (c0 === 0x6d /* m */) return this.msgLine(buf, start + 3, end, false);
    if (c0 === 0x68 /* h */) return this.msgLine(buf, start + 4, end, true);
    if (c0 === 0x70 /* p */) {
      const c3 = (buf[start + 3] ?? 0) | 0x20;
      if (c1 === 0x69 && c3 === 0x67) return this.handler.onPing();
      if (c1 === 0x6f && c3 === 0x67) return this.handler.onPong();
    }
    if (c0 === 0x2b /* + */) return this.handler.onOk();
    if (c0 === 0x2d /* - */) {
      let text = buf.toString('latin1', start + 4, end).trim();
      if (text.startsWith("'") && text.endsWith("'")) text = text.slice(1, -1);
      return this.handler.onErr(text);
    }
    if (c0 === 0x69 /* i */) return this.handler.onInfo(buf.toString('utf8', start + 5, end).trim());
    this.fail('Unknown Protocol Operation');
  }

  /** MSG <subject> <sid> [reply] <#bytes> / HMSG <subject> <sid> [reply] <#hdr> <#total>. */
  private msgLine(buf: Buffer, from: number, end: number, headers: boolean): void {
    let n = 0;
    let i = from;
    while (i < end && n < 6) {
      while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
      if (i >= end) break;
      this.starts[n] = i;
      while (i < end && buf[i] !== SPACE && buf[i] !== TAB) i++;
      this.ends[n++] = i;
    }
    const sizes = headers ? 2 : 1;
    if (n < 2 + sizes || n > 3 + sizes) return this.fail('Malformed MSG');
    const total = this.number(buf, n - 1);
    const hdr = headers ? this.number(buf, n - 2) : -1;
    if (total < 0 || (headers && (hdr < 0 || hdr > total))) return this.fail('Malformed MSG');
    if (total > this.maxPayload) return this.fail('Maximum Payload Violation');
    this.subject = buf.toString('latin1', this.starts[0], this.ends[0]);
    this.sid = buf.toString('latin1', this.starts[1], this.ends[1]);
    this.reply = n === 3 + sizes ? buf.toString('latin1', this.starts[2], this.ends[2]) : '';
    this.hdrLen = hdr;
    this.size = total;
    this.need = total + 2;
  }

  private number(buf: Buffer, token: number): number {
    const s = this.starts[token]!;
    const e = this.ends[token]!;
    if (e - s > 15) return -1;
    let v = 0;
    for (let i = s; i < e; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v;
  }

  private fail(message: string): void {
    this.dead = true;
    this.carry = null;
    this.handler.onParseError(message);
  }
}
