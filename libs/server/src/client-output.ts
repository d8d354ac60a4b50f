import type { Account, Permissions } from '@switchboard/accounts';
import { CLIENT, type ConnKind } from './conn-kind.js';
import { CloseReason } from './errors.js';
import { Outbound } from './outbound.js';
import type { ReplyPermits } from './permissions.js';
import type { Server } from './server.js';
import type { Subscription } from './subscription.js';
import type { Transport } from './transport.js';

/** nats-server's no-responders status message: header block only, empty payload. */
const NO_RESPONDERS_MSG = Buffer.from('NATS/1.0 503\r\n\r\n');

/**
 * The sending half of a client connection: messages routing delivers to it (from any
 * producer), control lines, and the batched write the server makes once per read chunk.
 * A consumer that cannot keep up is cut as a slow consumer (max_pending, write_deadline).
 * `Client` extends it with the protocol, authentication and flow control.
 */
export abstract class ClientOutput {
  readonly out = new Outbound();
  abstract account: Account<Subscription>;
  /** CLIENT, or a server at the other end (ROUTER, LEAF): set once by the subclass. */
  kind: ConnKind = CLIENT;
  /**
   * A route or leaf connection while its inbound message is routed: the queue groups the sender
   * picked this node for (space separated, '' = none: then no queue group here gets it).
   */
  queueFilter = '';
  /** Leaf connections: this side is the hub (solicited by the leaf) or the spoke (it solicited). */
  isHubLeaf = false;
  isSpokeLeaf = false;
  /** A leaf connection's other side's cluster (its name when it has none), '' = unknown or not a leaf. */
  remoteCluster = '';
  /** Index in routing's remote-target list during one routing pass (see deliver.ts). */
  rtIndex = -1;
  /** Headers negotiated: HMSG is delivered as is, else headers are stripped. */
  headers = false;
  /** The user's publish/subscribe permissions; null = unrestricted. */
  perms: Permissions | null = null;
  /** Reply subjects this client may answer (`allow_responses`); null = no response permission. */
  replies: ReplyPermits | null = null;
  /** A wildcard subscription overlaps denied subjects: deliveries are filtered. */
  denyFilter = false;
  closed = false;
  outMsgs = 0;
  outBytes = 0;

  /** In the server's flush queue. */
  flushQueued = false;
  /** Pending bytes passed max_pending while routing: cut at the next flush. */
  slowConsumer = false;
  /** Bytes the transport held after the last flush. */
  transportPending = 0;
  /** When the transport stopped taking writes (ms), 0 = flowing; for the write deadline. */
  writeBlockedSince = 0;
  /** Above this many pending bytes, producers publishing to this client are paused. */
  readonly stallThreshold: number;
  /** Pending bytes at which this client is cut as a slow consumer. */
  protected readonly maxPending: number;
  /** Protocol tracing on (-V); read once, checked with a plain field on the hot path. */
  protected readonly trace: boolean;

  constructor(
    readonly server: Server,
    readonly transport: Transport,
  ) {
    this.maxPending = server.opts.maxPending;
    this.stallThreshold = server.opts.maxPending / 2;
    this.trace = server.logger.trace;
  }

  /** Outbound bytes not yet taken by the OS (nats-server's pending_bytes). */
  get pendingBytes(): number {
    return this.out.len + this.transport.writableLength;
  }

  abstract close(reason: CloseReason, flushFirst: boolean): void;
  abstract describe(): string;

  /** Appends one message for `sub` (called by the router); returns false when nothing was delivered. */
  deliver(sub: Subscription, subject: string, reply: string, hdrLen: number, msg: Buffer): boolean {
    if (this.trace) this.traceOut(`MSG ${subject} ${sub.sid}${reply ? ` ${reply}` : ''} ${msg.length}`);
    if (this.closed || this.slowConsumer || sub.closed) return false;
    if (this.denyFilter && this.perms!.deniesDelivery(subject)) return false;
    if (sub.max > 0) {
      if (sub.delivered >= sub.max) return false;
      if (sub.delivered + 1 === sub.max) this.server.expireSub(sub);
    }
    sub.delivered++;
    if (this.replies !== null && reply.length > 0) this.replies.track(reply, Date.now());
    this.out.appendMsg(subject, sub.sid, reply, hdrLen, msg, !this.headers);
    const size = hdrLen >= 0 && !this.headers ? msg.length - hdrLen : msg.length;
    this.outMsgs++;
    this.outBytes += size;
    this.server.outMsgs++;
    this.server.outBytes += size;
    this.account.usage.delivered(size);
    if (this.out.len + this.transportPending > this.maxPending) this.slowConsumer = true;
    this.queueFlush();
    return true;
  }

