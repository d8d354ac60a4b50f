import { latin1, sizeAt, splitArgs, token, TokenCache, tokens, tokenSize } from './args.js';
import {
  ERR_MAX_PAYLOAD,
  LEAF_HMSG_ERROR,
  LEAF_MSG_ERROR,
  LEAF_SUB_ERROR,
  ROUTE_HMSG_ERROR,
  ROUTE_LMSG_ERROR,
  ROUTE_MSG_ERROR,
  ROUTE_SUB_ERROR,
  ROUTE_UNSUB_ERROR,
} from './errors.js';
import { ARGS, ARGS_NOSPACE, NO_ARGS, OpParser, verbTable } from './op-parser.js';

/**
 * What a route or leaf-node connection's parser calls (nats-server 2.9's server-to-server
 * protocols). Strings are latin1 views of the wire bytes; buffers are valid only during the call.
 */
export interface RemoteOpHandler {
  /** CONNECT <json> (UTF-8 decoded). */
  onConnect(json: string): void;
  /** INFO <json> (UTF-8 decoded): routes gossip and update through it. */
  onInfo(json: string): void;
  /**
   * Interest. Route: `RS+ <account> <subject>[ <queue> <weight>]`, or `LS+ <origin> <account> …`
   * (a leaf node's subscription, `origin` its cluster). Leaf: `LS+ <subject>[ <queue> <weight>]`
   * (`account` ''). `queue` '' for a plain subscription; `weight` is the queue group's member
   * count on the sender (-1 if not a number, 0 for a plain one).
   */
  onSub(origin: string, account: string, subject: string, queue: string, weight: number): void;
  /**
   * Route: `RS- <account> <subject>[ <queue>]` (also `LS- <account> …`); leaf: `LS- <subject>[ <queue>]`.
   * `key` is the argument text as sent, which nats-server uses as the subscription's key.
   */
  onUnsub(account: string, subject: string, queue: string, key: string): void;
  /**
   * A message. Route: `RMSG <account> <subject> …`, `HMSG <account> <subject> …` and
   * `LMSG <origin> <account> <subject> …` (always with a header size); leaf: `LMSG <subject> …`
   * and `HMSG <subject> …`. After the subject: `[reply]`, or `+ <reply> <queue>…`, or
   * `| <queue>…`, then `[<#hdr>] <#total>`. `queues` lists the queue groups the sender picked
   * this node for, separated by single spaces ('' = none). `hdrLen` -1 without headers.
   */
  onMsg(origin: string, account: string, subject: string, reply: string, queues: string, hdrLen: number, msg: Buffer): void;
  onPing(): void;
  onPong(): void;
  onOk(): void;
  /** -ERR <text>: the raw text. nats-server logs it and closes the connection. */
  onErr(message: string): void;
  /** The stream is unusable (the parser ignores further input); `sendErr` as in ClientOpHandler. */
  onParseError(message: string, sendErr: boolean): void;
}

const RSUB = 1;
const RUNSUB = 2;
const LSUB = 3;
const LUNSUB = 4;
const RMSG = 5;
const HMSG = 6;
const LMSG = 7;
const CONNECT = 8;
const INFO = 9;
const PING = 10;
const PONG = 11;
const OK = 12;
const ERR = 13;

const COMMON = [
  { name: 'LS+', op: LSUB, after: ARGS },
  { name: 'LS-', op: LUNSUB, after: ARGS },
  { name: 'LMSG', op: LMSG, after: ARGS },
  { name: 'HMSG', op: HMSG, after: ARGS },
  { name: 'CONNECT', op: CONNECT, after: ARGS_NOSPACE },
  { name: 'INFO', op: INFO, after: ARGS_NOSPACE },
  { name: 'PING', op: PING, after: NO_ARGS },
  { name: 'PONG', op: PONG, after: NO_ARGS },
  { name: '+OK', op: OK, after: NO_ARGS },
  { name: '-ERR', op: ERR, after: ARGS },
];
const ROUTE_VERBS = verbTable([
  { name: 'RS+', op: RSUB, after: ARGS },
  { name: 'RS-', op: RUNSUB, after: ARGS },
  { name: 'RMSG', op: RMSG, after: ARGS },
  ...COMMON,
]);
// A leaf connection is bound to one account: no RS+/RS-/RMSG, no account on the wire.
const LEAF_VERBS = verbTable(COMMON);

