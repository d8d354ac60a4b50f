import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import {
  handleMonitorRequest,
  makeOptions,
  Server,
  SocketTransport,
  silentLogger,
  startOperatorMode,
  type HttpReqStats,
  type ServerDeps,
  type ServerOptions,
} from '@switchboard/server';

/** A running broker: the client listener, the optional monitoring server, and the core. */
export interface Broker {
  readonly server: Server;
  /** Bound client port (useful with port 0). */
  readonly port: number;
  /** Bound monitoring port, 0 when monitoring is off. */
  readonly httpPort: number;
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
  // Operator mode: trusted operators, account resolver and system account (unless a test brings its own authenticator).
  const operatorMode = deps.authenticator ? null : await startOperatorMode(opts, deps.logger ?? silentLogger);
  const server = new Server(opts, operatorMode ? { ...deps, authenticator: operatorMode.authenticator } : deps);
  operatorMode?.attach(server);
  server.log('INF', `  Name:     ${server.name}`);
  server.log('INF', `  ID:       ${server.id}`);
  const net = createNetServer({ noDelay: true });
  net.on('connection', (socket: Socket) => {
    server.accept(new SocketTransport(socket));
  });
  await listen(net, opts.port, opts.host);
  const port = (net.address() as AddressInfo).port;
  server.port = port;
  server.log('INF', `Listening for client connections on ${hostPort(opts.host, port)}`);

  let http: HttpServer | null = null;
  let httpPort = 0;
  if (opts.httpPort !== 0) {
    const stats: HttpReqStats = {};
    const httpHost = opts.httpHost || opts.host;
    http = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const r = handleMonitorRequest(server, url.pathname, url.searchParams, stats, httpHost, httpPort);
      res.writeHead(r.status, { 'Content-Type': r.contentType });
      res.end(r.body);
    });
    await listen(http, opts.httpPort < 0 ? 0 : opts.httpPort, httpHost);
    httpPort = (http.address() as AddressInfo).port;
    server.log('INF', `Starting http monitor on ${hostPort(httpHost, httpPort)}`);
  }
  server.log('INF', 'Server is ready');

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const stopped = Promise.all([closeListener(net), http ? closeListener(http) : Promise.resolve()]);
      server.shutdown();
      http?.closeAllConnections();
      await stopped;
      await operatorMode?.close();
      server.log('INF', 'Server Exiting..');
    })());

  return {
    server,
    port,
    httpPort,
    async lameDuck() {
      const stopped = closeListener(net);
      await server.lameDuck();
      await stopped;
      await close();
    },
    close,
  };
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
