import type { Account } from '@switchboard/accounts';
import { ClientParser, ERR_MAX_CONTROL_LINE, ERR_MAX_PAYLOAD, type ClientOpHandler } from '@switchboard/protocol';
import { isValidLiteralSubject, isValidSubject } from '@switchboard/subjects';
import type { JwtIdentity } from './auth.js';
import { ClientAuth } from './client-auth.js';
import { ClientOutput } from './client-output.js';
import { defaultConnectOptions, type ConnectOptions } from './connect.js';
import { addShadows, isReservedReply, removeShadows, routeInAccount } from './cross-account.js';
import { CloseReason, ERR_INVALID_PUBLISH_SUBJECT, ERR_INVALID_SUBJECT, ERR_MAX_SUBSCRIPTIONS, ERR_STALE_CONNECTION } from './errors.js';
import { FlowControl } from './flow-control.js';
import type { HeldOp } from './held-ops.js';
import { Pinger, type PingTarget } from './pinger.js';
import type { Server } from './server.js';
import { Subscription } from './subscription.js';
import type { TlsConnState } from './tls-transport.js';
import type { Transport, TransportSink } from './transport.js';

const OK = Buffer.from('+OK\r\n');
const PING = Buffer.from('PING\r\n');
const PONG = Buffer.from('PONG\r\n');
/** Secrets nats-server redacts when tracing CONNECT. */
const SECRET_FIELDS = /"(pass|auth_token|sig)"\s*:\s*"(?:[^"\\]|\\.)*"/g;
/**
 * A connection that has been read this many bytes since it last yielded gives up the rest of
 * the turn (flow.yieldTurn): one plain read at most (64 KiB), or four TLS records. Fairness and
 * publish cost pull this two ways: per 64 KiB, B's p99 under A's flood was 0.5–2 × nats-server's,
 * at 256 KiB 3.8 ×; per-64 KiB yields cost publishers CPU (0.75 vs 0.43 µs/msg at 128 B in one
 * A/B on a loaded machine). docs/benchmarks.md has the runs.
 */
const YIELD_BYTES = 64 * 1024;

/**
 * One client connection: consumes parsed operations (PUB, SUB, UNSUB, PING, PONG) and keeps
 * its subscriptions. What it sends is ClientOutput's (the class it extends); CONNECT and who
 * the client is are `auth`'s (client-auth.ts); pausing its reads is `flow`'s (flow-control.ts).
 */
export class Client extends ClientOutput implements ClientOpHandler, TransportSink, PingTarget {
  readonly subs = new Map<string, Subscription>();
  opts: ConnectOptions = defaultConnectOptions();
  echo = true;
  user = '';
  /** Operator mode: the user JWT behind this connection (revocations, expiry, limits). */
  jwt: JwtIdentity | null = null;
  /** CONNECT, authentication and the user JWT's lifetime. */
  readonly auth: ClientAuth;
  /** Why reading is paused (stalled producer, account rate) and whom this client holds up. */
  readonly flow: FlowControl;
  readonly pinger: Pinger;

  inMsgs = 0;
  inBytes = 0;
  readonly start = new Date();
  /** Monotonic start (ms) for sub-millisecond RTT. */
  readonly startMono = performance.now();
  /** Last inbound activity (ms since epoch). */
  lastActivity = Date.now();
  /** Round-trip time in ms (fractional): from CONNECT, then from server PINGs. */
  rtt = 0;
  /** CONNECT seen (or let in as no_auth_user without one). */
  connectReceived = false;
  /** Answered a PING after CONNECT: from then on the client may get async INFO (nats-server's firstPongSent). */
  firstPongSent = false;
  closeReason = '';
  stop: Date | null = null;

  /** Authentication required and not done yet. */
  awaitingAuth: boolean;
  /**
   * Non-null while an asynchronous authentication is pending: reading is paused and the rest
   * of the current chunk is kept here (bounded by one read chunk) to run once it settles.
   */
  held: HeldOp[] | null = null;
  /** The user's own subscription and payload limits (user JWT / account); -1 = the server's. */
  private maxSubs = -1;
  private maxPayload = -1;
  private readonly parser: ClientParser;
  /** Bytes read since this connection last yielded its turn. */
  private readSinceYield = 0;

