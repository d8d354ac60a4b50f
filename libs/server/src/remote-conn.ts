import type { Account } from '@switchboard/accounts';
import { RemoteParser, type RemoteOpHandler } from '@switchboard/protocol';
import { isValidSubject } from '@switchboard/subjects';
import { Client } from './client.js';
import { LEAF, ROUTER } from './conn-kind.js';
import { routeInAccount } from './cross-account.js';
import { routeMessage } from './deliver.js';
import { CloseReason } from './errors.js';
import type { Server } from './server.js';
import { Subscription } from './subscription.js';
import type { Transport } from './transport.js';

/**
 * A remote subscription: what RS+/LS+ announced under one key (`<account> <subject>[ <queue>]`
 * on routes, `<subject>[ <queue>]` on leaf nodes). A queue group's weight (its member count on
 * the remote server) is held as that many copies in the sublist, so routing's random pick among
 * a group's members is weighted without a per-message sum.
 */
export interface RemoteSub {
  readonly account: Account<Subscription>;
  readonly subs: Subscription[];
}

/** Weights above this are held as this many copies (bounds memory for a huge remote group). */
const MAX_WEIGHT_COPIES = 1024;
/** Replies of JetStream deliveries (nats-server's jsAckPre): may carry the shown subject after '@'. */
const JS_ACK = '$JS.ACK.';

/**
 * A connection to another server: a route (ROUTER) or a leaf node (LEAF). Its subscriptions live
 * in account sublists like a client's, keyed as nats-server keys them; routing sends it one
 * RMSG/LMSG per message (deliver.ts) instead of MSG per subscription; what it sends in is routed
 * with its queue filter and the one-hop rule. Subclasses do the handshake (CONNECT/INFO) and may
 * check permissions before calling `addRemoteSub`/`routeRemoteMsg`.
 *
 * It extends Client so routing, flow control, the pinger and the output buffer treat it as any
 * connection; it is not in `server.clients` (/connz) but in `server.remotes`.
 */
export abstract class RemoteConnection extends Client {
  readonly remoteSubs = new Map<string, RemoteSub>();
  protected readonly remoteParser: RemoteParser;
  /** CONNECT (or INFO) said the peer takes HMSG; else headers are stripped. */
  remoteHeaders = true;

  constructor(server: Server, cid: number, transport: Transport, kind: typeof ROUTER | typeof LEAF, account?: Account<Subscription>) {
    super(server, cid, transport, account ?? server.globalAccount, '');
    this.kind = kind;
    // Servers authenticate in their own handshake, not with a client's CONNECT and timer.
    this.awaitingAuth = false;
    this.auth.clearTimer();
    this.connectReceived = true;
    // No client INFO after the first PONG (Client.onPing): servers exchange their own.
    this.firstPongSent = true;
    this.headers = true;
    this.remoteParser = new RemoteParser(new RemoteOps(this), { leaf: kind === LEAF });
    server.remotes.add(this);
  }

  // ---- handshake, for the subclass ----

  abstract onRemoteConnect(json: string): void;
  abstract onRemoteInfo(json: string): void;
  /** `-ERR` from the peer: nats-server logs it and closes. */
  onRemoteErr(message: string): void {
    this.server.log('ERR', `${this.describe()} - Remote Error ${message}`);
    this.close(CloseReason.ParseError, false);
  }

  /**
   * RS+/LS+. Routes name the account; a leaf connection uses its own. Subclasses override to
   * check permissions, then call addRemoteSub.
   */
  onRemoteSub(origin: string, account: string, subject: string, queue: string, weight: number): void {
    const acc = account === '' ? this.account : this.remoteAccount(account);
    if (acc === null) return;
    this.addRemoteSub(acc, subject, queue, weight, this.subKey(account, subject, queue), origin);
  }

  /** RS-/LS-: keyed as RS+ was (single spaces, no origin), whatever the spacing sent. */
  onRemoteUnsub(account: string, subject: string, queue: string, _key: string): void {
    this.removeRemoteSub(this.subKey(account, subject, queue));
  }

  onRemoteMsg(origin: string, account: string, subject: string, reply: string, queues: string, hdrLen: number, msg: Buffer): void {
    const acc = account === '' ? this.account : this.server.accounts.get(account);
    if (acc === undefined) {
      this.server.log('DBG', `${this.describe()} - Unknown account ${JSON.stringify(account)} for routed message on subject: ${JSON.stringify(subject)}`);
      return;
    }
    this.routeRemoteMsg(acc, subject, reply, queues, hdrLen, msg);
  }

  /** The account a route names, registered if this node has not seen it (nats-server does so for non-memory resolvers). */
  protected remoteAccount(name: string): Account<Subscription> | null {
    return this.server.accounts.get(name) ?? this.server.registerAccount(name);
  }

  /** nats-server's key of a remote subscription: the RS+/LS+ argument without weight (and origin). */
  protected subKey(account: string, subject: string, queue: string): string {
    const s = account === '' ? subject : `${account} ${subject}`;
    return queue === '' ? s : `${s} ${queue}`;
  }

  // ---- remote interest ----

  /** Adds (or, for a queue group, re-weighs) a remote subscription. */
  addRemoteSub(account: Account<Subscription>, subject: string, queue: string, weight: number, key: string, _origin = ''): void {
    if (this.closed) return;
    if (!isValidSubject(subject)) return;
    const n = queue === '' ? 1 : Math.min(MAX_WEIGHT_COPIES, Math.max(1, weight));
    let rs = this.remoteSubs.get(key);
    if (rs === undefined) {
      rs = { account, subs: [] };
      this.remoteSubs.set(key, rs);
    } else if (queue === '') {
      return;
    }
    const subs = rs.subs;
    while (subs.length < n) {
      const sub = new Subscription(this, subject, queue, key);
      subs.push(sub);
      account.sublist.insert(sub);
      this.server.interestChanged(account, sub, 1);
    }
    while (subs.length > n) {
      const sub = subs.pop()!;
      sub.closed = true;
      account.sublist.remove(sub);
      this.server.interestChanged(account, sub, -1);
    }
  }

