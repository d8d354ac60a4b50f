import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { startLeafNodes } from './leafnodes.js';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import {
  Cluster,
  handleMonitorRequest,
  makeOptions,
  Server,
  SocketTransport,
  TlsTransport,
  createTlsContext,
  silentLogger,
  startOperatorMode,
  type HttpReqStats,
  type ServerDeps,
  type ServerOptions,
  type TlsContext,
  type Transport,
} from '@switchboard/server';

// node:http and node:https by require, and only when monitoring is on: an ESM import of node:http
// reads every export, which loads undici and zlib (on Node 24 about 100 ms of CPU and several MB
// at start-up, for a broker that by default serves no HTTP at all).
const require = createRequire(import.meta.url);

/** A running broker: the client listener, the optional monitoring server, and the core. */
export interface Broker {
  readonly server: Server;
  /** Bound client port (useful with port 0). */
  readonly port: number;
  /** Bound monitoring port, 0 when monitoring is off. */
  readonly httpPort: number;
  /** Bound HTTPS monitoring port, 0 when off. */
  readonly httpsPort: number;
  /** Bound leaf node port, 0 when there is no leaf listener. */
  readonly leafPort: number;
  /** Bound route (cluster) port, 0 when not clustered. */
  readonly clusterPort: number;
  /** Stop accepting, move clients away gradually, then shut down (SIGUSR2 / lame duck). */
  lameDuck(): Promise<void>;
  /** Stop accepting and close every connection; resolves when the listeners are closed. */
  close(): Promise<void>;
}

/**
 * Starts a broker in this process: the wiring `main.ts` uses, and what tests call.
 * `port: 0` / `httpPort: -1` pick free ports (httpPort 0 = no monitoring, as nats-server).
 */
