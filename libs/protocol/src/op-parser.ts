import { ERR_MAX_CONTROL_LINE, ERR_UNKNOWN_PROTOCOL } from './errors.js';

/** What follows a verb. */
export const ARGS = 0; // one or more spaces/tabs, then arguments up to LF (PUB, SUB, MSG…)
export const ARGS_NOSPACE = 1; // arguments, leading spaces optional (CONNECT, INFO)
export const NO_ARGS = 2; // the rest of the line is ignored (PING, PONG, +OK)

export interface Verb {
  name: string;
  /** 1..127, unique within a table. */
  op: number;
  after: number;
}

/**
 * Case-insensitive trie of verbs as a flat transition table, so matching a verb costs one
 * array load per byte: next[node * 256 + byte] is the next node or -1.
 */
export interface VerbTable {
  next: Int16Array;
  /** op ending at a node, 0 if none. */
  opAt: Uint8Array;
  /** parser state to enter after op. */
  stateAfter: Uint8Array;
}

// Parser states.
const VERB = 0;
const NEED_SPACE = 1;
const SPACE = 2;
const ARG = 3;
const SKIP_LINE = 4;
const PAYLOAD = 5;
const END_R = 6;
const END_N = 7;
const CLOSED = 8;

export function verbTable(verbs: readonly Verb[]): VerbTable {
  const edges: number[][] = [[]];
  const opAt: number[] = [0];
  for (const v of verbs) {
    let node = 0;
    for (let k = 0; k < v.name.length; k++) {
      const c = v.name.charCodeAt(k);
      let nxt = edges[node]![c];
      if (nxt === undefined) {
        nxt = edges.length;
        edges.push([]);
        opAt.push(0);
        edges[node]![c] = nxt;
        const lower = String.fromCharCode(c).toLowerCase().charCodeAt(0);
        edges[node]![lower] = nxt;
      }
      node = nxt;
    }
    opAt[node] = v.op;
  }
  const next = new Int16Array(edges.length * 256).fill(-1);
  edges.forEach((e, node) => e.forEach((to, c) => (next[node * 256 + c] = to)));
  const stateAfter = new Uint8Array(128);
  for (const v of verbs) {
    stateAfter[v.op] = v.after === ARGS ? NEED_SPACE : v.after === ARGS_NOSPACE ? SPACE : SKIP_LINE;
  }
  return { next, opAt: Uint8Array.from(opAt), stateAfter };
}

const EMPTY = Buffer.alloc(0);
/**
 * Split payloads up to this size are assembled in a buffer the connection keeps for reuse;
 * larger ones in a shared scratch buffer (below), so an idle connection holds little memory
 * (nats-server keeps a 4 KiB scratch buffer per client likewise).
 */
const KEEP_MSG_BUF = 4 * 1024;
/**
 * Larger split payloads (up to this size) are assembled in a scratch buffer from a pool shared by
 * all parsers, given back once the payload has been handed over. A buffer per payload (a 64 KiB
 * message read in two parts needs one) would come from glibc's main heap and be freed only when
 * V8 collects: under a flood of large messages the heap grows by the dead ones and stays grown
 * (docs/footprint.md). At glibc's mmap threshold as the broker runs, each scratch buffer is its
 * own mapping, so one that is not pooled goes back to the OS when it is collected.
 */
const SCRATCH_SIZE = 128 * 1024;
/** Scratch buffers kept for reuse: payloads being assembled at once by different connections. */
const SCRATCH_POOL_MAX = 8;
const scratchPool: Buffer[] = [];

function scratchBuffer(size: number): Buffer {
  if (size <= KEEP_MSG_BUF) return Buffer.allocUnsafe(KEEP_MSG_BUF);
  if (size <= SCRATCH_SIZE) return scratchPool.pop() ?? Buffer.allocUnsafeSlow(SCRATCH_SIZE);
  return Buffer.allocUnsafeSlow(size);
}

/** A buffer from scratchBuffer() nobody holds a view of any more. */
function releaseScratch(buf: Buffer): void {
  if (buf.length === SCRATCH_SIZE && scratchPool.length < SCRATCH_POOL_MAX) scratchPool.push(buf);
}