/** nats-server applies no control-line limit to routes and leaf nodes; this only bounds memory. */
const MAX_REMOTE_LINE = 1024 * 1024;
/** nats-server's ceiling for max_payload. */
const DEFAULT_MAX_PAYLOAD = 64 * 1024 * 1024;

// Bounds of the last three tokens of a line, found scanning back from its end: a queue list
// may hold more tokens than splitArgs records, and the sizes come after it.
const tail = new Int32Array(6);

function lastTokens(buf: Buffer, s: number, e: number): void {
  let i = e;
  for (let k = 0; k < 3; k++) {
    while (i > s && isSep(buf[i - 1]!)) i--;
    const end = i;
    while (i > s && !isSep(buf[i - 1]!)) i--;
    tail[k * 2] = i;
    tail[k * 2 + 1] = end;
  }
}

function isSep(b: number): boolean {
  return b === 32 || b === 9 || b === 13 || b === 10;
}

const MULTI_SEP = /[\t\r\n]| {2}/;

/**
 * Parses a route's or a leaf node's inbound stream (nats-server 2.9's parser.go for ROUTER and
 * LEAF connections): interest (RS+/RS-/LS+/LS-), messages (RMSG/LMSG/HMSG) with the account
 * (routes), the origin cluster (LMSG/LS+ on routes), reply and queue-group forms, and the
 * handshake (CONNECT/INFO/PING/PONG). Same state machine, guarantees and zero-copy hand-over
 * as ClientParser; argument errors carry nats-server's texts and close without -ERR.
 */
export class RemoteParser extends OpParser {
  private readonly h: RemoteOpHandler;
  private readonly leaf: boolean;
  // The message whose payload is awaited.
  private origin = '';
  private account = '';
  private subject = '';
  private reply = '';
  private queues = '';
  private hdr = -1;
  private readonly accounts = new TokenCache();
  private readonly subjects = new TokenCache();

  constructor(handler: RemoteOpHandler, opts: { leaf: boolean; maxPayload?: number }) {
    super(opts.leaf ? LEAF_VERBS : ROUTE_VERBS, MAX_REMOTE_LINE, opts.maxPayload ?? DEFAULT_MAX_PAYLOAD);
    this.h = handler;
    this.leaf = opts.leaf;
  }

  protected override line(op: number, buf: Buffer, s: number, e: number): void {
    switch (op) {
      case RSUB:
        return this.sub(buf, s, e, 1, ROUTE_SUB_ERROR);
      case LSUB:
        return this.leaf ? this.sub(buf, s, e, 0, LEAF_SUB_ERROR) : this.sub(buf, s, e, 2, ROUTE_SUB_ERROR);
      case RUNSUB:
      case LUNSUB:
        return this.unsub(buf, s, e);
      case RMSG:
        return this.msg(buf, s, e, 1, false, ROUTE_MSG_ERROR);
      case HMSG:
        return this.leaf ? this.msg(buf, s, e, 0, true, LEAF_HMSG_ERROR) : this.msg(buf, s, e, 1, true, ROUTE_HMSG_ERROR);
      case LMSG:
        // On a route LMSG carries the origin cluster and always a header size.
        return this.leaf ? this.msg(buf, s, e, 0, false, LEAF_MSG_ERROR) : this.msg(buf, s, e, 2, true, ROUTE_LMSG_ERROR);
      case CONNECT:
        return this.h.onConnect(buf.toString('utf8', s, e));
      case INFO:
        return this.h.onInfo(buf.toString('utf8', s, e));
      case ERR:
        return this.h.onErr(buf.toString('utf8', s, e));
    }
  }

