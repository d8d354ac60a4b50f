import { randomBytes } from 'node:crypto';
import { Account, GLOBAL_ACCOUNT } from '@switchboard/accounts';
import { KeyPrefix, newPublicKey } from '@switchboard/nats-jwt';
import { authenticatorFor, type Authenticator } from './auth.js';
import { Client } from './client.js';
import type { ClientOutput } from './client-output.js';
import { connState, type ConnState } from './conn-state.js';
import { linkAccounts } from './config-exports-imports.js';
import { PROTOCOL_VERSION, SYSTEM_ACCOUNT } from './constants.js';
import { CpuUsage } from './cpu-usage.js';
import type { FlowControl } from './flow-control.js';
import { CloseReason, ERR_MAX_CONNECTIONS } from './errors.js';
import type { InterestListener } from './interest.js';
import type { Cluster } from './cluster.js';
import { InternalClient } from './internal-client.js';
import { silentLogger, type LogLevel, type ServerLog } from './log.js';
import type { RoutedImport } from './cross-account.js';
import type { ServerJetStream } from './jetstream-host.js';
import type { ServerOptions } from './options.js';
import type { LeafNodes } from './leaf-nodes.js';
import { RemoteAccountConns } from './remote-account-conns.js';
import type { Subscription } from './subscription.js';
import type { Transport } from './transport.js';

/** Closed connections kept for /connz?state=closed (nats-server's max_closed_clients). */
const MAX_CLOSED_CLIENTS = 10_000;

/** Who wants to hear of client connects and disconnects (the system account's events). */
export interface ServerEvents {
  clientConnected(client: Client): void;
  clientClosed(client: Client): void;
  /** A leaf node connection was bound to `account` or left it (nats-server sends the account's CONNS event). */
  leafsChanged?(account: Account<Subscription>): void;
  /** The server started using `account` (nats-server's enableAccountTracking). */
  accountRegistered?(account: Account<Subscription>): void;
  /** Clients are closed, routes not yet (nats-server's shutdown event). */
  serverShutdown?(): void;
}

export interface ServerDeps {
  logger?: ServerLog;
  /** Replaces the config-based authenticator (the JWT issue plugs in here). */
  authenticator?: Authenticator;
}

/**
 * The broker's state: accounts, clients, counters, and the batching of writes. It owns no
 * sockets: the app accepts connections and hands each one over as a Transport (`accept`).
 */
export class Server {
  readonly id: string;
  readonly name: string;
  readonly auth: Authenticator;
  readonly logger: ServerLog;
  readonly accounts = new Map<string, Account<Subscription>>();
  readonly globalAccount: Account<Subscription>;
  readonly clients = new Map<number, Client>();
  /** Route and leaf-node connections (remote-conn.ts): not clients, not in /connz. */
  readonly remotes = new Set<Client>();
  /** Most recent closed connections, oldest first (nats-server's max_closed_clients). */
  readonly closedClients: ConnState[] = [];
  readonly startTime = new Date();
  /** Host and port that INFO and /varz report; the app sets them once listening. */
  host: string;
  port: number;

  inMsgs = 0;
  inBytes = 0;
  outMsgs = 0;
  outBytes = 0;
  slowConsumers = 0;
  totalConnections = 0;
  lameDuckMode = false;
  shuttingDown = false;
  /** Set by the system account (operator mode); null = no events. */
  events: ServerEvents | null = null;
  /** Leaf node connections and remotes (set when the app starts them); null = none. */
  leafnodes: LeafNodes | null = null;
  /** JetStream, when enabled (`-js`, `jetstream {}`); the app attaches it after construction. */
  jetstream: ServerJetStream | null = null;
  /** /varz `cpu`: use since the previous request. */
  readonly cpu = new CpuUsage();
  /**
   * Service imports the message being routed is passing through, innermost last (nats-server's
   * pa.psi): a service export already on it is not entered again (stops import cycles).
   */
  readonly importChain: RoutedImport[] = [];
  /** Set when clustered (cluster.ts): routes, gossip, connect_urls. */
  cluster: Cluster | null = null;
  /** Client INFO `connect_urls` (the cluster's client URLs); null = not sent. */
  connectUrls: string[] | null = null;
  /** Each account's connections on the cluster's other servers (filled by the system account's events). */
  readonly remoteConns = new RemoteAccountConns();
  /** Who propagates interest to remote servers (routes, leaf nodes); see interest.ts. */
  readonly interestListeners: InterestListener[] = [];