/**
 * Byte-level state machine shared by both directions of the protocol (after nats-server's
 * parser.go): verb, separators, control line up to LF, then for messages a sized payload
 * followed by CRLF. Incremental across any chunking; never throws on input.
 *
 * Control lines that end inside the chunk are handed over in place; only a line split across
 * chunks is copied (into a reused buffer). Payloads that sit wholly in one chunk are handed
 * over as a subarray of it; split payloads are assembled in a reused buffer.
 *
 * Only input is guarded: an exception thrown by a handler propagates out of parse() and the
 * rest of that chunk is lost, so treat it as fatal for the connection.
 */
export abstract class OpParser {
  /** Longest control-line argument accepted (bytes after the verb, without CRLF). */
  maxControlLine: number;
  /** Largest payload accepted (bounds the memory one message can take). */
  maxPayload: number;

  private readonly verbs: VerbTable;
  private state = VERB;
  private node = 0;
  private op = 0;
  private argBuf: Buffer = EMPTY;
  private argLen = 0;
  private size = 0;
  private msgBuf: Buffer = EMPTY;
  private msgLen = 0;

  protected constructor(verbs: VerbTable, maxControlLine: number, maxPayload: number) {
    this.verbs = verbs;
    this.maxControlLine = maxControlLine;
    this.maxPayload = maxPayload;
  }

  /** A complete control line buf[s, e) (CRLF removed) for `op`. */
  protected abstract line(op: number, buf: Buffer, s: number, e: number): void;
  /** An op without arguments. */
  protected abstract bare(op: number): void;
  /** The payload announced by the last line() through expectPayload(). */
  protected abstract payload(msg: Buffer): void;
  /** Reports a fatal error; the parser is already closed. */
  protected abstract error(message: string, sendErr: boolean): void;

  /** Called from line(): a payload of `size` bytes plus CRLF follows. */
  protected expectPayload(size: number): void {
    this.size = size;
    this.msgLen = 0;
    this.state = PAYLOAD;
  }

  /** Called from line() on bad arguments: stops parsing and reports. */
  protected fail(message: string, sendErr: boolean): void {
    this.close();
    this.error(message, sendErr);
  }

  /** Ignores all further input (also callable from a handler, e.g. on an auth failure). */
  close(): void {
    this.state = CLOSED;
    this.argBuf = EMPTY;
    // A payload being handed over was detached from msgBuf first: no view of this one is out.
    releaseScratch(this.msgBuf);
    this.msgBuf = EMPTY;
  }

  get closed(): boolean {
    return this.state === CLOSED;
  }