  constructor(
    server: Server,
    readonly cid: number,
    transport: Transport,
    public account: Account<Subscription>,
    readonly nonce: string,
  ) {
    super(server, transport);
    const o = server.opts;
    this.parser = new ClientParser(this, { maxControlLine: o.maxControlLine, maxPayload: o.maxPayload });
    this.auth = new ClientAuth(this);
    this.flow = new FlowControl(this);
    this.awaitingAuth = server.auth.required;
    this.pinger = new Pinger(this, o.pingInterval, o.maxPingsOut);
    this.pinger.start();
    if (this.awaitingAuth) this.auth.start(o.authTimeout);
    transport.bind(this);
  }

  get ip(): string {
    return this.transport.remoteAddress;
  }
  get port(): number {
    return this.transport.remotePort;
  }
  /** The established TLS session (version, cipher, client certificate); null in plain text. */
  get tls(): TlsConnState | null {
    return this.transport.tls ?? null;
  }
  /** Reading is paused because the account is over its publish rate. */
  get rateLimited(): boolean {
    return this.flow.rateLimited;
  }

  // ---- TransportSink ----

  onData(chunk: Buffer): void {
    if (this.closed) return;
    this.lastActivity = Date.now();
    const msgs = this.inMsgs;
    const bytes = this.inBytes;
    try {
      this.parser.parse(chunk);
    } catch (err) {
      // A bug must cost one connection, never the broker.
      this.server.log('ERR', `${this.describe()} - Internal error, closing: ${(err as Error).stack ?? String(err)}`);
      this.close(CloseReason.ProtocolViolation, false);
    }
    // The account's publish rate is charged per read chunk: over it, this socket stops being read.
    const rate = this.account.rate;
    if (rate !== null && this.inMsgs !== msgs && !this.closed && rate.charge(this.inMsgs - msgs, this.inBytes - bytes)) this.flow.throttle(rate);
    if ((this.readSinceYield += chunk.length) >= YIELD_BYTES && !this.closed) {
      this.readSinceYield = 0;
      this.flow.yieldTurn();
    }
    // What this chunk queued for other clients is written at the end of the turn (Server.queueFlush).
  }

  onDrain(): void {
    this.transportPending = this.transport.writableLength;
    if (this.transportPending === 0) this.out.reclaim();
    this.writeBlockedSince = 0;
    this.flow.releaseProducers();
  }

  onClose(reason: CloseReason = CloseReason.ClientClosed, error = ''): void {
    if (error) this.server.log('ERR', `${this.describe()} - ${error}`);
    this.close(reason, false);
  }

  /** Reads again unless something still holds them (closed, authentication pending, flow control). */
  resumeReading(): void {
    if (!this.closed && this.held === null && !this.flow.stalled && !this.flow.rateLimited && !this.flow.yielded) this.transport.resume();
  }

  // ---- ClientOpHandler ----

  onConnect(json: string): void {
    if (this.held !== null) return void this.held.push({ op: 'connect', json });
    if (this.trace) this.traceIn(`CONNECT ${json.replace(SECRET_FIELDS, '"$1":"[REDACTED]"')}`);
    this.auth.connect(json);
  }