  removeRemoteSub(key: string): void {
    const rs = this.remoteSubs.get(key);
    if (rs === undefined) return;
    this.remoteSubs.delete(key);
    for (const sub of rs.subs) {
      sub.closed = true;
      rs.account.sublist.remove(sub);
      this.server.interestChanged(rs.account, sub, -1);
    }
  }

  /** Routes a message the peer sent in `account`; `queues` are the groups it picked this server for. */
  routeRemoteMsg(account: Account<Subscription>, subject: string, reply: string, queues: string, hdrLen: number, msg: Buffer): void {
    this.inMsgs++;
    this.inBytes += msg.length;
    this.server.inMsgs++;
    this.server.inBytes += msg.length;
    this.queueFilter = queues;
    try {
      // A JetStream delivery: routed on `subject`, shown to clients under what follows '@' in its ack reply.
      const at = reply.length > JS_ACK.length && reply.startsWith(JS_ACK) ? reply.lastIndexOf('@') : -1;
      if (at > 0 && at < reply.length - 1) {
        routeMessage(this, account, account.sublist.match(subject), reply.slice(at + 1), reply.slice(0, at), hdrLen, msg, false, subject);
      } else routeInAccount(this, account, subject, reply, hdrLen, msg);
    } finally {
      this.queueFilter = '';
    }
  }

  // ---- output ----

  override deliverRemote(account: Account<Subscription>, subject: string, reply: string, queues: string, hdrLen: number, msg: Buffer): boolean {
    if (this.closed || this.slowConsumer) return false;
    const strip = hdrLen >= 0 && !this.remoteHeaders;
    this.out.appendRoutedMsg(this.kind === ROUTER ? account.name : '', subject, reply, queues, hdrLen, msg, strip);
    const size = strip ? msg.length - hdrLen : msg.length;
    this.outMsgs++;
    this.outBytes += size;
    this.server.outMsgs++;
    this.server.outBytes += size;
    if (this.out.len + this.transportPending > this.maxPending) this.slowConsumer = true;
    this.queueFlush();
    return true;
  }

  /** Protocol text (RS+ lines, INFO, CONNECT…) queued for the next flush. */
  sendProto(text: string): void {
    if (this.closed) return;
    this.out.appendString(text);
    this.queueFlush();
  }

  // ---- transport ----

  override onData(chunk: Buffer): void {
    if (this.closed) return;
    this.lastActivity = Date.now();
    try {
      this.remoteParser.parse(chunk);
    } catch (err) {
      this.server.log('ERR', `${this.describe()} - Internal error, closing: ${(err as Error).stack ?? String(err)}`);
      this.close(CloseReason.ProtocolViolation, false);
    }
    // What this chunk queued for others is written at the end of the turn (Server.queueFlush).
  }

  override onParseError(message: string, sendErr: boolean): void {
    if (sendErr) this.sendErr(message);
    this.server.log('ERR', `${this.describe()} - ${this.kind === ROUTER ? 'Route' : 'Leafnode'} parser ERROR: ${message}`);
    this.close(CloseReason.ParseError, true);
  }

  /** Closes the connection and drops every remote subscription it brought. */
  override close(reason: CloseReason, flushFirst: boolean): void {
    if (this.closed) return;
    if (flushFirst) this.flush();
    if (this.closed) return;
    this.closed = true;
    this.remoteParser.close();
    this.closeReason = reason;
    this.stop = new Date();
    this.pinger.stop();
    this.auth.close();
    this.flow.close();
    for (const key of [...this.remoteSubs.keys()]) this.removeRemoteSub(key);
    this.server.remotes.delete(this);
    this.onClosed(reason);
    if (flushFirst) this.transport.end();
    else this.transport.destroy();
    this.out.release();
  }

  /** After close: the subclass unregisters (route table, leaf list) and logs. */
  protected abstract onClosed(reason: CloseReason): void;
}

/** Forwards the parser's calls (RemoteOpHandler) to the connection, whose own onSub/onUnsub are the client protocol's. */
class RemoteOps implements RemoteOpHandler {
  constructor(private readonly c: RemoteConnection) {}
  onConnect(json: string): void {
    this.c.onRemoteConnect(json);
  }
  onInfo(json: string): void {
    this.c.onRemoteInfo(json);
  }
  onSub(origin: string, account: string, subject: string, queue: string, weight: number): void {
    this.c.onRemoteSub(origin, account, subject, queue, weight);
  }
  onUnsub(account: string, subject: string, queue: string, key: string): void {
    this.c.onRemoteUnsub(account, subject, queue, key);
  }
  onMsg(origin: string, account: string, subject: string, reply: string, queues: string, hdrLen: number, msg: Buffer): void {
    this.c.onRemoteMsg(origin, account, subject, reply, queues, hdrLen, msg);
  }
  onPing(): void {
    this.c.onPing();
  }
  onPong(): void {
    this.c.onPong();
  }
  onOk(): void {}
  onErr(message: string): void {
    this.c.onRemoteErr(message);
  }
  onParseError(message: string, sendErr: boolean): void {
    this.c.onParseError(message, sendErr);
  }
}
