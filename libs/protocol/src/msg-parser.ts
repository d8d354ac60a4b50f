import { quoted, splitArgs, token, TokenCache, tokenSize } from './args.js';
import { ERR_MAX_PAYLOAD, MSG_PARSE_ERROR } from './errors.js';
import { ARGS, ARGS_NOSPACE, NO_ARGS, OpParser, verbTable } from './op-parser.js';

/** Receives what a server sends to a client. Buffers are valid only during the call. */
export interface ServerOpHandler {
  /** INFO <json>: the raw JSON text (UTF-8 decoded). */
  onInfo(json: string): void;
  /**
   * MSG <subject> <sid> [reply] <#bytes> / HMSG <subject> <sid> [reply] <#hdr> <#total>.
   * `reply` is '' when absent; `hdrLen` is -1 for MSG; `msg` is headers + payload.
   */
  onMsg(subject: string, sid: string, reply: string, hdrLen: number, msg: Buffer): void;
  onPing(): void;
  onPong(): void;
  onOk(): void;
  /** -ERR '<message>': the text without its quotes. Not fatal for the parser. */
  onErr(message: string): void;
  /** Malformed stream: the parser ignores further input after this. */
  onParseError(message: string): void;
}

const MSG = 1;
const HMSG = 2;
const INFO = 3;
const PING = 4;
const PONG = 5;
const OK = 6;
const ERR = 7;

const SERVER_VERBS = verbTable([
  { name: 'MSG', op: MSG, after: ARGS },
  { name: 'HMSG', op: HMSG, after: ARGS },
  { name: 'INFO', op: INFO, after: ARGS_NOSPACE },
  { name: 'PING', op: PING, after: NO_ARGS },
  { name: 'PONG', op: PONG, after: NO_ARGS },
  { name: '+OK', op: OK, after: NO_ARGS },
  { name: '-ERR', op: ERR, after: ARGS },
]);

/** nats-server's ceiling for max_payload. */
const DEFAULT_MAX_PAYLOAD = 64 * 1024 * 1024;
/** No protocol limit this way; this only bounds memory for a runaway line (INFO is the longest). */
const MAX_SERVER_LINE = 1024 * 1024;

/** Parses what a server sends to a client: for load generators, tests and tools. */
export class MsgParser extends OpParser {
  private readonly h: ServerOpHandler;
  private subject = '';
  private sid = '';
  private reply = '';
  private hdr = -1;
  private readonly subjects = new TokenCache();
  private readonly sids = new TokenCache();

  constructor(handler: ServerOpHandler, maxPayload: number = DEFAULT_MAX_PAYLOAD) {
    super(SERVER_VERBS, MAX_SERVER_LINE, maxPayload);
    this.h = handler;
  }

  protected override line(op: number, buf: Buffer, s: number, e: number): void {
    switch (op) {
      case MSG:
      case HMSG:
        return this.msg(op === HMSG, buf, s, e);
      case INFO:
        return this.h.onInfo(buf.toString('utf8', s, e));
      case ERR: {
        let a = s;
        let z = e;
        while (a < z && (buf[a] === 32 || buf[a] === 9)) a++;
        while (z > a && (buf[z - 1] === 32 || buf[z - 1] === 9 || buf[z - 1] === 13)) z--;
        if (z - a >= 2 && buf[a] === 39 && buf[z - 1] === 39) {
          a++;
          z--;
        }
        return this.h.onErr(buf.toString('utf8', a, z));
      }
    }
  }

  private msg(headers: boolean, buf: Buffer, s: number, e: number): void {
    const n = splitArgs(buf, s, e, false);
    const min = headers ? 4 : 3;
    if (n !== min && n !== min + 1) return this.fail(`${MSG_PARSE_ERROR}: ${quoted(buf, s, e)}`, false);
    const size = tokenSize(buf, n - 1);
    const hdr = headers ? tokenSize(buf, n - 2) : -1;
    if (size < 0 || (headers && (hdr < 0 || hdr > size))) {
      return this.fail(`${MSG_PARSE_ERROR}: ${quoted(buf, s, e)}`, false);
    }
    if (size > this.maxPayload) return this.fail(ERR_MAX_PAYLOAD, true);
    this.subject = this.subjects.get(buf, 0);
    this.sid = this.sids.get(buf, 1);
    this.reply = n === min + 1 ? token(buf, 2) : '';
    this.hdr = hdr;
    this.expectPayload(size);
  }

  protected override bare(op: number): void {
    if (op === PING) this.h.onPing();
    else if (op === PONG) this.h.onPong();
    else this.h.onOk();
  }

  protected override payload(msg: Buffer): void {
    this.h.onMsg(this.subject, this.sid, this.reply, this.hdr, msg);
  }

  protected override error(message: string): void {
    this.h.onParseError(message);
  }
}
