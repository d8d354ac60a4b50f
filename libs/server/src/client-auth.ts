import type { Account } from '@switchboard/accounts';
import type { AuthResult, JwtIdentity } from './auth.js';
import type { Client } from './client.js';
import { parseConnect, type ConnectOptions } from './connect.js';
import { addShadows, removeShadows } from './cross-account.js';
import {
  CloseReason,
  ERR_ACCOUNT_EXPIRED,
  ERR_AUTHORIZATION,
  ERR_AUTH_EXPIRED,
  ERR_AUTH_REVOKED,
  ERR_AUTH_TIMEOUT,
  ERR_BAD_PROTOCOL,
  ERR_MAX_ACCOUNT_CONNECTIONS,
  ERR_NO_RESPONDERS_HEADERS,
} from './errors.js';
import { replayOp, type HeldOp } from './held-ops.js';
import { ReplyPermits } from './permissions.js';
import type { Subscription } from './subscription.js';

const OK = Buffer.from('+OK\r\n');
/** Highest client protocol nats-server accepts in CONNECT (ClientProtoInfo). */
const MAX_CLIENT_PROTO = 1;

/**
 * CONNECT and who the client is: the authentication (synchronous, or asynchronous with the
 * rest of the read chunk held until it settles), the authentication timeout, binding to the
 * account (with its connection limit), no_auth_user for operations before CONNECT, and for a
 * user JWT its lifetime: expiry, revocation and limits changed by a new account JWT.
 */