  /**
   * `[origin] [account] subject [queue weight]`: `head` tokens before the subject (0 leaf,
   * 1 account, 2 origin + account).
   */
  private sub(buf: Buffer, s: number, e: number, head: number, err: string): void {
    const n = splitArgs(buf, s, e, true);
    if (n !== head + 1 && n !== head + 3) return this.fail(`${err}: '${latin1(buf, s, e)}'`, false);
    const origin = head === 2 ? token(buf, 0) : '';
    const account = head >= 1 ? this.accounts.get(buf, head - 1) : '';
    const subject = token(buf, head);
    if (n === head + 1) return this.h.onSub(origin, account, subject, '', 0);
    this.h.onSub(origin, account, subject, token(buf, head + 1), tokenSize(buf, head + 2));
  }

  private unsub(buf: Buffer, s: number, e: number): void {
    const n = splitArgs(buf, s, e, true);
    const key = latin1(buf, s, e);
    if (this.leaf) {
      // nats-server looks the whole argument up as the key: nothing to reject.
      if (n === 0) return;
      return this.h.onUnsub('', token(buf, 0), n > 1 ? token(buf, 1) : '', key);
    }
    if (n !== 2 && n !== 3) return this.fail(`${ROUTE_UNSUB_ERROR}: '${key}'`, false);
    this.h.onUnsub(this.accounts.get(buf, 0), token(buf, 1), n === 3 ? token(buf, 2) : '', key);
  }

  /**
   * `[origin] [account] subject [reply | + reply queue… | \| queue…] [#hdr] #total`: `head`
   * tokens before the subject as for sub(); `headers` whether a header size precedes the total.
   */
  private msg(buf: Buffer, s: number, e: number, head: number, headers: boolean, err: string): void {
    const n = splitArgs(buf, s, e, true);
    const fixed = head + 1;
    const sizes = headers ? 2 : 1;
    if (n < fixed + sizes) return this.fail(`${err} Parse Error: '${latin1(buf, s, e)}'`, false);
    lastTokens(buf, s, e);
    let reply = '';
    let queues = '';
    if (n === fixed + sizes + 1) {
      reply = token(buf, fixed);
    } else if (n > fixed + sizes + 1) {
      const ts = tokens[fixed * 2]!;
      const ind = tokens[fixed * 2 + 1]! - ts === 1 ? buf[ts] : 0;
      if (ind !== 43 /* + */ && ind !== 124 /* | */) {
        return this.fail(`${err} Bad or Missing Reply Indicator: '${latin1(buf, ts, tokens[fixed * 2 + 1]!)}'`, false);
      }
      let q = fixed + 1;
      if (ind === 43) reply = token(buf, q++);
      // The queue list runs from its first token to the one before the sizes.
      if (q < n - sizes) {
        queues = latin1(buf, tokens[q * 2]!, tail[sizes * 2 + 1]!);
        if (MULTI_SEP.test(queues)) queues = queues.split(/[ \t\r\n]+/).join(' ');
      }
    }
    const size = sizeAt(buf, tail[0]!, tail[1]!);
    const hdr = headers ? sizeAt(buf, tail[2]!, tail[3]!) : -1;
    if (headers && hdr < 0) return this.fail(`${err} Bad or Missing Header Size: '${latin1(buf, s, e)}'`, false);
    if (size < 0) return this.fail(`${err} Bad or Missing Size: '${latin1(buf, s, e)}'`, false);
    if (hdr > size) return this.fail(`${err} Header Size larger then TotalSize: '${latin1(buf, s, e)}'`, false);
    if (size > this.maxPayload) return this.fail(ERR_MAX_PAYLOAD, true);
    this.origin = head === 2 ? token(buf, 0) : '';
    this.account = head >= 1 ? this.accounts.get(buf, head - 1) : '';
    this.subject = this.subjects.get(buf, head);
    this.reply = reply;
    this.queues = queues;
    this.hdr = hdr;
    this.expectPayload(size);
  }

  protected override bare(op: number): void {
    if (op === PING) this.h.onPing();
    else if (op === PONG) this.h.onPong();
    else this.h.onOk();
  }

  protected override payload(msg: Buffer): void {
    this.h.onMsg(this.origin, this.account, this.subject, this.reply, this.queues, this.hdr, msg);
  }

  protected override error(message: string, sendErr: boolean): void {
    this.h.onParseError(message, sendErr);
  }
}