  onPub(subject: string, reply: string, hdrLen: number, msg: Buffer): void {
    // `msg` is a view into the parser's buffer: a held copy must own its bytes.
    if (this.held !== null) return void this.held.push({ op: 'pub', subject, reply, hdrLen, msg: Buffer.from(msg) });
    if (this.trace) this.traceIn(`${hdrLen < 0 ? 'PUB' : 'HPUB'} ${subject}${reply ? ` ${reply}` : ''}${hdrLen < 0 ? '' : ` ${hdrLen}`} ${msg.length}`);
    if (this.awaitingAuth && !this.auth.tryAnonymous()) return;
    if (hdrLen >= 0 && !this.headers) {
      // nats-server closes without a reply: headers were not negotiated in CONNECT.
      this.server.log('ERR', `${this.describe()} - processHeaderPub: message headers not supported`);
      return this.close(CloseReason.ProtocolViolation, true);
    }
    this.inMsgs++;
    this.inBytes += msg.length;
    this.server.inMsgs++;
    this.server.inBytes += msg.length;
    this.account.usage.published(msg.length);
    // nats-server 2.9 reports a wildcard publish in pedantic mode but still routes it.
    if (this.opts.pedantic && !isValidLiteralSubject(subject)) this.sendErr(ERR_INVALID_PUBLISH_SUBJECT);
    if (this.maxPayload >= 0 && msg.length > this.maxPayload) {
      this.sendErr(ERR_MAX_PAYLOAD);
      return this.close(CloseReason.MaxPayloadExceeded, true);
    }
    if (this.perms !== null && !this.perms.canPublish(subject) && (this.replies === null || !this.replies.allow(subject, Date.now()))) {
      this.server.log('ERR', `${this.describe()} - Publish Violation - User "${this.user}", Subject ${JSON.stringify(subject)}`);
      return this.sendErr(`Permissions Violation for Publish to ${JSON.stringify(subject)}`);
    }
    // Mapped service replies are the server's own: a client may not forge them.
    if (isReservedReply(reply)) {
      this.server.log('ERR', `${this.describe()} - Publish Violation - User "${this.user}", Reply ${JSON.stringify(reply)}`);
      return this.sendErr(`Permissions Violation for Publish with Reply of ${JSON.stringify(reply)}`);
    }
    if (this.opts.verbose) this.enqueue(OK);
    const delivered = routeInAccount(this, this.account, subject, reply, hdrLen, msg);
    if (!delivered && reply.length > 0 && this.opts.noResponders) this.sendNoResponders(reply);
  }

  onSub(subject: string, queue: string, sid: string): void {
    if (this.held !== null) return void this.held.push({ op: 'sub', subject, queue, sid });
    if (this.trace) this.traceIn(`SUB ${subject}${queue ? ` ${queue}` : ''} ${sid}`);
    if (this.awaitingAuth && !this.auth.tryAnonymous()) return;
    if (this.perms !== null) {
      if (!this.perms.canSubscribe(subject, queue)) return this.subPermissionViolation(subject, queue, sid);
      if (!this.denyFilter && this.perms.overlapsDeny(subject)) this.denyFilter = true;
    }
    const max = this.maxSubs >= 0 ? this.maxSubs : this.server.opts.maxSubscriptions;
    const total = this.account.limits.maxAccountSubscriptions;
    if ((max > 0 && this.subs.size >= max) || (total >= 0 && this.account.numSubscriptions >= total && !this.subs.has(sid))) {
      this.server.log('ERR', `${this.describe()} - ${ERR_MAX_SUBSCRIPTIONS}`);
      return this.sendErr(ERR_MAX_SUBSCRIPTIONS);
    }
    if (!isValidSubject(subject)) return this.sendErr(ERR_INVALID_SUBJECT);
    // A repeated sid keeps the first subscription, as nats-server does.
    if (!this.subs.has(sid)) {
      const sub = new Subscription(this, subject, queue, sid);
      this.subs.set(sid, sub);
      this.account.addSubscription();
      this.account.sublist.insert(sub);
      this.server.interestChanged(this.account, sub, 1);
      if (this.account.streamImports.length > 0) addShadows(sub, this.account);
    }
    if (this.opts.verbose) this.enqueue(OK);
  }

  onUnsub(sid: string, max: number): void {
    if (this.held !== null) return void this.held.push({ op: 'unsub', sid, max });
    if (this.trace) this.traceIn(`UNSUB ${sid}${max > 0 ? ` ${max}` : ''}`);
    if (this.awaitingAuth && !this.auth.tryAnonymous()) return;
    const sub = this.subs.get(sid);
    if (this.opts.verbose) this.enqueue(OK);
    if (!sub) return;
    if (max > 0 && max > sub.delivered) sub.max = max;
    else this.removeSub(sub);
  }

  onPing(): void {
    if (this.held !== null) return void this.held.push({ op: 'ping' });
    if (this.trace) this.traceIn('PING');
    if (this.awaitingAuth && !this.auth.tryAnonymous()) return;
    this.pinger.pingReceived();
    this.enqueue(PONG);
    if (this.connectReceived && !this.firstPongSent) {
      this.firstPongSent = true;
      // As nats-server: a user/account payload limit below the server's is announced after the first PONG.
      if (this.opts.protocol >= 1 && this.maxPayloadLimit !== this.server.opts.maxPayload) this.sendInfo(this.server.infoJSON(this));
    }
  }

