import { randomBytes } from 'node:crypto';
import { Permissions } from '@switchboard/accounts';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { ClusterOptions, RouteUrl } from './cluster-options.js';
import { PROTOCOL_VERSION } from './constants.js';
import { CloseReason } from './errors.js';
import { subjectPermissionJson } from './leaf-perms.js';
import { RouteConnection, type RouteInfo } from './route-conn.js';
import { RouteInterest } from './route-interest.js';
import type { Server } from './server.js';
import type { Transport } from './transport.js';

/**
 * Opens a connection to a route; rejects when it cannot. The app supplies it (the lib owns no
 * sockets). With cluster TLS the transport starts its client handshake at once (nats-server:
 * TLS before any protocol on a route), checking the peer's certificate against `host`, or
 * `tlsName` when `host` is an IP and one is known.
 */
export type RouteDialer = (host: string, port: number, tlsName: string) => Promise<Transport>;

/** nats-server's delays: between attempts to a route, and before reconnecting a lost explicit one (plus up to 100 ms). */
const ROUTE_CONNECT_DELAY = 1_000;
const ROUTE_RECONNECT_DELAY = 1_000;

/**
 * A node's cluster (nats-server's routes, 2.9.10): its name (configured, or dynamic until a
 * named peer is met), the route listener's INFO, the routes it solicits (explicit ones retried
 * for ever, gossiped ones `connect_retries` times), the registered routes by server id
 * (duplicates and routes to self closed), gossip of new routes to the others, this node's
 * interest as the routes see it, and the client `connect_urls` learnt from routes.
 */
export class Cluster {
  name: string;
  dynamic: boolean;
  readonly interest = new RouteInterest();
  /** Registered routes by remote server id. */
  readonly routes = new Map<string, RouteConnection>();
  /** Every route connection, registered or still in its handshake. */
  readonly conns = new Set<RouteConnection>();
  /** This node's route listener address (set once listening). */
  host = '';
  port = 0;
  private readonly selfUrls = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Client URLs learnt from routes, counted (two routes may name the same URL). */
  private readonly learntUrls = new Map<string, number>();
  private stopped = false;
  private lameDuck = false;
  /** nats-server's routeTLSName: a host name from the configured routes, for gossiped routes known by IP. */
  private readonly tlsName: string;
  /** `permissions { import, export }` on every route, either side (route-conn.ts); null = none. */
  readonly perms: Permissions | null;

  constructor(
    readonly server: Server,
    readonly opts: ClusterOptions,
    private readonly dial: RouteDialer,
  ) {
    this.dynamic = opts.name === '';
    this.perms = opts.permissions === null ? null : new Permissions(opts.permissions);
    this.tlsName = opts.routes.find((r) => isIP(r.host) === 0)?.host ?? '';
    this.name = opts.name || randomBytes(16).toString('base64url').replace(/[-_]/g, 'x').slice(0, 22);
    // Subscriptions made before the cluster existed (the system account's, JetStream's) count too.
    for (const acc of server.accounts.values()) for (const sub of acc.sublist.all()) this.interest.subscriptionChanged(acc, sub, 1);
    server.interestListeners.push(this.interest);
    server.cluster = this;
  }

  /** Listening on `port`: solicits the configured routes. */
  start(host: string, port: number): void {
    this.host = host;
    this.port = port;
    this.server.log('INF', `Cluster name is ${this.name}`);
    if (this.dynamic) this.server.log('WRN', 'Cluster name was dynamically generated, consider setting one');
    this.server.log('INF', `Listening for route connections on ${host}:${port}`);
    this.refreshConnectUrls();
    for (const r of this.opts.routes) this.solicit(r, true, 0);
  }

  /** A connection on the route port. */
  accept(transport: Transport): RouteConnection | null {
    if (this.stopped) {
      transport.destroy();
      return null;
    }
    const conn = new RouteConnection(this, transport, null, false);
    this.conns.add(conn);
    this.server.log('INF', `${conn.describe()} - Route connection created`);
    conn.begin();
    return conn;
  }

  /** Dials `url` until connected (explicit: for ever; else `connect_retries` more times). */
  solicit(url: RouteUrl, explicit: boolean, delay: number): void {
    if (this.stopped) return;
    let attempts = 0;
    const attempt = (): void => {
      if (this.stopped || this.selfUrls.has(`${url.host}:${url.port}`)) return;
      this.dial(url.host, url.port, this.tlsName).then(
        (t) => {
          if (this.stopped) return t.destroy();
          const conn = new RouteConnection(this, t, url, explicit);
          this.conns.add(conn);
          this.server.log('INF', `${conn.describe()} - Route connection created`);
          conn.begin();
        },
        (err: Error) => {
          attempts++;
          this.server.log(attempts === 1 ? 'ERR' : 'DBG', `Error trying to connect to route (attempt ${attempts}): ${err.message}`);
          if (!explicit && attempts > this.opts.connectRetries) return;
          this.later(attempt, ROUTE_CONNECT_DELAY);
        },
      );
    };
    if (delay > 0) this.later(attempt, delay);
    else attempt();
  }

