import type { Account, Permissions, RateLimiter, Throttled } from '@switchboard/accounts';
import { ClientParser, ERR_MAX_CONTROL_LINE, ERR_MAX_PAYLOAD, type ClientOpHandler } from '@switchboard/protocol';
import { isValidLiteralSubject, isValidSubject } from '@switchboard/subjects';
import type { AuthResult, JwtIdentity } from './auth.js';
import { defaultConnectOptions, parseConnect, type ConnectOptions } from './connect.js';
import {
  CloseReason,
  ERR_AUTHORIZATION,
  ERR_AUTH_EXPIRED,
  ERR_ACCOUNT_EXPIRED,
  ERR_AUTH_REVOKED,
  ERR_AUTH_TIMEOUT,
  ERR_BAD_PROTOCOL,
  ERR_INVALID_PUBLISH_SUBJECT,
  ERR_INVALID_SUBJECT,
  ERR_MAX_ACCOUNT_CONNECTIONS,
  ERR_MAX_SUBSCRIPTIONS,
  ERR_NO_RESPONDERS_HEADERS,
  ERR_STALE_CONNECTION,
} from './errors.js';
import { replayOp, type HeldOp } from './held-ops.js';
import { Outbound } from './outbound.js';
import { ReplyPermits } from './permissions.js';
import { Pinger, type PingTarget } from './pinger.js';
import { addShadows, isReservedReply, removeShadows, routeInAccount } from './cross-account.js';
import type { Server } from './server.js';
import { Subscription } from './subscription.js';
import type { TlsConnState } from './tls.js';
import type { Transport, TransportSink } from './transport.js';

const OK = Buffer.from('+OK\r\n');
const PING = Buffer.from('PING\r\n');
const PONG = Buffer.from('PONG\r\n');
/** nats-server's no-responders status message: header block only, empty payload. */
const NO_RESPONDERS_MSG = Buffer.from('NATS/1.0 503\r\n\r\n');
/** Secrets nats-server redacts when tracing CONNECT. */
const SECRET_FIELDS = /"(pass|auth_token|sig)"\s*:\s*"(?:[^"\\]|\\.)*"/g;
/** Highest client protocol nats-server accepts in CONNECT (ClientProtoInfo). */
const MAX_CLIENT_PROTO = 1;
/** How long a producer is paused for a consumer over half / over all of max_pending (nats-server's). */
const STALL_MIN = 100;
const STALL_MAX = 1_000;

/**
 * One client connection: consumes parsed operations, keeps its subscriptions, and owns the
 * outbound buffer that deliveries from any producer append to. Writes leave in batches when
 * the server flushes pending clients (after each read chunk or timer event).
 */
export class Client implements ClientOpHandler, TransportSink, PingTarget, Throttled {
  readonly out = new Outbound();
  readonly subs = new Map<string, Subscription>();
  opts: ConnectOptions = defaultConnectOptions();
  /** Headers negotiated: HMSG is delivered as is, else headers are stripped. */
  headers = false;
  echo = true;
  user = '';
  /** The user's publish/subscribe permissions; null = unrestricted. */
  perms: Permissions | null = null;
  /** Reply subjects this client may answer (`allow_responses`); null = no response permission. */
  private replies: ReplyPermits | null = null;
  /** Operator mode: the user JWT behind this connection (revocations, expiry, limits). */
  jwt: JwtIdentity | null = null;
  /** The user's own subscription and payload limits (user JWT / account); -1 = the server's. */
  private maxSubs = -1;
  private maxPayload = -1;
  private expiryTimer: NodeJS.Timeout | null = null;
  /** A CONNECT event was published for this client (so a DISCONNECT follows). */
  private announced = false;
  /** A wildcard subscription overlaps denied subjects: deliveries are filtered. */
  private denyFilter = false;

  inMsgs = 0;
  inBytes = 0;
  outMsgs = 0;
  outBytes = 0;
  readonly start = new Date();
  /** Monotonic start (ms) for sub-millisecond RTT. */
  private readonly startMono = performance.now();
  /** Last inbound activity (ms since epoch). */
  lastActivity = Date.now();
  /** Round-trip time in ms (fractional): from CONNECT, then from server PINGs. */
  rtt = 0;
  /** CONNECT seen (or let in as no_auth_user without one). */
  connectReceived = false;
  /** Answered a PING after CONNECT: from then on the client may get async INFO (nats-server's firstPongSent). */
  firstPongSent = false;
  closed = false;
  closeReason = '';
  stop: Date | null = null;