  onPong(): void {
    if (this.held !== null) return void this.held.push({ op: 'pong' });
    if (this.trace) this.traceIn('PONG');
    const rtt = this.pinger.pongReceived();
    if (rtt >= 0) this.rtt = rtt;
  }

  onParseError(message: string, sendErr: boolean): void {
    if (this.held !== null) return void this.held.push({ op: 'error', message, sendErr });
    if (sendErr) this.sendErr(message);
    else this.server.log('ERR', `${this.describe()} - Client parser ERROR: ${message}`);
    this.close(closeReasonForParseError(message), true);
  }

  /** The largest payload this client may publish: the server's, or its user/account limit when lower. */
  get maxPayloadLimit(): number {
    const server = this.server.opts.maxPayload;
    return this.maxPayload >= 0 && this.maxPayload < server ? this.maxPayload : server;
  }

  /** The user JWT's effective limits (or the account's new JWT changed them): applied at once, as nats-server (no INFO). */
  setJwtLimits(maxSubs: number, maxPayload: number): void {
    this.maxSubs = maxSubs;
    this.maxPayload = maxPayload;
  }

  removeSub(sub: Subscription): void {
    if (sub.closed) return;
    sub.closed = true;
    if (this.subs.get(sub.sid) === sub) {
      this.subs.delete(sub.sid);
      this.account.removeSubscription();
    }
    this.account.sublist.remove(sub);
    this.server.interestChanged(this.account, sub, -1);
    removeShadows(sub);
  }

  /** Closes the connection; `flushFirst` sends what is pending (e.g. an -ERR) before ending. */
  close(reason: CloseReason, flushFirst: boolean): void {
    if (this.closed) return;
    if (flushFirst) this.flush();
    if (this.closed) return;
    this.closed = true;
    // Operations still in the current read chunk must not run on a closed connection.
    this.parser.close();
    this.closeReason = reason;
    this.stop = new Date();
    this.pinger.stop();
    this.auth.close();
    this.flow.close();
    for (const sub of this.subs.values()) {
      sub.closed = true;
      removeShadows(sub);
    }
    this.account.sublist.removeBatch(this.subs.values());
    if (this.server.interestListeners.length > 0) for (const sub of this.subs.values()) this.server.interestChanged(this.account, sub, -1);
    this.account.removeConnection(this.subs.size);
    this.server.removeClient(this);
    if (this.auth.announced) this.server.events?.clientClosed(this);
    if (flushFirst) this.transport.end();
    else this.transport.destroy();
    this.out.release();
  }

  /** `<ip>:<port> - cid:<n>` as nats-server prefixes client log lines. */
  describe(): string {
    return `${this.ip}:${this.port} - cid:${this.cid}`;
  }

  /** nats-server's protocol trace lines (-V): `<<-` inbound. */
  private traceIn(op: string): void {
    this.server.log('TRC', `${this.describe()} - <<- [${op}]`);
  }

  private subPermissionViolation(subject: string, queue: string, sid: string): void {
    const q = queue ? ` using queue ${JSON.stringify(queue)}` : '';
    this.server.log(
      'ERR',
      `${this.describe()} - Subscription Violation - User "${this.user}", Subject ${JSON.stringify(subject)}${queue ? `, Queue: ${JSON.stringify(queue)}` : ''}, SID ${sid}`,
    );
    this.sendErr(`Permissions Violation for Subscription to ${JSON.stringify(subject)}${q}`);
  }

  // ---- PingTarget ----

  sendPing(): void {
    this.enqueue(PING);
    this.flush();
  }

  staleConnection(): void {
    this.server.log('DBG', `${this.describe()} - Stale Client Connection - Closing`);
    this.sendErr(ERR_STALE_CONNECTION);
    this.close(CloseReason.StaleConnection, true);
  }
}

function closeReasonForParseError(message: string): CloseReason {
  if (message === ERR_MAX_PAYLOAD) return CloseReason.MaxPayloadExceeded;
  if (message === ERR_MAX_CONTROL_LINE) return CloseReason.MaxControlLineExceeded;
  return CloseReason.ParseError;
}