  private nextCid = 1;

  /** A connection id for a route or leaf connection (nats-server numbers them with clients). */
  newCid(): number {
    return this.nextCid++;
  }
  /** The server's own connection in each account that needs one (system events, latency metrics). */
  private readonly internalClients = new Map<Account<Subscription>, InternalClient>();
  private readonly flushQueue: ClientOutput[] = [];
  /** Connections that yielded the rest of this turn (FlowControl.yieldTurn); the spare swaps in while they resume. */
  private yielded: FlowControl[] = [];
  private yieldedSpare: FlowControl[] = [];
  private turnEndScheduled = false;
  private readonly expiredSubs: Subscription[] = [];
  private readonly housekeeping: NodeJS.Timeout;
  private lameDuckTimer: NodeJS.Timeout | null = null;
  private lameDuckDone: (() => void) | null = null;

  constructor(
    readonly opts: ServerOptions,
    deps: ServerDeps = {},
  ) {
    this.id = newPublicKey(KeyPrefix.Server);
    this.name = opts.serverName || this.id;
    this.logger = deps.logger ?? silentLogger;
    this.auth = deps.authenticator ?? authenticatorFor(opts);
    this.host = opts.host;
    this.port = opts.port;
    this.globalAccount = this.registerAccount(GLOBAL_ACCOUNT);
    this.registerAccount(SYSTEM_ACCOUNT);
    for (const a of opts.accounts) if (a.limits) this.registerAccount(a.name).setLimits(a.limits);
    for (const a of opts.accounts) this.registerAccount(a.name);
    linkAccounts(opts.accounts, (n) => this.accounts.get(n));
    const tick = Math.max(50, Math.min(1_000, opts.writeDeadline / 2));
    this.housekeeping = setInterval(this.onHousekeeping, tick);
    this.housekeeping.unref();
  }

  log(level: LogLevel, message: string): void {
    this.logger.log(level, message);
  }

  registerAccount(name: string): Account<Subscription> {
    let acc = this.accounts.get(name);
    if (!acc) {
      acc = new Account<Subscription>(name, {}, { sublistCache: !this.opts.noSublistCache });
      this.accounts.set(name, acc);
      this.jetstream?.accountRegistered(acc);
      this.events?.accountRegistered?.(acc);
    }
    return acc;
  }

  lookupAccount(name: string): Account<Subscription> | undefined {
    return this.accounts.get(name);
  }

  /** The server's internal client in `account` if one was made (its subscriptions' shadows follow import changes). */
  existingInternalClient(account: Account<Subscription>): InternalClient | undefined {
    return this.internalClients.get(account);
  }

  /** The server's internal client in `account`, made on first use. */
  internalClient(account: Account<Subscription>): InternalClient {
    let c = this.internalClients.get(account);
    if (c === undefined) this.internalClients.set(account, (c = new InternalClient(this, account)));
    return c;
  }