  /**
   * A message for a route or leaf connection (one per connection and routing pass, whatever
   * number of its subscriptions matched): RMSG/LMSG/HMSG with the account (routes) and the queue
   * groups it was picked for. Clients have nothing to do here; remote connections override it.
   */
  deliverRemote(_account: Account<Subscription>, _subject: string, _reply: string, _queues: string, _hdrLen: number, _msg: Buffer): boolean {
    return false;
  }

  enqueue(bytes: Buffer): void {
    if (this.closed) return;
    this.out.appendBytes(bytes);
    this.queueFlush();
  }

  sendErr(message: string): void {
    if (this.trace) this.traceOut(`-ERR '${message}'`);
    if (this.closed) return;
    this.out.appendString(`-ERR '${message}'\r\n`);
    this.queueFlush();
  }

  sendInfo(info: string): void {
    if (this.closed) return;
    this.out.appendString(`INFO ${info} \r\n`);
    this.queueFlush();
  }

  /** nats-server answers to the requester's own subscription that matches the reply subject. */
  protected sendNoResponders(reply: string): void {
    const r = this.account.sublist.match(reply);
    for (const sub of r.psubs) {
      if ((sub.client as ClientOutput) === this && !sub.closed) {
        // Always HMSG: no_responders requires headers, checked at CONNECT.
        this.out.appendMsg(reply, sub.sid, '', NO_RESPONDERS_MSG.length, NO_RESPONDERS_MSG, false);
        this.queueFlush();
        return;
      }
    }
  }

  /** Hands pending bytes to the transport; cuts the connection if it cannot keep up. */
  flush(): void {
    if (this.closed) return;
    if (this.slowConsumer) return this.cutSlowConsumer(CloseReason.SlowConsumerPendingBytes);
    let data = this.out.take();
    if (data === null) return;
    do {
      if (!this.transport.write(data) && this.writeBlockedSince === 0) this.writeBlockedSince = Date.now();
    } while ((data = this.out.take()) !== null);
    this.transportPending = this.transport.writableLength;
    // Everything went to the OS at once (the usual case): the output chunk can be reused.
    if (this.transportPending === 0) this.out.reclaim();
    else if (this.transportPending > this.maxPending) this.cutSlowConsumer(CloseReason.SlowConsumerPendingBytes);
  }

  /** Write deadline check from the server's housekeeping tick. */
  checkWriteDeadline(now: number): void {
    if (this.writeBlockedSince !== 0 && now - this.writeBlockedSince > this.server.opts.writeDeadline) {
      this.cutSlowConsumer(CloseReason.SlowConsumerWriteDeadline);
    }
  }

  protected queueFlush(): void {
    if (!this.flushQueued) {
      this.flushQueued = true;
      this.server.queueFlush(this);
    }
  }

  private cutSlowConsumer(reason: CloseReason): void {
    this.server.slowConsumers++;
    this.account.usage.slowConsumer();
    const why = reason === CloseReason.SlowConsumerWriteDeadline ? 'WriteDeadline Exceeded' : `MaxPending of ${this.server.opts.maxPending} Exceeded`;
    this.server.log('INF', `${this.describe()} - Slow Consumer Detected: ${why}`);
    this.out.release();
    this.close(reason, false);
  }

  /** nats-server's protocol trace lines (-V): `->>` outbound. */
  protected traceOut(op: string): void {
    this.server.log('TRC', `${this.describe()} - ->> [${op}]`);
  }
}
