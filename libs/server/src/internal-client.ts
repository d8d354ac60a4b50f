import type { Account } from '@switchboard/accounts';
import { Client } from './client.js';
import { routeMessage } from './deliver.js';
import type { Server } from './server.js';
import { Subscription } from './subscription.js';
import type { Transport, TransportSink } from './transport.js';

/** Called with a copy of each message delivered to an internal subscription. */
export type InternalHandler = (subject: string, reply: string, msg: Buffer) => void;

/** The server's own connection (nats-server's internal system client): no socket, never stale. */
export class InternalClient extends Client {
  private readonly handlers = new Map<Subscription, InternalHandler>();
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
    this.account.sublist.insert(sub);
    this.server.interestChanged(this.account, sub, 1);
  }

  /** Publishes into this client's account and writes what it queued for others. */
  publish(subject: string, reply: string, payload: string | Buffer): void {
    const msg = typeof payload === 'string' ? Buffer.from(payload) : payload;
    routeMessage(this, this.account, this.account.sublist.match(subject), subject, reply, -1, msg);
    this.server.flushPending();
  }

  override deliver(sub: Subscription, subject: string, reply: string, hdrLen: number, msg: Buffer): boolean {
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

  override sendPing(): void {}
  override staleConnection(): void {}

  /** Removes the internal subscriptions (server shutdown). */
  stopInternal(): void {
    for (const sub of this.subs.values()) sub.closed = true;
    this.account.sublist.removeBatch(this.subs.values());
    for (const sub of this.subs.values()) this.server.interestChanged(this.account, sub, -1);
    this.subs.clear();
    this.handlers.clear();
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