  /** Takes a new connection: sends INFO, enforces max_connections. Null when refused. */
  accept(transport: Transport): Client | null {
    if (this.shuttingDown || this.lameDuckMode) {
      transport.destroy();
      return null;
    }
    const cid = this.nextCid++;
    // nats-server's nonce: 11 random bytes, base64url without padding (15 characters).
    const nonce = this.auth.nonceRequired ? randomBytes(11).toString('base64url') : '';
    const client = new Client(this, cid, transport, this.globalAccount, nonce);
    this.globalAccount.addConnection();
    this.totalConnections++;
    this.clients.set(cid, client);
    client.sendInfo(this.infoJSON(client));
    if (this.clients.size > this.opts.maxConnections) {
      this.log('ERR', `${client.describe()} - ${ERR_MAX_CONNECTIONS}`);
      client.sendErr(ERR_MAX_CONNECTIONS);
      client.close(CloseReason.MaxConnectionsExceeded, true);
      return null;
    }
    client.flush();
    this.log('DBG', `${client.describe()} - Client connection created`);
    return client;
  }

  /** INFO for one client, fields in nats-server's order. */
  infoJSON(client: Client): string {
    const auth = this.auth.required && !(this.opts.noAuthUser && this.auth.anonymous());
    const info: Record<string, unknown> = {
      server_id: this.id,
      server_name: this.name,
      version: PROTOCOL_VERSION,
      proto: 1,
      go: `node${process.versions.node}`,
      host: this.host,
      port: this.port,
      headers: true,
    };
    if (auth) info.auth_required = true;
    // INFO goes out before the handshake (nats-server 2.9): these tell the client to start it.
    if (this.opts.tls) {
      if (!this.opts.tls.allowNonTls) info.tls_required = true;
      if (this.opts.tls.verify) info.tls_verify = true;
      if (this.opts.tls.allowNonTls) info.tls_available = true;
    }
    info.max_payload = client.maxPayloadLimit;
    if (this.jetstream !== null) info.jetstream = true;
    info.client_id = client.cid;
    info.client_ip = client.ip;
    // The nonce is for the CONNECT signature: later INFOs (nats-server's async ones) leave it out.
    if (client.nonce && !client.connectReceived) info.nonce = client.nonce;
    if (this.cluster !== null) info.cluster = this.cluster.name;
    if (this.connectUrls !== null && this.connectUrls.length > 0) info.connect_urls = this.connectUrls;
    if (this.lameDuckMode) info.ldm = true;
    return JSON.stringify(info);
  }

  /** A subscription was added (+1) to or removed (-1) from `account`'s sublist. */
  interestChanged(account: Account<Subscription>, sub: Subscription, delta: 1 | -1): void {
    const l = this.interestListeners;
    for (let i = 0; i < l.length; i++) l[i]!.subscriptionChanged(account, sub, delta);
  }

  // ---- write batching, once per event-loop turn ----

  /**
   * `client` has output pending: it is written at the end of this event-loop turn, once every
   * socket that was readable has been read. A consumer fed by many producers (or a producer's
   * many read chunks) gets one socket write per turn, not one per chunk; setImmediate runs
   * right after the I/O phase, so nothing waits longer than the turn it was produced in.
   */
  queueFlush(client: ClientOutput): void {
    this.flushQueue.push(client);
    this.scheduleTurnEnd();
  }

  /** `flow`'s connection stopped reading for the rest of the turn: read it again at the turn's end. */
  resumeAtTurnEnd(flow: FlowControl): void {
    this.yielded.push(flow);
    this.scheduleTurnEnd();
  }

  private scheduleTurnEnd(): void {
    if (this.turnEndScheduled) return;
    this.turnEndScheduled = true;
    setImmediate(this.onTurnEnd);
  }

  private readonly onTurnEnd = (): void => {
    this.turnEndScheduled = false;
    this.flushPending();
    const y = this.yielded;
    if (y.length === 0) return;
    // A resumed connection may yield again before this loop ends: it goes on the other list.
    this.yielded = this.yieldedSpare;
    this.yieldedSpare = y;
    for (let i = 0; i < y.length; i++) y[i]!.endYield();
    y.length = 0;
  };

  /** Subscription reached its max: removed after the current routing pass. */
  expireSub(sub: Subscription): void {
    this.expiredSubs.push(sub);
  }

