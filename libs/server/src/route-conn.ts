import { timingSafeEqual } from 'node:crypto';
import type { Account } from '@switchboard/accounts';
import { certNames } from './cert-identity.js';
import type { Cluster } from './cluster.js';
import type { RouteUrl } from './cluster-options.js';
import { ROUTER } from './conn-kind.js';
import { CloseReason, ERR_AUTHORIZATION } from './errors.js';
import { RemoteConnection } from './remote-conn.js';
import { interestLine, type InterestSink } from './route-interest.js';
import type { Transport } from './transport.js';
import { parseJsonObject } from './json-object.js';
import type { Subscription } from './subscription.js';

/** What a peer's route INFO carries that we use (nats-server's Info, route fields). */
export interface RouteInfo {
  server_id: string;
  server_name?: string;
  host?: string;
  port?: number;
  headers?: boolean;
  auth_required?: boolean;
  ip?: string;
  cluster?: string;
  cluster_dynamic?: boolean;
  connect_urls?: string[];
  ldm?: boolean;
  lnoc?: boolean;
  [key: string]: unknown;
}

/**
 * One route (nats-server's route.go, 2.9.10). The connecting side sends CONNECT then its INFO;
 * the accepting side sends INFO on accept and checks CONNECT (cluster name, authorization, a
 * client that dialled the wrong port). The first INFO registers the route with the cluster
 * (duplicates and self routes are closed); later INFOs from the same peer are updates (lame duck)
 * or gossip about another server, which we connect to (implicit routes).
 */