export class ClientAuth {
  /** A CONNECT event was published for this client (so a DISCONNECT follows). */
  announced = false;
  /** Counted in its account's total connections. */
  private counted = false;
  private authTimer: NodeJS.Timeout | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly c: Client) {}

  /** Starts the authentication timeout (a server that requires auth). */
  start(timeoutMs: number): void {
    this.authTimer = setTimeout(this.onAuthTimeout, timeoutMs);
    this.authTimer.unref();
  }

  /** The connection closed: no timer may fire on it. */
  close(): void {
    if (this.authTimer) clearTimeout(this.authTimer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
  }

  clearTimer(): void {
    if (this.authTimer) {
      clearTimeout(this.authTimer);
      this.authTimer = null;
    }
  }

  /** CONNECT (already traced, not held). */
  connect(json: string): void {
    const c = this.c;
    const server = c.server;
    const opts = parseConnect(json, c.opts);
    // nats-server closes on malformed CONNECT JSON without sending an error.
    if (opts === null) return c.close(CloseReason.ProtocolViolation, true);
    c.opts = opts;
    c.connectReceived = true;
    c.echo = opts.echo;
    c.headers = opts.headers;
    c.rtt = performance.now() - c.startMono;
    if (!server.auth.required) {
      this.clearTimer();
      return this.complete(opts, null);
    }
    let who: AuthResult | null | Promise<AuthResult | null>;
    try {
      who = server.auth.authenticate(opts, c.nonce, c);
    } catch (err) {
      server.log('ERR', `${c.describe()} - authentication failed: ${(err as Error)?.message ?? String(err)}`);
      who = null;
    }
    if (!isPromise(who)) {
      this.clearTimer();
      return this.complete(opts, who);
    }
    // The auth timer keeps running: a resolver that hangs costs an Authentication Timeout.
    c.held = [];
    c.transport.pause();
    who.then(
      (result) => this.resume(opts, result),
      (err: unknown) => {
        server.log('ERR', `${c.describe()} - authentication failed: ${(err as Error)?.message ?? String(err)}`);
        this.resume(opts, null);
      },
    );
  }

  /** The rest of CONNECT once we know who the client is (`who` unused when auth is off). */
  private complete(opts: ConnectOptions, who: AuthResult | null): void {
    const c = this.c;
    const server = c.server;
    if (server.auth.required) {
      if (who === null || opts.account !== '' || opts.newAccount) return this.violation();
      const account = server.registerAccount(who.account);
      if (who.accountLimits) account.setLimits(who.accountLimits);
      if (who.accountJwt !== undefined && who.accountJwt !== account.jwt) {
        account.jwt = who.accountJwt;
        account.updated = new Date();
        server.jetstream?.accountJwt(account.name, who.accountJwt);
      }
      this.bindAccount(account);
      // The account's connections on the cluster's other servers count too (nats-server's MaxTotalConnectionsReached).
      const maxConns = account.limits.maxConnections;
      if (maxConns >= 0 && account.numConnections + server.remoteConns.conns(account.name) > maxConns) {
        // nats-server logs this twice (processConnect and registerWithAccount): matched.
        server.log('ERR', `${c.describe()} - ${ERR_MAX_ACCOUNT_CONNECTIONS}`);
        server.log('ERR', `${c.describe()} - ${ERR_MAX_ACCOUNT_CONNECTIONS}`);
        return this.maxAccountConnectionsExceeded();
      }
      this.admit(who);
      if (who.jwt) this.applyJwt(who.jwt);
    } else if (opts.account !== '' || opts.newAccount) {
      return this.violation();
    }
    if (opts.protocol < 0 || opts.protocol > MAX_CLIENT_PROTO) {
      c.sendErr(ERR_BAD_PROTOCOL);
      return c.close(CloseReason.BadClientProtocolVersion, true);
    }
    if (opts.noResponders && !c.headers) {
      c.sendErr(ERR_NO_RESPONDERS_HEADERS);
      return c.close(CloseReason.NoRespondersRequiresHeaders, true);
    }
    this.countConnection();
    if (opts.verbose) c.enqueue(OK);
    c.pinger.start();
    if (server.events !== null) {
      this.announced = true;
      server.events.clientConnected(c);
    }
  }

  /** An asynchronous authentication settled: finish CONNECT, then run what was held meanwhile. */
  private resume(opts: ConnectOptions, who: AuthResult | null): void {
    const c = this.c;
    const queued = c.held ?? [];
    c.held = null;
    if (c.closed) return;
    this.clearTimer();
    try {
      this.complete(opts, who);
      for (let i = 0; i < queued.length && !c.closed; i++) {
        // A held CONNECT may have started another asynchronous round: keep the rest for it.
        if (c.held !== null) {
          (c.held as HeldOp[]).push(...queued.slice(i));
          break;
        }
        replayOp(c, queued[i]!);
      }
    } catch (err) {
      c.server.log('ERR', `${c.describe()} - Internal error, closing: ${(err as Error).stack ?? String(err)}`);
      c.close(CloseReason.ProtocolViolation, false);
    }
    c.resumeReading();
    c.server.flushPending();
  }

  /**
   * An operation before CONNECT on a server that requires auth: allowed only through
   * no_auth_user (nats-server lets telnet sessions in that way), else a violation.
   */
  tryAnonymous(): boolean {
    const c = this.c;
    const who = c.server.auth.anonymous();
    if (!who) {
      this.violation();
      return false;
    }
    this.bindAccount(c.server.registerAccount(who.account));
    this.admit(who);
    c.connectReceived = true;
    this.clearTimer();
    this.countConnection();
    return true;
  }

  private admit(who: AuthResult): void {
    const c = this.c;
    c.user = who.user;
    c.perms = who.permissions;
    if (who.responses) c.replies = new ReplyPermits(who.responses);
    c.awaitingAuth = false;
  }

  private bindAccount(account: Account<Subscription>): void {
    const c = this.c;
    if (account === c.account) return;
    // Subscriptions made before CONNECT (no-auth telnet use) move with the client.
    for (const sub of c.subs.values()) {
      c.account.sublist.remove(sub);
      c.server.interestChanged(c.account, sub, -1);
      removeShadows(sub);
    }
    c.account.removeConnection(c.subs.size);
    c.account = account;
    account.addConnection(c.subs.size);
    for (const sub of c.subs.values()) {
      account.sublist.insert(sub);
      c.server.interestChanged(account, sub, 1);
      if (account.streamImports.length > 0) addShadows(sub, account);
    }
  }

  /** Once per connection, in the account it was bound to (a repeated CONNECT is not a new one). */
  private countConnection(): void {
    if (this.counted) return;
    this.counted = true;
    this.c.account.usage.connected();
  }

  private violation(): void {
    const c = this.c;
    const u = c.opts.user;
    c.server.log('ERR', `${c.describe()} - ${u ? `authentication error - User "${u}"` : 'authentication error'}`);
    c.sendErr(ERR_AUTHORIZATION);
    c.close(CloseReason.AuthenticationViolation, true);
  }

  /** nats-server's answer when the account has its `conn` limit of connections already. */
  maxAccountConnectionsExceeded(): void {
    this.c.sendErr(ERR_MAX_ACCOUNT_CONNECTIONS);
    this.c.close(CloseReason.MaxAccountConnectionsExceeded, true);
  }

  private readonly onAuthTimeout = (): void => {
    const c = this.c;
    this.authTimer = null;
    if (c.closed || !c.awaitingAuth) return;
    c.sendErr(ERR_AUTH_TIMEOUT);
    c.close(CloseReason.AuthenticationTimeout, true);
  };

  // ---- user JWT (operator mode) ----

  private applyJwt(id: JwtIdentity): void {
    const c = this.c;
    c.jwt = id;
    c.setJwtLimits(id.maxSubs, id.maxPayload);
    this.armExpiry();
  }

  /** A live update moved the account's expiry (0 = none). */
  setAccountExpiry(at: number): void {
    const c = this.c;
    if (c.jwt === null || c.closed) return;
    c.jwt.accountExpiresAt = at;
    this.armExpiry();
  }

  /** The account's new JWT revoked this user: nats-server's error, then close. */
  revoke(): void {
    const c = this.c;
    c.server.log('DBG', `${c.describe()} - ${ERR_AUTH_REVOKED}`);
    c.sendErr(ERR_AUTH_REVOKED);
    c.close(CloseReason.Revocation, true);
    c.server.flushPending();
  }

  /** nats-server disconnects a user at its JWT's or its account's expiry. Re-armed past setTimeout's range. */
  private armExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    const { expiresAt, accountExpiresAt } = this.c.jwt!;
    const at = expiresAt > 0 && (accountExpiresAt === 0 || expiresAt < accountExpiresAt) ? expiresAt : accountExpiresAt;
    if (at === 0) return;
    this.expiryTimer = setTimeout(this.onExpiry, Math.max(0, Math.min(at - Date.now(), 0x7fffffff)));
    this.expiryTimer.unref();
  }

  private readonly onExpiry = (): void => {
    const c = this.c;
    this.expiryTimer = null;
    if (c.closed || c.jwt === null) return;
    const now = Date.now();
    const { expiresAt, accountExpiresAt } = c.jwt;
    const err = accountExpiresAt > 0 && now >= accountExpiresAt ? ERR_ACCOUNT_EXPIRED : expiresAt > 0 && now >= expiresAt ? ERR_AUTH_EXPIRED : '';
    if (err === '') return this.armExpiry();
    c.server.log('DBG', `${c.describe()} - ${err}`);
    c.sendErr(err);
    c.close(CloseReason.AuthenticationExpired, true);
    c.server.flushPending();
  };
}

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}