  parse(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    // Start of an argument that began in this chunk (-1: none, or it is in argBuf).
    let as = -1;
    while (i < n) {
      switch (this.state) {
        case VERB: {
          // All verb bytes in one go rather than a trip round the switch for each.
          const { next, opAt } = this.verbs;
          let node = this.node;
          let op = 0;
          do {
            node = next[(node << 8) | chunk[i++]!]!;
            if (node < 0) {
              this.fail(ERR_UNKNOWN_PROTOCOL, true);
              return;
            }
            op = opAt[node]!;
          } while (op === 0 && i < n);
          if (op === 0) {
            this.node = node;
          } else {
            this.node = 0;
            this.op = op;
            this.state = this.verbs.stateAfter[op]!;
          }
          break;
        }
        case NEED_SPACE: {
          const b = chunk[i++];
          if (b !== 32 && b !== 9) {
            this.fail(ERR_UNKNOWN_PROTOCOL, true);
            return;
          }
          this.state = SPACE;
          break;
        }
        case SPACE: {
          let b = chunk[i];
          while (b === 32 || b === 9) b = chunk[++i];
          if (i === n) break;
          // As in nats-server, the first byte after the separators belongs to the argument
          // whatever it is (even CR or LF).
          as = i++;
          this.argLen = 0;
          this.state = ARG;
          break;
        }
        case ARG: {
          const nl = chunk.indexOf(10, i);
          if (nl < 0) {
            if (!this.saveArg(chunk, as >= 0 ? as : i, n)) return;
            as = -1;
            i = n;
            break;
          }
          let buf: Buffer;
          let s: number;
          let e: number;
          if (as >= 0) {
            buf = chunk;
            s = as;
            e = nl;
            as = -1;
          } else {
            if (!this.appendArg(chunk, i, nl)) return;
            buf = this.argBuf;
            s = 0;
            e = this.argLen;
            this.argLen = 0;
          }
          i = nl + 1;
          if (e - s > 1 && buf[e - 1] === 13) e--;
          if (e - s > this.maxControlLine) {
            this.fail(ERR_MAX_CONTROL_LINE, true);
            return;
          }
          this.state = VERB;
          this.line(this.op, buf, s, e);
          if (this.state === PAYLOAD && i + this.size + 2 <= n) i = this.payloadInPlace(chunk, i);
          break;
        }
        case SKIP_LINE: {
          const nl = chunk.indexOf(10, i);
          if (nl < 0) {
            i = n;
            break;
          }
          i = nl + 1;
          this.state = VERB;
          this.bare(this.op);
          break;
        }
        case PAYLOAD: {
          const size = this.size;
          if (this.msgLen === 0 && i + size + 2 <= n) {
            i = this.payloadInPlace(chunk, i);
            break;
          }
          if (this.msgBuf.length < size) {
            releaseScratch(this.msgBuf);
            this.msgBuf = scratchBuffer(size);
          }
          const take = Math.min(size - this.msgLen, n - i);
          chunk.copy(this.msgBuf, this.msgLen, i, i + take);
          this.msgLen += take;
          i += take;
          if (this.msgLen === size) this.state = END_R;
          break;
        }
        case END_R:
          if (chunk[i++] !== 13) {
            this.fail(ERR_UNKNOWN_PROTOCOL, true);
            return;
          }
          this.state = END_N;
          break;
        case END_N: {
          if (chunk[i++] !== 10) {
            this.fail(ERR_UNKNOWN_PROTOCOL, true);
            return;
          }
          const buf = this.msgBuf;
          this.state = VERB;
          if (buf.length <= KEEP_MSG_BUF) {
            this.payload(buf.subarray(0, this.size));
            break;
          }
          this.msgBuf = EMPTY;
          this.payload(buf.subarray(0, this.size));
          releaseScratch(buf);
          break;
        }
        default:
          return; // CLOSED
      }
    }
    // The chunk ended right after the first byte of an argument.
    if (this.state === ARG && as >= 0) this.saveArg(chunk, as, n);
  }

  /** Whole payload and its CRLF are in chunk at i: hand over a view. Returns the new index. */
  private payloadInPlace(chunk: Buffer, i: number): number {
    const end = i + this.size;
    if (chunk[end] !== 13 || chunk[end + 1] !== 10) {
      this.fail(ERR_UNKNOWN_PROTOCOL, true);
      return chunk.length;
    }
    this.state = VERB;
    this.payload(chunk.subarray(i, end));
    return end + 2;
  }

  /**
   * Keeps the unfinished argument chunk[from, to) for the next chunk. Fails as soon as the
   * line is certain to exceed maxControlLine (allowing one trailing CR), so what is kept is
   * bounded and the outcome does not depend on where chunks split.
   */
  private saveArg(chunk: Buffer, from: number, to: number): boolean {
    if (!this.appendArg(chunk, from, to)) return false;
    if (this.argLen > this.maxControlLine && this.argBuf[this.argLen - 1] !== 13) {
      this.fail(ERR_MAX_CONTROL_LINE, true);
      return false;
    }
    return true;
  }

  private appendArg(chunk: Buffer, from: number, to: number): boolean {
    const len = this.argLen + (to - from);
    if (len > this.maxControlLine + 1) {
      this.fail(ERR_MAX_CONTROL_LINE, true);
      return false;
    }
    if (len > this.argBuf.length) {
      const grown = Buffer.allocUnsafe(Math.max(len, this.argBuf.length * 2, 256));
      this.argBuf.copy(grown, 0, 0, this.argLen);
      this.argBuf = grown;
    }
    chunk.copy(this.argBuf, this.argLen, from, to);
    this.argLen = len;
    return true;
  }
}