  /** In the server's flush queue. */
  flushQueued = false;
  /** Pending bytes passed max_pending while routing: cut at the next flush. */
  slowConsumer = false;
  /** Bytes the transport held after the last flush. */
  transportPending = 0;
  /** Pending bytes at which this client is cut as a slow consumer. */
  private readonly maxPending: number;
  /** Above this many pending bytes, producers publishing to this client are paused. */
  readonly stallThreshold: number;
  /** Producers paused because of this client's backlog. */
  stalledProducers: Client[] | null = null;
  /** This client's reading is paused by flow control. */
  stalled = false;
  /** This client's reading is paused because its account is over its publish rate. */
  rateLimited = false;
  private rateLimitedAt = 0;
  private stallTimer: NodeJS.Timeout | null = null;
  /** When the current stall began (performance.now()), for the account's throttled time. */
  private stalledAt = 0;
  /** Counted in its account's total connections. */
  private counted = false;
  /** When the transport stopped taking writes (ms), 0 = flowing; for the write deadline. */
  writeBlockedSince = 0;

  protected awaitingAuth: boolean;
  /**
   * Non-null while an asynchronous authentication is pending: reading is paused and the rest
   * of the current chunk is kept here (bounded by one read chunk) to run once it settles.
   */
  private held: HeldOp[] | null = null;
  /** Protocol tracing on (-V); read once, checked with a plain field on the hot path. */
  private readonly trace: boolean;
  private readonly parser: ClientParser;
  private readonly pinger: Pinger;
  private authTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly server: Server,
    readonly cid: number,
    readonly transport: Transport,
    public account: Account<Subscription>,
    readonly nonce: string,
  ) {
    const o = server.opts;
    this.parser = new ClientParser(this, { maxControlLine: o.maxControlLine, maxPayload: o.maxPayload });
    this.awaitingAuth = server.auth.required;
    this.trace = server.logger.trace;
    this.maxPending = o.maxPending;
    this.stallThreshold = o.maxPending / 2;
    this.pinger = new Pinger(this, o.pingInterval, o.maxPingsOut);
    this.pinger.start();
    if (this.awaitingAuth) {
      this.authTimer = setTimeout(this.onAuthTimeout, o.authTimeout);
      this.authTimer.unref();
    }
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
  /** Outbound bytes not yet taken by the OS (nats-server's pending_bytes). */
  get pendingBytes(): number {
    return this.out.len + this.transport.writableLength;
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
    if (rate !== null && this.inMsgs !== msgs && !this.closed && rate.charge(this.inMsgs - msgs, this.inBytes - bytes)) this.throttle(rate);
    this.server.flushPending();
  }

  onDrain(): void {
    this.transportPending = this.transport.writableLength;
    this.writeBlockedSince = 0;
    this.releaseProducers();
  }

  onClose(reason: CloseReason = CloseReason.ClientClosed, error = ''): void {
    if (error) this.server.log('ERR', `${this.describe()} - ${error}`);
    this.close(reason, false);
  }

  // ---- ClientOpHandler ----

  onConnect(json: string): void {
    if (this.held !== null) return void this.held.push({ op: 'connect', json });
    if (this.trace) this.traceIn(`CONNECT ${json.replace(SECRET_FIELDS, '"$1":"[REDACTED]"')}`);
    const opts = parseConnect(json, this.opts);
    // nats-server closes on malformed CONNECT JSON without sending an error.
    if (opts === null) return this.close(CloseReason.ProtocolViolation, true);
    this.opts = opts;
    this.connectReceived = true;
    this.echo = opts.echo;
    this.headers = opts.headers;
    this.rtt = performance.now() - this.startMono;
    if (!this.server.auth.required) {
      this.clearAuthTimer();
      return this.completeConnect(opts, null);
    }
    let who: AuthResult | null | Promise<AuthResult | null>;
    try {
      who = this.server.auth.authenticate(opts, this.nonce, this);
    } catch (err) {
      this.server.log('ERR', `${this.describe()} - authentication failed: ${(err as Error)?.message ?? String(err)}`);
      who = null;
    }
    if (!isPromise(who)) {
      this.clearAuthTimer();
      return this.completeConnect(opts, who);
    }
    // The auth timer keeps running: a resolver that hangs costs an Authentication Timeout.
    this.held = [];
    this.transport.pause();
    who.then(
      (result) => this.resumeAfterAuth(opts, result),
      (err: unknown) => {
        this.server.log('ERR', `${this.describe()} - authentication failed: ${(err as Error)?.message ?? String(err)}`);
        this.resumeAfterAuth(opts, null);
      },
    );
  }

  /** The rest of CONNECT once we know who the client is (`who` unused when auth is off). */
  private completeConnect(opts: ConnectOptions, who: AuthResult | null): void {
    if (this.server.auth.required) {
      if (who === null || opts.account !== '' || opts.newAccount) return this.authViolation();
      const account = this.server.registerAccount(who.account);
      if (who.accountLimits) account.setLimits(who.accountLimits);
      if (who.accountJwt !== undefined && who.accountJwt !== account.jwt) {
        account.jwt = who.accountJwt;
        account.updated = new Date();
      }
      this.bindAccount(account);
      const maxConns = account.limits.maxConnections;
      if (maxConns >= 0 && account.numConnections > maxConns) {
        // nats-server logs this twice (processConnect and registerWithAccount): matched.
        this.server.log('ERR', `${this.describe()} - ${ERR_MAX_ACCOUNT_CONNECTIONS}`);
        this.server.log('ERR', `${this.describe()} - ${ERR_MAX_ACCOUNT_CONNECTIONS}`);
        return this.maxAccountConnectionsExceeded();
      }
      this.user = who.user;
      this.perms = who.permissions;
      if (who.responses) this.replies = new ReplyPermits(who.responses);
      this.awaitingAuth = false;
      if (who.jwt) this.applyJwt(who.jwt);
    } else if (opts.account !== '' || opts.newAccount) {
      return this.authViolation();
    }
    if (opts.protocol < 0 || opts.protocol > MAX_CLIENT_PROTO) {
      this.sendErr(ERR_BAD_PROTOCOL);
      return this.close(CloseReason.BadClientProtocolVersion, true);
    }
    if (opts.noResponders && !this.headers) {
      this.sendErr(ERR_NO_RESPONDERS_HEADERS);
      return this.close(CloseReason.NoRespondersRequiresHeaders, true);
    }
    this.countConnection();
    if (opts.verbose) this.enqueue(OK);
    this.pinger.start();
    if (this.server.events !== null) {
      this.announced = true;
      this.server.events.clientConnected(this);
    }
  }

  private applyJwt(id: JwtIdentity): void {
    this.jwt = id;
    this.maxSubs = id.maxSubs;
    this.maxPayload = id.maxPayload;
    this.armExpiry();
  }

  /** A live update moved the account's expiry (0 = none). */
  setAccountExpiry(at: number): void {
    if (this.jwt === null || this.closed) return;
    this.jwt.accountExpiresAt = at;
    this.armExpiry();
  }

  /** nats-server disconnects a user at its JWT's or its account's expiry. Re-armed past setTimeout's range. */
  private armExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    const { expiresAt, accountExpiresAt } = this.jwt!;
    const at = expiresAt > 0 && (accountExpiresAt === 0 || expiresAt < accountExpiresAt) ? expiresAt : accountExpiresAt;
    if (at === 0) return;
    this.expiryTimer = setTimeout(this.onExpiry, Math.max(0, Math.min(at - Date.now(), 0x7fffffff)));
    this.expiryTimer.unref();
  }

  private readonly onExpiry = (): void => {
    this.expiryTimer = null;
    if (this.closed || this.jwt === null) return;
    const now = Date.now();
    const { expiresAt, accountExpiresAt } = this.jwt;
    const err = accountExpiresAt > 0 && now >= accountExpiresAt ? ERR_ACCOUNT_EXPIRED : expiresAt > 0 && now >= expiresAt ? ERR_AUTH_EXPIRED : '';
    if (err === '') return this.armExpiry();
    this.server.log('DBG', `${this.describe()} - ${err}`);
    this.sendErr(err);
    this.close(CloseReason.AuthenticationExpired, true);
    this.server.flushPending();
  };

  /** The account's new JWT changed its limits: applied at once, as nats-server (no INFO). */
  setJwtLimits(maxSubs: number, maxPayload: number): void {
    this.maxSubs = maxSubs;
    this.maxPayload = maxPayload;
  }

  /** The account's new JWT revoked this user: nats-server's error, then close. */
  revoke(): void {
    this.server.log('DBG', `${this.describe()} - ${ERR_AUTH_REVOKED}`);
    this.sendErr(ERR_AUTH_REVOKED);
    this.close(CloseReason.Revocation, true);
    this.server.flushPending();
  }

  private resumeAfterAuth(opts: ConnectOptions, who: AuthResult | null): void {
    const queued = this.held ?? [];
    this.held = null;
    if (this.closed) return;
    this.clearAuthTimer();
    try {
      this.completeConnect(opts, who);
      for (let i = 0; i < queued.length && !this.closed; i++) {
        // A held CONNECT may have started another asynchronous round: keep the rest for it.
        if (this.held !== null) {
          (this.held as HeldOp[]).push(...queued.slice(i));
          break;
        }
        replayOp(this, queued[i]!);
      }
    } catch (err) {
      this.server.log('ERR', `${this.describe()} - Internal error, closing: ${(err as Error).stack ?? String(err)}`);
      this.close(CloseReason.ProtocolViolation, false);
    }
    if (!this.closed && this.held === null && !this.stalled && !this.rateLimited) this.transport.resume();
    this.server.flushPending();
  }

  protected clearAuthTimer(): void {
    if (this.authTimer) {
      clearTimeout(this.authTimer);
      this.authTimer = null;
    }
  }

  onPub(subject: string, reply: string, hdrLen: number, msg: Buffer): void {
    // `msg` is a view into the parser's buffer: a held copy must own its bytes.
    if (this.held !== null) return void this.held.push({ op: 'pub', subject, reply, hdrLen, msg: Buffer.from(msg) });
    if (this.trace) this.traceIn(`${hdrLen < 0 ? 'PUB' : 'HPUB'} ${subject}${reply ? ` ${reply}` : ''}${hdrLen < 0 ? '' : ` ${hdrLen}`} ${msg.length}`);
    if (this.awaitingAuth && !this.tryAnonymous()) return;
    if (hdrLen >= 0 && !this.headers) {
      // nats-server closes without a reply: headers were not negotiated in CONNECT.
      this.server.log('ERR', `${this.describe()} - processHeaderPub: message headers not supported`);
      return this.close(CloseReason.ProtocolViolation, true);
    }
    this.inMsgs++;
    this.inBytes += msg.length;
    this.server.inMsgs++;
    this.server.inBytes += msg.length;
    const usage = this.account.usage;
    usage.inMsgs++;
    usage.inBytes += msg.length;
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
    if (this.awaitingAuth && !this.tryAnonymous()) return;
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
      this.account.numSubscriptions++;
      this.account.sublist.insert(sub);
      if (this.account.streamImports.length > 0) addShadows(sub, this.account);
    }
    if (this.opts.verbose) this.enqueue(OK);
  }

  onUnsub(sid: string, max: number): void {
    if (this.held !== null) return void this.held.push({ op: 'unsub', sid, max });
    if (this.trace) this.traceIn(`UNSUB ${sid}${max > 0 ? ` ${max}` : ''}`);
    if (this.awaitingAuth && !this.tryAnonymous()) return;
    const sub = this.subs.get(sid);
    if (this.opts.verbose) this.enqueue(OK);
    if (!sub) return;
    if (max > 0 && max > sub.delivered) sub.max = max;
    else this.removeSub(sub);
  }

  onPing(): void {
    if (this.held !== null) return void this.held.push({ op: 'ping' });
    if (this.trace) this.traceIn('PING');
    if (this.awaitingAuth && !this.tryAnonymous()) return;
    this.pinger.pingReceived();
    this.enqueue(PONG);
    if (this.connectReceived && !this.firstPongSent) {
      this.firstPongSent = true;
      // As nats-server: a user/account payload limit below the server's is announced after the first PONG.
      if (this.opts.protocol >= 1 && this.maxPayloadLimit !== this.server.opts.maxPayload) this.sendInfo(this.server.infoJSON(this));
    }
  }

  /** The largest payload this client may publish: the server's, or its user/account limit when lower. */
  get maxPayloadLimit(): number {
    const server = this.server.opts.maxPayload;
    return this.maxPayload >= 0 && this.maxPayload < server ? this.maxPayload : server;
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

  // ---- delivery (called by the router on the subscriber's client) ----

  /** Appends one message for `sub`; returns false when nothing was delivered. */
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
    const usage = this.account.usage;
    usage.outMsgs++;
    usage.outBytes += size;
    if (this.out.len + this.transportPending > this.maxPending) this.slowConsumer = true;
    this.queueFlush();
    return true;
  }

  // ---- output ----

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

  /** Hands pending bytes to the transport; cuts the connection if it cannot keep up. */
  flush(): void {
    if (this.closed) return;
    if (this.slowConsumer) return this.cutSlowConsumer(CloseReason.SlowConsumerPendingBytes);
    const data = this.out.take();
    if (data === null) return;
    if (!this.transport.write(data) && this.writeBlockedSince === 0) this.writeBlockedSince = Date.now();
    this.transportPending = this.transport.writableLength;
    if (this.transportPending > this.maxPending) this.cutSlowConsumer(CloseReason.SlowConsumerPendingBytes);
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
    if (this.authTimer) clearTimeout(this.authTimer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (this.stallTimer) clearTimeout(this.stallTimer);
    if (this.rateLimited) {
      this.account.rate?.unpark(this);
      this.account.usage.throttledMs += performance.now() - this.rateLimitedAt;
    }
    if (this.stalled) this.account.usage.throttledMs += performance.now() - this.stalledAt;
    this.releaseProducers();
    for (const sub of this.subs.values()) {
      sub.closed = true;
      removeShadows(sub);
    }
    this.account.sublist.removeBatch(this.subs.values());
    this.account.numSubscriptions -= this.subs.size;
    this.account.numConnections--;
    this.server.removeClient(this);
    if (this.announced) this.server.events?.clientClosed(this);
    if (flushFirst) this.transport.end();
    else this.transport.destroy();
    this.out.release();
  }

  /**
   * Flow control, as nats-server's stalled producers: this client published to `consumer`,
   * whose pending bytes passed half of max_pending. Stop reading this client until the
   * consumer drains, or for at most the stall time (then the consumer may be cut as slow).
   */
  stallOn(consumer: Client): void {
    if (this.stalled || this.closed || consumer === this) return;
    this.stalled = true;
    this.stalledAt = performance.now();
    this.transport.pause();
    (consumer.stalledProducers ??= []).push(this);
    const max = this.server.opts.maxPending;
    const ttl = consumer.transportPending >= max ? STALL_MAX : STALL_MIN;
    this.stallTimer = setTimeout(this.onStallTimeout, ttl);
  }

  private resumeReading(): void {
    if (!this.stalled) return;
    this.stalled = false;
    this.account.usage.throttledMs += performance.now() - this.stalledAt;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    if (!this.closed && !this.rateLimited) this.transport.resume();
  }

  private throttle(rate: RateLimiter): void {
    if (this.rateLimited) return;
    this.rateLimited = true;
    this.rateLimitedAt = performance.now();
    this.transport.pause();
    rate.park(this);
  }

  /** The account is back under its publish rate (Throttled). */
  rateResume(): void {
    if (!this.rateLimited) return;
    this.rateLimited = false;
    this.account.usage.throttledMs += performance.now() - this.rateLimitedAt;
    if (!this.closed && !this.stalled && this.held === null) this.transport.resume();
  }

  /** nats-server's answer when the account has its `conn` limit of connections already. */
  maxAccountConnectionsExceeded(): void {
    this.sendErr(ERR_MAX_ACCOUNT_CONNECTIONS);
    this.close(CloseReason.MaxAccountConnectionsExceeded, true);
  }

  private releaseProducers(): void {
    const list = this.stalledProducers;
    if (list === null) return;
    this.stalledProducers = null;
    for (const p of list) p.resumeReading();
  }

  private readonly onStallTimeout = (): void => {
    this.stallTimer = null;
    this.resumeReading();
  };

  removeSub(sub: Subscription): void {
    if (sub.closed) return;
    sub.closed = true;
    if (this.subs.get(sub.sid) === sub) {
      this.subs.delete(sub.sid);
      this.account.numSubscriptions--;
    }
    this.account.sublist.remove(sub);
    removeShadows(sub);
  }

  /** nats-server's protocol trace lines (-V): `<<-` inbound, `->>` outbound. */
  private traceIn(op: string): void {
    this.server.log('TRC', `${this.describe()} - <<- [${op}]`);
  }
  private traceOut(op: string): void {
    this.server.log('TRC', `${this.describe()} - ->> [${op}]`);
  }

  /** `<ip>:<port> - cid:<n>` as nats-server prefixes client log lines. */
  describe(): string {
    return `${this.ip}:${this.port} - cid:${this.cid}`;
  }

  /** Writes deadline check from the server's housekeeping tick. */
  checkWriteDeadline(now: number): void {
    if (this.writeBlockedSince !== 0 && now - this.writeBlockedSince > this.server.opts.writeDeadline) {
      this.cutSlowConsumer(CloseReason.SlowConsumerWriteDeadline);
    }
  }

  // ---- internals ----

  private queueFlush(): void {
    if (!this.flushQueued) {
      this.flushQueued = true;
      this.server.queueFlush(this);
    }
  }

  private bindAccount(account: Account<Subscription>): void {
    if (account === this.account) return;
    // Subscriptions made before CONNECT (no-auth telnet use) move with the client.
    for (const sub of this.subs.values()) {
      this.account.sublist.remove(sub);
      removeShadows(sub);
    }
    this.account.numConnections--;
    this.account.numSubscriptions -= this.subs.size;
    this.account = account;
    account.numConnections++;
    account.numSubscriptions += this.subs.size;
    for (const sub of this.subs.values()) {
      account.sublist.insert(sub);
      if (account.streamImports.length > 0) addShadows(sub, account);
    }
  }

  /**
   * An operation before CONNECT on a server that requires auth: allowed only through
   * no_auth_user (nats-server lets telnet sessions in that way), else a violation.
   */
  private tryAnonymous(): boolean {
    const who = this.server.auth.anonymous();
    if (!who) {
      this.authViolation();
      return false;
    }
    this.bindAccount(this.server.registerAccount(who.account));
    this.user = who.user;
    this.perms = who.permissions;
    if (who.responses) this.replies = new ReplyPermits(who.responses);
    this.awaitingAuth = false;
    this.connectReceived = true;
    this.clearAuthTimer();
    this.countConnection();
    return true;
  }

  /** Once per connection, in the account it was bound to (a repeated CONNECT is not a new one). */
  private countConnection(): void {
    if (this.counted) return;
    this.counted = true;
    this.account.usage.totalConnections++;
  }

  private subPermissionViolation(subject: string, queue: string, sid: string): void {
    const q = queue ? ` using queue ${JSON.stringify(queue)}` : '';
    this.server.log('ERR', `${this.describe()} - Subscription Violation - User "${this.user}", Subject ${JSON.stringify(subject)}${queue ? `, Queue: ${JSON.stringify(queue)}` : ''}, SID ${sid}`);
    this.sendErr(`Permissions Violation for Subscription to ${JSON.stringify(subject)}${q}`);
  }

  private authViolation(): void {
    const u = this.opts.user;
    this.server.log('ERR', `${this.describe()} - ${u ? `authentication error - User "${u}"` : 'authentication error'}`);
    this.sendErr(ERR_AUTHORIZATION);
    this.close(CloseReason.AuthenticationViolation, true);
  }

  /** nats-server answers to the requester's own subscription that matches the reply subject. */
  private sendNoResponders(reply: string): void {
    const r = this.account.sublist.match(reply);
    for (const sub of r.psubs) {
      if (sub.client === this && !sub.closed) {
        // Always HMSG: no_responders requires headers, checked at CONNECT.
        this.out.appendMsg(reply, sub.sid, '', NO_RESPONDERS_MSG.length, NO_RESPONDERS_MSG, false);
        this.queueFlush();
        return;
      }
    }
  }

  private cutSlowConsumer(reason: CloseReason): void {
    this.server.slowConsumers++;
    this.account.usage.slowConsumers++;
    const why = reason === CloseReason.SlowConsumerWriteDeadline ? 'WriteDeadline Exceeded' : `MaxPending of ${this.server.opts.maxPending} Exceeded`;
    this.server.log('INF', `${this.describe()} - Slow Consumer Detected: ${why}`);
    this.out.len = 0;
    this.close(reason, false);
  }

  private readonly onAuthTimeout = (): void => {
    this.authTimer = null;
    if (this.closed || !this.awaitingAuth) return;
    this.sendErr(ERR_AUTH_TIMEOUT);
    this.close(CloseReason.AuthenticationTimeout, true);
  };

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

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

function closeReasonForParseError(message: string): CloseReason {
  if (message === ERR_MAX_PAYLOAD) return CloseReason.MaxPayloadExceeded;
  if (message === ERR_MAX_CONTROL_LINE) return CloseReason.MaxControlLineExceeded;
  return CloseReason.ParseError;
}