  /** Registers a route after its first INFO; false when one to that server exists (duplicate). */
  addRoute(conn: RouteConnection, info: RouteInfo): boolean {
    if (this.stopped) return false;
    const existing = this.routes.get(info.server_id);
    if (existing !== undefined) {
      // Both sides may register opposite connections: whichever is left must reconnect if it drops.
      existing.retryUrl ??= conn.url ?? existing.url;
      if (conn.explicit) existing.retryExplicit = true;
      return false;
    }
    this.routes.set(info.server_id, conn);
    conn.registered = true;
    this.interest.sinks.add(conn);
    this.server.log('INF', `${conn.describe()} - Route connection registered: ${info.server_name ?? info.server_id}`);
    conn.sendAllInterest();
    if (this.routes.size > 1) {
      // Tell the other routes about this one: they connect to it (gossip, implicit routes).
      const fwd: RouteInfo = { ...info };
      delete fwd.nonce;
      if (!fwd.ip) fwd.ip = `nats-route://${hostPort(conn.ip, info.port ?? 0)}/`;
      const line = `INFO ${JSON.stringify(fwd)}\r\n`;
      for (const r of this.routes.values()) if (r !== conn) r.sendProto(line);
    }
    if (!this.opts.noAdvertise && Array.isArray(info.connect_urls)) this.addConnectUrls(info.connect_urls);
    this.server.flushPending();
    return true;
  }

  /** INFO about another server from a peer: connect to it unless known, configured or us. */
  implicitRoute(info: RouteInfo): void {
    if (info.server_id === this.server.id || this.routes.has(info.server_id) || !info.ip) return;
    if (this.opts.routes.some((r) => `${r.host}:${r.port}`.toLowerCase() === `${info.host}:${info.port}`.toLowerCase())) return;
    let url: URL;
    try {
      url = new URL(info.ip);
    } catch {
      return;
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port);
    const auth = info.auth_required === true;
    this.solicit(
      { host, port, user: auth ? this.opts.username : '', pass: auth ? this.opts.password : '', url: info.ip },
      false,
      Math.floor(Math.random() * 100),
    );
  }

  /** A route led back to this server: never dial that address again. */
  markSelf(conn: RouteConnection): void {
    if (conn.url !== null) this.selfUrls.add(`${conn.url.host}:${conn.url.port}`);
  }

  /** A peer went into lame duck mode: its client URLs leave our INFO. */
  peerLameDuck(conn: RouteConnection): void {
    const urls = conn.info?.connect_urls;
    if (Array.isArray(urls) && !this.opts.noAdvertise) this.removeConnectUrls(urls);
  }

  /** A route connection closed: unregistered, and reconnected if it was ours to keep. */
  removeRoute(conn: RouteConnection, reason: CloseReason): void {
    this.conns.delete(conn);
    this.interest.sinks.delete(conn);
    if (conn.registered && this.routes.get(conn.remoteId) === conn) {
      this.routes.delete(conn.remoteId);
      const urls = conn.info?.connect_urls;
      if (Array.isArray(urls) && !this.opts.noAdvertise && conn.info?.ldm !== true) this.removeConnectUrls(urls);
    }
    if (this.stopped || reason === CloseReason.ServerShutdown || reason === CloseReason.ClusterNameConflict) return;
    if (reason === CloseReason.DuplicateRoute && !conn.registered) return;
    const url = conn.retryUrl ?? (conn.didSolicit ? conn.url : null);
    if (url === null) return;
    const explicit = conn.explicit || conn.retryExplicit;
    this.solicit(url, explicit, (explicit ? ROUTE_RECONNECT_DELAY : 0) + Math.floor(Math.random() * 100));
  }

  /**
   * A peer named `name` (CONNECT or INFO). Equal names pass; with a dynamic name of our own we
   * take a configured name, or the greater dynamic one, and drop our other routes (nats-server).
   */
  acceptClusterName(name: string, dynamic: boolean, conn: RouteConnection): boolean {
    if (name === this.name) return true;
    if (!this.dynamic || (dynamic && this.name > name)) return false;
    this.name = name;
    if (!dynamic) this.dynamic = false;
    for (const r of [...this.conns]) if (r !== conn) r.close(CloseReason.ClusterNameConflict, false);
    return true;
  }

