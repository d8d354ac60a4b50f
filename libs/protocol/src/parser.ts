import { latin1, quoted, splitArgs, token, TokenCache, tokenSize } from './args.js';
import {
  CLIENT_ERROR,
  ERR_MAX_PAYLOAD,
  HPUB_BAD_HEADER_SIZE,
  HPUB_BAD_TOTAL_SIZE,
  HPUB_HEADER_TOO_LARGE,
  HPUB_PARSE_ERROR,
  INFO_PARSE_ERROR,
  PUB_BAD_SIZE,
  PUB_PARSE_ERROR,
  SUB_PARSE_ERROR,
  UNSUB_PARSE_ERROR,
} from './errors.js';
import type { ClientOpHandler, ParserOptions } from './handler.js';
import { ARGS, ARGS_NOSPACE, NO_ARGS, OpParser, verbTable } from './op-parser.js';

const PUB = 1;
const HPUB = 2;
const SUB = 3;
const UNSUB = 4;
const CONNECT = 5;
const PING = 6;
const PONG = 7;
const INFO = 8;
const OK = 9;
const ERR = 10;

// What nats-server 2.9 accepts from a client connection. HMSG/MSG/RS+/LS+/A+ are for
// routes and leaf nodes: from a client they are 'Unknown Protocol Operation'.
const CLIENT_VERBS = verbTable([
  { name: 'PUB', op: PUB, after: ARGS },
  { name: 'HPUB', op: HPUB, after: ARGS },
  { name: 'SUB', op: SUB, after: ARGS },
  { name: 'UNSUB', op: UNSUB, after: ARGS },
  { name: 'CONNECT', op: CONNECT, after: ARGS_NOSPACE },
  { name: 'PING', op: PING, after: NO_ARGS },
  { name: 'PONG', op: PONG, after: NO_ARGS },
  { name: 'INFO', op: INFO, after: ARGS_NOSPACE },
  { name: '+OK', op: OK, after: NO_ARGS },
  { name: '-ERR', op: ERR, after: ARGS },
]);

/**
 * Parses what a client sends to a server (the broker's inbound side), with nats-server's
 * behaviour: +OK and a valid INFO are ignored, a client's -ERR closes the connection
 * silently, malformed PUB/HPUB/SUB/UNSUB arguments close it silently, and only
 * ERR_UNKNOWN_PROTOCOL, ERR_MAX_CONTROL_LINE and ERR_MAX_PAYLOAD are sent as -ERR.
 *
 * `maxPayload` may be changed between calls (e.g. once CONNECT has bound an account with
 * its own limit). Not checked here, as they need connection state: whether CONNECT asked
 * for headers (HPUB), auth before the first op, subject validity, pedantic mode.
 */
export class ClientParser extends OpParser {
  private readonly h: ClientOpHandler;
  // The PUB/HPUB whose payload is awaited.
  private subject = '';
  private reply = '';
  private hdr = -1;
  private readonly subjects = new TokenCache();

  constructor(handler: ClientOpHandler, opts: ParserOptions) {
    super(CLIENT_VERBS, opts.maxControlLine, opts.maxPayload);
    this.h = handler;
  }

  protected override line(op: number, buf: Buffer, s: number, e: number): void {
    switch (op) {
      case PUB:
        return this.pub(buf, s, e);
      case HPUB:
        return this.hpub(buf, s, e);
      case SUB: {
        const n = splitArgs(buf, s, e, true);
        if (n === 2) return this.h.onSub(token(buf, 0), '', token(buf, 1));
        if (n === 3) return this.h.onSub(token(buf, 0), token(buf, 1), token(buf, 2));
        return this.fail(`${SUB_PARSE_ERROR}: ${quoted(buf, s, e)}`, false);
      }
      case UNSUB: {
        const n = splitArgs(buf, s, e, true);
        // nats-server reads an unparsable max as -1, i.e. no limit.
        if (n === 1) return this.h.onUnsub(token(buf, 0), -1);
        if (n === 2) return this.h.onUnsub(token(buf, 0), tokenSize(buf, 1));
        return this.fail(`${UNSUB_PARSE_ERROR}: ${quoted(buf, s, e)}`, false);
      }
      case CONNECT:
        // JSON may carry UTF-8 (names, passwords): decode it as such.
        return this.h.onConnect(buf.toString('utf8', s, e));
      case INFO:
        return this.info(buf, s, e);
      case ERR:
        return this.fail(`${CLIENT_ERROR} ${latin1(buf, s, e)}`, false);
    }
  }

  private pub(buf: Buffer, s: number, e: number): void {
    const n = splitArgs(buf, s, e, false);
    if (n !== 2 && n !== 3) return this.fail(`${PUB_PARSE_ERROR}: ${quoted(buf, s, e)}`, false);
    const size = tokenSize(buf, n - 1);
    if (size < 0) return this.fail(`${PUB_BAD_SIZE}: ${quoted(buf, s, e)}`, false);
    if (size > this.maxPayload) return this.fail(ERR_MAX_PAYLOAD, true);
    this.subject = this.subjects.get(buf, 0);
    this.reply = n === 3 ? token(buf, 1) : '';
    this.hdr = -1;
    this.expectPayload(size);
  }

  private hpub(buf: Buffer, s: number, e: number): void {
    const n = splitArgs(buf, s, e, false);
    if (n !== 3 && n !== 4) return this.fail(`${HPUB_PARSE_ERROR}: ${quoted(buf, s, e)}`, false);
    const hdr = tokenSize(buf, n - 2);
    if (hdr < 0) return this.fail(`${HPUB_BAD_HEADER_SIZE}: ${quoted(buf, s, e)}`, false);
    const size = tokenSize(buf, n - 1);
    if (size < 0) return this.fail(`${HPUB_BAD_TOTAL_SIZE}: ${quoted(buf, s, e)}`, false);
    if (hdr > size) return this.fail(`${HPUB_HEADER_TOO_LARGE}: ${quoted(buf, s, e)}`, false);
    if (size > this.maxPayload) return this.fail(ERR_MAX_PAYLOAD, true);
    this.subject = this.subjects.get(buf, 0);
    this.reply = n === 4 ? token(buf, 1) : '';
    this.hdr = hdr;
    this.expectPayload(size);
  }

  /** nats-server decodes a client's INFO and otherwise ignores it; bad JSON closes. */
  private info(buf: Buffer, s: number, e: number): void {
    const text = buf.toString('utf8', s, e);
    let ok = false;
    try {
      const v: unknown = JSON.parse(text);
      ok = typeof v === 'object' && !Array.isArray(v);
    } catch {
      ok = false;
    }
    if (!ok) this.fail(`${INFO_PARSE_ERROR}: ${JSON.stringify(text)}`, false);
  }

  protected override bare(op: number): void {
    if (op === PING) this.h.onPing();
    else if (op === PONG) this.h.onPong();
    // +OK: ignored, as by nats-server.
  }

  protected override payload(msg: Buffer): void {
    this.h.onPub(this.subject, this.reply, this.hdr, msg);
  }

  protected override error(message: string, sendErr: boolean): void {
    this.h.onParseError(message, sendErr);
  }
}