export class RouteConnection extends RemoteConnection implements InterestSink {
  /** Remote server id: from CONNECT (`name`) on the accepting side, from INFO on both. */
  remoteId = '';
  remoteName = '';
  /** The peer's route INFO (first one): host/port, its client connect_urls, `ip`. */
  info: RouteInfo | null = null;
  /** Registered with the cluster (first INFO accepted). */
  registered = false;
  /** The peer understands LS+/LMSG with origin (lnoc). */
  lnoc = false;
  /** Where to dial again if this route drops (ours, or the URL of a duplicate we closed for it). */
  retryUrl: RouteUrl | null = null;
  retryExplicit = false;
  private connectSeen = false;
  private authTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly cluster: Cluster,
    transport: Transport,
    /** The URL we dialled; null when the peer connected to us. */
    readonly url: RouteUrl | null,
    /** A configured route (reconnects forever) rather than a gossiped one. */
    readonly explicit: boolean,
  ) {
    super(cluster.server, cluster.server.newCid(), transport, ROUTER);
    // As nats-server's setRoutePermissions: publish = import, subscribe = export (cluster-options.ts).
    this.perms = cluster.perms;
    if (url !== null) this.retryUrl = url;
    if (url === null && cluster.opts.username !== '') {
      this.authTimer = setTimeout(this.onAuthTimeout, Math.max(1, cluster.opts.authTimeout * 1000));
      this.authTimer.unref();
    }
  }

  get didSolicit(): boolean {
    return this.url !== null;
  }

  override describe(): string {
    return `${this.ip}:${this.port} - rid:${this.cid}${this.remoteName ? ` - ${JSON.stringify(this.remoteName)}` : ''}`;
  }

  /** Sent once the connection is up: CONNECT (if we dialled) then our INFO, as nats-server's createRoute. */
  begin(): void {
    if (this.didSolicit) this.sendProto(`CONNECT ${this.cluster.connectJSON(this.url!)}\r\n`);
    this.sendProto(`INFO ${this.cluster.infoJSON(true)}\r\n`);
    this.flush();
  }

  // ---- InterestSink ----

  sendInterest(account: string, subject: string, queue: string, weight: number): void {
    if (this.registered && this.canImport(subject)) this.sendProto(interestLine(account, subject, queue, weight));
  }

  // ---- permissions (nats-server's canImport/canExport: both only filter interest) ----

  /** Import: our interest in `subject` goes to the peer (so its messages may come in). */
  private canImport(subject: string): boolean {
    return this.perms === null || this.perms.canPublish(subject);
  }

  /** Export: the peer's interest is taken only where we may send it the messages. */
  override onRemoteSub(origin: string, account: string, subject: string, queue: string, weight: number): void {
    const perms = this.perms;
    if (perms !== null) {
      if (!perms.canSubscribe(subject, '')) {
        this.server.log('DBG', `${this.describe()} - Can not export ${JSON.stringify(subject)}, ignoring remote subscription request`);
        return;
      }
      // A wildcard over a denied subject: deliveries are checked one by one from now on (nats-server's mperms).
      if (perms.overlapsDeny(subject)) this.denyFilter = true;
    }
    super.onRemoteSub(origin, account, subject, queue, weight);
  }

  override deliverRemote(account: Account<Subscription>, subject: string, reply: string, queues: string, hdrLen: number, msg: Buffer): boolean {
    if (this.denyFilter && this.perms!.deniesDelivery(subject)) return false;
    return super.deliverRemote(account, subject, reply, queues, hdrLen, msg);
  }

  // ---- handshake ----

  onRemoteConnect(json: string): void {
    const c = parseJsonObject(json);
    if (!c) {
      this.server.log('ERR', `${this.describe()} - Route parser ERROR: invalid CONNECT`);
      return this.close(CloseReason.ParseError, false);
    }
    // Clients send `lang`, routes do not: a client on the route port.
    if (typeof c.lang === 'string' && c.lang !== '') {
      this.sendErr('attempted to connect to route port');
      return this.close(CloseReason.ProtocolViolation, true);
    }
    const cluster = typeof c.cluster === 'string' ? c.cluster : '';
    if (!this.cluster.acceptClusterName(cluster, c.cluster_dynamic === true, this)) {
      const text = `Rejecting connection, cluster name ${JSON.stringify(cluster)} does not match ${JSON.stringify(this.cluster.name)}`;
      this.server.log('ERR', `${this.describe()} - ${text}`);
      this.sendErr(text);
      return this.close(CloseReason.ClusterNameConflict, true);
    }
    const o = this.cluster.opts;
    if (o.tls?.map ? !this.certMapsTo(o.username) : o.username !== '' && (c.user !== o.username || !sameSecret(String(c.pass ?? ''), o.password))) {
      this.server.log('ERR', `${this.describe()} - ${ERR_AUTHORIZATION}`);
      this.sendErr(ERR_AUTHORIZATION);
      return this.close(CloseReason.AuthenticationViolation, true);
    }
    this.clearAuthTimer();
    this.connectSeen = true;
    this.remoteId = typeof c.name === 'string' ? c.name : '';
    this.lnoc = c.lnoc === true;
    this.remoteHeaders = c.headers === true;
  }

  /**
   * verify_and_map (nats-server's isRouterAuthorized with TLSMap): one of the names in the peer's
   * certificate (emails, DNS names, URIs, the subject) is the cluster's authorization user; no
   * user configured refuses every route. CONNECT's user and password are not looked at.
   */
  private certMapsTo(user: string): boolean {
    const cert = this.transport.tls?.peerCert;
    return user !== '' && cert != null && certNames(cert).includes(user);
  }

  onRemoteInfo(json: string): void {
    let info: RouteInfo;
    try {
      info = JSON.parse(json) as RouteInfo;
      if (typeof info !== 'object' || info === null || typeof info.server_id !== 'string') throw new Error('bad');
    } catch {
      this.server.log('ERR', `${this.describe()} - Route parser ERROR: invalid INFO`);
      return this.close(CloseReason.ParseError, false);
    }
    // An inbound route must authenticate (CONNECT) before anything else.
    if (!this.didSolicit && !this.connectSeen) {
      this.sendErr(ERR_AUTHORIZATION);
      return this.close(CloseReason.AuthenticationViolation, true);
    }
    const cl = this.cluster;
    if (info.server_id === this.server.id) {
      this.remoteId = info.server_id;
      this.server.log('DBG', `${this.describe()} - Detected route to self, ignoring`);
      cl.markSelf(this);
      return this.close(CloseReason.DuplicateRoute, false);
    }
    if (info.cluster && info.cluster !== cl.name && !cl.acceptClusterName(info.cluster, info.cluster_dynamic === true, this)) {
      this.server.log('ERR', `${this.describe()} - Cluster name ${JSON.stringify(info.cluster)} does not match ${JSON.stringify(cl.name)}`);
      return this.close(CloseReason.ClusterNameConflict, false);
    }
    if (this.info !== null) {
      // An update from a registered peer, or gossip about another server.
      if (this.remoteId !== '' && this.remoteId !== info.server_id) return cl.implicitRoute(info);
      if (info.ldm === true) cl.peerLameDuck(this);
      return;
    }
    if (!this.didSolicit && info.server_name !== undefined && info.server_name === this.server.name && this.server.opts.serverName !== '') {
      this.server.log('ERR', `${this.describe()} - Remote server has a duplicate name: ${JSON.stringify(info.server_name)}`);
      return this.close(CloseReason.DuplicateServerName, false);
    }
    this.info = info;
    this.remoteId = info.server_id;
    this.remoteName = info.server_name ?? '';
    this.lnoc = info.lnoc === true;
    this.remoteHeaders = info.headers === true;
    if (!cl.addRoute(this, info)) {
      this.server.log('DBG', `${this.describe()} - Detected duplicate remote route ${JSON.stringify(info.server_id)}`);
      this.close(CloseReason.DuplicateRoute, false);
    }
  }

  /** Called by the cluster once registered: our whole interest, as nats-server's sendSubsToRoute. */
  sendAllInterest(): void {
    let text = '';
    this.cluster.interest.forEach((account, subject, queue, weight) => {
      if (this.canImport(subject)) text += interestLine(account, subject, queue, weight);
    });
    if (text !== '') this.sendProto(text);
  }

  protected onClosed(reason: CloseReason): void {
    this.clearAuthTimer();
    this.server.log(this.registered ? 'INF' : 'DBG', `${this.describe()} - Router connection closed: ${reason}`);
    this.cluster.removeRoute(this, reason);
  }

  private clearAuthTimer(): void {
    if (this.authTimer !== null) clearTimeout(this.authTimer);
    this.authTimer = null;
  }

  private readonly onAuthTimeout = (): void => {
    this.authTimer = null;
    if (this.connectSeen || this.closed) return;
    this.sendErr('Authentication Timeout');
    this.close(CloseReason.AuthenticationTimeout, true);
  };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