export async function startBroker(partial: Partial<ServerOptions> = {}, deps: ServerDeps = {}): Promise<Broker> {
  const opts = makeOptions(partial);
  const tls = opts.tls ? createTlsContext(opts.tls) : null;
  if (opts.httpPort !== 0 && opts.httpsPort !== 0) throw new Error(`can't specify both HTTP (${opts.httpPort}) and HTTPs (${opts.httpsPort}) ports`);
  if (opts.httpsPort !== 0 && !tls) throw new Error('TLS cert and key required for HTTPS');
  // Operator mode: trusted operators, account resolver and system account (unless a test brings its own authenticator).
  const operatorMode = deps.authenticator ? null : await startOperatorMode(opts, deps.logger ?? silentLogger);
  const server = new Server(opts, operatorMode ? { ...deps, authenticator: operatorMode.authenticator } : deps);
  // JetStream before the system account and the listeners: accounts registered from here on get theirs.
  if (opts.jetstream.enabled) {
    // Imported only here: JetStream and its stores are ~4 MB resident a plain broker does without.
    const { ServerJetStream } = await import('@switchboard/server/jetstream');
    server.jetstream = new ServerJetStream(server, opts.jetstream);
    server.jetstream.start();
  }
  operatorMode?.attach(server);
  server.log('INF', `  Name:     ${server.name}`);
  server.log('INF', `  ID:       ${server.id}`);
  const net = createNetServer({ noDelay: true });
  net.on('connection', (socket: Socket) => {
    if (tls === null) {
      server.accept(new SocketTransport(socket, true));
      return;
    }
    // INFO in plain text first (accept sends it), then the handshake: nats-server 2.9's order.
    const transport = new TlsTransport(socket, tls);
    if (server.accept(transport)) transport.startTls();
  });
  await listen(net, opts.port, opts.host);
  const port = (net.address() as AddressInfo).port;
  server.port = port;
  server.log('INF', `Listening for client connections on ${hostPort(opts.host, port)}`);
  if (tls) server.log('INF', 'TLS required for client connections');

  // Routes: their own listener; the cluster dials out through the same kind of transport.
  let routeNet: NetServer | null = null;
  let clusterPort = 0;
  if (opts.cluster.port !== 0) {
    // Routes with TLS: the handshake comes first, both ways (nats-server's createRoute); the
    // protocol written meanwhile waits in the TLS socket.
    const routeTls = opts.cluster.tls ? createTlsContext(opts.cluster.tls) : null;
    const cluster = new Cluster(server, opts.cluster, (host, port, tlsName) => dialRoute(host, port, tlsName, routeTls));
    routeNet = createNetServer({ noDelay: true });
    routeNet.on('connection', (socket: Socket) => {
      if (routeTls === null) return void cluster.accept(new SocketTransport(socket));
      const transport = new TlsTransport(socket, routeTls, null, 'route');
      transport.startTls();
      cluster.accept(transport);
    });
    await listen(routeNet, opts.cluster.port < 0 ? 0 : opts.cluster.port, opts.cluster.host);
    clusterPort = (routeNet.address() as AddressInfo).port;
    cluster.start(opts.cluster.host, clusterPort);
  }

  let http: HttpServer | null = null;
  let httpPort = 0;
  let httpsPort = 0;
  if (opts.httpPort !== 0 || opts.httpsPort !== 0) {
    const stats: HttpReqStats = {};
    const httpHost = opts.httpHost || opts.host;
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      const url = new URL(req.url ?? '/', 'http://x');
      const r = handleMonitorRequest(server, url.pathname, url.searchParams, stats, httpHost, httpPort, httpsPort);
      res.writeHead(r.status, { 'Content-Type': r.contentType });
      res.end(r.body);
    };
    // HTTPS monitoring uses the client listener's certificate but never asks for one (nats-server).
    const secure = opts.httpsPort !== 0;
    http = secure
      ? (require('node:https') as typeof import('node:https')).createServer(tls!.contextOptions, handler)
      : (require('node:http') as typeof import('node:http')).createServer(handler);
    const wanted = secure ? opts.httpsPort : opts.httpPort;
    await listen(http, wanted < 0 ? 0 : wanted, httpHost);
    const bound = (http.address() as AddressInfo).port;
    if (secure) httpsPort = bound;
    else httpPort = bound;
    server.log('INF', `Starting ${secure ? 'https' : 'http'} monitor on ${hostPort(httpHost, bound)}`);
  }
  const leafs = await startLeafNodes(server);
  server.log('INF', 'Server is ready');

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const stopped = Promise.all([
        closeListener(net),
        http ? closeListener(http) : Promise.resolve(),
        leafs?.close(),
        routeNet ? closeListener(routeNet) : Promise.resolve(),
      ]);
      server.shutdown();
      http?.closeAllConnections();
      await stopped;
      await server.jetstream?.stop();
      await operatorMode?.close();
      server.log('INF', 'Server Exiting..');
    })());

  return {
    server,
    port,
    httpPort,
    httpsPort,
    leafPort: leafs?.port ?? 0,
    clusterPort,
    async lameDuck() {
      const stopped = closeListener(net);
      await server.lameDuck();
      await stopped;
      await close();
    },
    close,
  };
}

/** Dials a route (nats-server's DEFAULT_ROUTE_DIAL: 1 s), starting TLS at once when the cluster has it. */
function dialRoute(host: string, port: number, tlsName: string, tls: TlsContext | null): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port, noDelay: true, timeout: 1_000 });
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.once('error', fail);
    socket.once('timeout', () => fail(new Error(`dial tcp ${host}:${port}: i/o timeout`)));
    socket.once('connect', () => {
      socket.off('error', fail);
      socket.setTimeout(0);
      if (tls === null) return resolve(new SocketTransport(socket));
      const transport = new TlsTransport(socket, tls, { host, serverName: tlsName }, 'route');
      transport.startTls();
      resolve(transport);
    });
  });
}

function listen(srv: NetServer | HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(port, host, () => {
      srv.off('error', reject);
      resolve();
    });
  });
}

function closeListener(srv: NetServer | HttpServer): Promise<void> {
  return new Promise((resolve) => {
    if (!srv.listening) return resolve();
    srv.close(() => resolve());
  });
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
