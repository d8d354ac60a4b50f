import type { Account } from '@switchboard/accounts';
import { Client } from './client.js';
import { addShadows, removeShadows, routeInAccount } from './cross-account.js';
import { routeMessage } from './deliver.js';
import type { Server } from './server.js';
import { Subscription } from './subscription.js';
import type { Transport, TransportSink } from './transport.js';

/** Called with a copy of each message delivered to an internal subscription. */
export type InternalHandler = (subject: string, reply: string, msg: Buffer) => void;

/**
 * Called with a message and its headers (JetStream). `hdr` is the whole header block or null.
 * With `views`, the buffers point into the parser's buffer and are valid during the call only.
 */
export type InternalMsgHandler = (subject: string, reply: string, hdr: Buffer | null, data: Buffer) => void;

const EMPTY = Buffer.alloc(0);

interface MsgHandlerEntry {
  fn: InternalMsgHandler;
  views: boolean;
}

/** The server's own connection (nats-server's internal system client): no socket, never stale. */
export class InternalClient extends Client {
  private readonly handlers = new Map<Subscription, InternalHandler>();
  private readonly msgHandlers = new Map<Subscription, MsgHandlerEntry>();
  private nextSid = 1;

  constructor(server: Server, account: Account<Subscription>) {
    super(server, 0, NULL_TRANSPORT, account, '');
    this.connectReceived = true;
    this.awaitingAuth = false;
    this.auth.clearTimer();
    this.opts.verbose = false;
    this.opts.pedantic = false;
    this.opts.headers = true;
    this.headers = true;
  }

  subscribe(subject: string, handler: InternalHandler): void {
    const sub = new Subscription(this, subject, '', String(this.nextSid++));
    this.subs.set(sub.sid, sub);
    this.handlers.set(sub, handler);
    this.insert(sub);
  }

  /** Subscribes a handler that gets headers apart (`queue` '' = none); returns the subscription for `unsubscribe`. */
  subscribeMsg(subject: string, queue: string, handler: InternalMsgHandler, views = false): Subscription {
    const sub = new Subscription(this, subject, queue, String(this.nextSid++));
    this.subs.set(sub.sid, sub);
    this.msgHandlers.set(sub, { fn: handler, views });
    this.insert(sub);
    return sub;
  }

  /**
   * As a client's subscription: in the account, and shadowed into the exporters of the
   * account's stream imports (nats-server's internal clients get them too: a stream mirroring
   * another account's stream receives its consumer's deliveries through such an import).
   */
  private insert(sub: Subscription): void {
    this.account.sublist.insert(sub);
    this.server.interestChanged(this.account, sub, 1);
    if (this.account.streamImports.length > 0) addShadows(sub, this.account);
  }

  /** Removes one internal subscription. */
  unsubscribe(sub: Subscription): void {
    if (sub.closed) return;
    sub.closed = true;
    this.subs.delete(sub.sid);
    this.handlers.delete(sub);
    this.msgHandlers.delete(sub);
    this.account.sublist.remove(sub);
    this.server.interestChanged(this.account, sub, -1);
    removeShadows(sub);
  }

  /**
   * Publishes a message with optional headers, routed on `to` and shown as `subject` (they differ
   * for a JetStream consumer's deliveries, nats-server's pa.deliver). With `to === subject` the
   * account's imports apply (a reply to a request that came through a service import goes back).
   */
  publishMsg(to: string, subject: string, reply: string, hdr: Uint8Array | null, data: Uint8Array | null): void {
    const hl = hdr === null ? 0 : hdr.length;
    const dl = data === null ? 0 : data.length;
    let msg: Buffer;
    if (hl === 0) {
      // Routing copies what it keeps (outbound buffers, non-view handlers): a view will do.
      msg = dl === 0 ? EMPTY : Buffer.isBuffer(data) ? data : Buffer.from(data!.buffer, data!.byteOffset, dl);
    } else {
      msg = Buffer.allocUnsafe(hl + dl);
      msg.set(hdr!, 0);
      if (dl > 0) msg.set(data!, hl);
    }
    const hdrLen = hl > 0 ? hl : -1;
    if (to === subject) {
      if (this.server.importChain.length === 0) routeInAccount(this, this.account, subject, reply, hdrLen, msg);
      else {
        // Published while a service import's request is being routed (a JetStream API reply,
        // a publish ack): nats-server's internal clients send from their own queue, so this goes
        // out after that routing, not inside its import chain, whose cycle check would drop the
        // response on its way back to the requesting account.
        const copy = Buffer.from(msg);
        queueMicrotask(() => routeInAccount(this, this.account, subject, reply, hdrLen, copy));
      }
    } else routeMessage(this, this.account, this.account.sublist.match(to), subject, reply, hdrLen, msg, false, to);
    // No flush here: a consumer's run delivers hundreds of messages, and the receivers' writes
    // are queued for the turn's end (server.queueFlush), one socket write each, not one a message.
  }

  /** Publishes into this client's account and writes what it queued for others. */
  publish(subject: string, reply: string, payload: string | Buffer): void {
    const msg = typeof payload === 'string' ? Buffer.from(payload) : payload;
    routeMessage(this, this.account, this.account.sublist.match(subject), subject, reply, -1, msg);
    this.server.flushPending();
  }

  override deliver(sub: Subscription, subject: string, reply: string, hdrLen: number, msg: Buffer): boolean {
    const entry = this.msgHandlers.get(sub);
    if (entry !== undefined) return this.deliverMsg(entry, sub, subject, reply, hdrLen, msg);
    const handler = this.handlers.get(sub);
    if (handler === undefined || sub.closed) return false;
    sub.delivered++;
    // `msg` is a view into a parser buffer that is reused: handlers may be asynchronous.
    const body = hdrLen > 0 ? Buffer.from(msg.subarray(hdrLen)) : Buffer.from(msg);
    try {
      handler(subject, reply, body);
    } catch (err) {
      this.server.log('ERR', `internal subscription on ${subject}: ${(err as Error).message}`);
    }
    return true;
  }

  private deliverMsg(entry: MsgHandlerEntry, sub: Subscription, subject: string, reply: string, hdrLen: number, msg: Buffer): boolean {
    if (sub.closed) return false;
    sub.delivered++;
    let hdr: Buffer | null = null;
    let data: Buffer;
    if (hdrLen > 0) {
      hdr = msg.subarray(0, hdrLen);
      data = msg.subarray(hdrLen);
    } else data = msg;
    if (!entry.views) {
      hdr = hdr === null ? null : Buffer.from(hdr);
      data = Buffer.from(data);
    }
    try {
      entry.fn(subject, reply, hdr, data);
    } catch (err) {
      this.server.log('ERR', `internal subscription on ${subject}: ${(err as Error).message}`);
    }
    return true;
  }

  override sendPing(): void {}
  override staleConnection(): void {}

  /** Removes the internal subscriptions (server shutdown). */
  stopInternal(): void {
    for (const sub of this.subs.values()) sub.closed = true;
    this.account.sublist.removeBatch(this.subs.values());
    for (const sub of this.subs.values()) {
      this.server.interestChanged(this.account, sub, -1);
      removeShadows(sub);
    }
    this.subs.clear();
    this.handlers.clear();
    this.msgHandlers.clear();
  }
}

class NullTransport implements Transport {
  readonly remoteAddress = '';
  readonly remotePort = 0;
  readonly writableLength = 0;
  bind(_sink: TransportSink): void {}
  write(): boolean {
    return true;
  }
  end(): void {}
  destroy(): void {}
  pause(): void {}
  resume(): void {}
}
const NULL_TRANSPORT = new NullTransport();