  /** This node's route INFO (nats-server's routeInfo), with a fresh nonce when a route starts. */
  infoJSON(withNonce: boolean): string {
    const o = this.opts;
    const srv = this.server;
    const info: Record<string, unknown> = {
      server_id: srv.id,
      server_name: srv.name,
      version: PROTOCOL_VERSION,
      proto: 1,
      go: `node${process.versions.node}`,
      host: this.advertised().host,
      port: this.advertised().port,
      headers: true,
    };
    if (o.username !== '') info.auth_required = true;
    // Route TLS always verifies the peer (nats-server sets both from the one tls block).
    if (o.tls !== null) {
      info.tls_required = true;
      info.tls_verify = true;
    }
    info.max_payload = srv.opts.maxPayload;
    if (o.advertise) info.ip = `nats-route://${hostPort(this.advertised().host, this.advertised().port)}/`;
    if (withNonce) info.nonce = randomBytes(11).toString('base64url');
    info.cluster = this.name;
    if (this.dynamic) info.cluster_dynamic = true;
    if (!o.noAdvertise) info.connect_urls = this.ownClientUrls();
    if (this.lameDuck) info.ldm = true;
    const imports = subjectPermissionJson(o.permissions?.publish);
    const exports = subjectPermissionJson(o.permissions?.subscribe);
    if (imports !== null) info.import = imports;
    if (exports !== null) info.export = exports;
    info.lnoc = true;
    return JSON.stringify(info);
  }

  /** What the connecting side of a route sends (nats-server's sendRouteConnect): no `lang`. */
  connectJSON(url: RouteUrl): string {
    const user = url.user || this.opts.username;
    const pass = url.user ? url.pass : this.opts.password;
    return JSON.stringify({
      echo: true,
      verbose: false,
      pedantic: false,
      user: user || undefined,
      pass: pass || undefined,
      tls_required: this.opts.tls !== null,
      headers: true,
      name: this.server.id,
      cluster: this.name,
      cluster_dynamic: this.dynamic || undefined,
      lnoc: true,
    });
  }

  /** Client URLs of the whole cluster for client INFO: ours first, then those routes gave. */
  connectUrls(): string[] {
    return [...this.ownClientUrls(), ...this.learntUrls.keys()];
  }

  /** Lame duck: routes hear it (their clients stop being sent here). */
  enterLameDuck(): void {
    this.lameDuck = true;
    const line = `INFO ${this.infoJSON(false)}\r\n`;
    for (const r of this.routes.values()) r.sendProto(line);
    this.server.flushPending();
  }

  /** Stops dialling and closes every route. */
  shutdown(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const r of [...this.conns]) r.close(CloseReason.ServerShutdown, true);
  }

  private advertised(): { host: string; port: number } {
    const adv = this.opts.advertise;
    if (adv) {
      const i = adv.lastIndexOf(':');
      if (i > 0) return { host: adv.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(adv.slice(i + 1)) || this.port };
      return { host: adv, port: this.port };
    }
    return { host: this.host, port: this.port };
  }

  /** nats-server's getClientConnectURLs: the client listener, or every non-loopback address when bound to any. */
  private ownClientUrls(): string[] {
    const { host, port } = this.server;
    if (host !== '0.0.0.0' && host !== '::' && host !== '') return [hostPort(host, port)];
    const out: string[] = [];
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) if (!a.internal && (host !== '0.0.0.0' || a.family === 'IPv4')) out.push(hostPort(a.address, port));
    }
    return out.length > 0 ? out : [hostPort('127.0.0.1', port)];
  }

  private addConnectUrls(urls: string[]): void {
    let changed = false;
    for (const u of urls) {
      const n = this.learntUrls.get(u) ?? 0;
      this.learntUrls.set(u, n + 1);
      if (n === 0) changed = true;
    }
    if (changed) this.refreshConnectUrls();
  }

  private removeConnectUrls(urls: string[]): void {
    let changed = false;
    for (const u of urls) {
      const n = this.learntUrls.get(u) ?? 0;
      if (n <= 1) {
        if (this.learntUrls.delete(u)) changed = true;
      } else this.learntUrls.set(u, n - 1);
    }
    if (changed) this.refreshConnectUrls();
  }

  /** New connect_urls: clients that take async INFO hear them (nats-server's sendAsyncInfoToClients). */
  private refreshConnectUrls(): void {
    const srv = this.server;
    srv.connectUrls = this.opts.noAdvertise ? null : this.connectUrls();
    for (const c of srv.clients.values()) if (c.opts.protocol >= 1 && c.firstPongSent) c.sendInfo(srv.infoJSON(c));
    srv.flushPending();
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