  /** One write per client with pending output; called after each read chunk. */
  flushPending(): void {
    const q = this.flushQueue;
    // Flushing may close clients but never queues new ones, so the length is stable.
    for (let i = 0; i < q.length; i++) {
      const c = q[i]!;
      c.flushQueued = false;
      c.flush();
    }
    q.length = 0;
    const ex = this.expiredSubs;
    if (ex.length > 0) {
      for (let i = 0; i < ex.length; i++) ex[i]!.client.removeSub(ex[i]!);
      ex.length = 0;
    }
  }

  removeClient(client: Client): void {
    this.clients.delete(client.cid);
    this.closedClients.push(connState(client));
    if (this.closedClients.length > MAX_CLOSED_CLIENTS) this.closedClients.shift();
    this.log('DBG', `${client.describe()} - Client connection closed: ${client.closeReason}`);
    if (this.lameDuckMode && this.clients.size === 0) this.finishLameDuck();
  }

  numSubscriptions(): number {
    let n = 0;
    for (const acc of this.accounts.values()) n += acc.sublist.count();
    return n;
  }

  // ---- lame duck and shutdown ----

  /**
   * nats-server's lame duck mode: the app has stopped accepting; clients get an INFO with
   * `ldm: true` (so they move to another server), and after the grace period are closed a few
   * at a time over the rest of lame_duck_duration. Resolves when all clients are gone.
   */
  lameDuck(): Promise<void> {
    if (this.lameDuckMode || this.shuttingDown) return Promise.resolve();
    this.lameDuckMode = true;
    this.log('INF', 'Entering lame duck mode, stop accepting new clients');
    this.cluster?.enterLameDuck();
    // Like nats-server: only clients that understand async INFO (protocol ≥ 1) and are fully set up.
    for (const c of this.clients.values()) if (c.opts.protocol >= 1 && c.firstPongSent) c.sendInfo(this.infoJSON(c));
    this.flushPending();
    const done = new Promise<void>((resolve) => {
      this.lameDuckDone = resolve;
    });
    if (this.clients.size === 0) {
      this.finishLameDuck();
      return done;
    }
    const grace = Math.min(this.opts.lameDuckGracePeriod, this.opts.lameDuckDuration);
    const spread = Math.max(0, this.opts.lameDuckDuration - grace);
    this.lameDuckTimer = setTimeout(() => this.closeLameDuckBatches(spread), grace);
    return done;
  }

  private closeLameDuckBatches(spread: number): void {
    // Close in up to 10 batches across the remaining time, at least one client per batch.
    const batches = spread > 0 ? 10 : 1;
    const perBatch = Math.max(1, Math.ceil(this.clients.size / batches));
    const step = (): void => {
      let n = 0;
      for (const c of this.clients.values()) {
        if (n++ >= perBatch) break;
        c.close(CloseReason.ServerShutdown, true);
      }
      if (this.clients.size > 0) this.lameDuckTimer = setTimeout(step, spread / batches);
    };
    step();
  }

  private finishLameDuck(): void {
    if (this.lameDuckTimer) clearTimeout(this.lameDuckTimer);
    this.lameDuckTimer = null;
    const done = this.lameDuckDone;
    this.lameDuckDone = null;
    done?.();
  }

  /** Closes every client (flushing what is pending) and stops timers. */
  shutdown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    clearInterval(this.housekeeping);
    for (const c of [...this.clients.values()]) c.close(CloseReason.ServerShutdown, true);
    this.events?.serverShutdown?.();
    this.cluster?.shutdown();
    for (const c of [...this.remotes]) c.close(CloseReason.ServerShutdown, true);
    this.leafnodes?.shutdown();
    this.finishLameDuck();
  }

  private readonly onHousekeeping = (): void => {
    const now = Date.now();
    for (const c of this.clients.values()) c.checkWriteDeadline(now);
  };
}
