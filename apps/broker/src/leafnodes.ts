import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { createTlsContext, LeafNodes, SocketTransport, TlsTransport, type LeafRemote, type LeafUrl, type Server, type Transport } from '@switchboard/server';

/** The leaf listener (when `leafnodes { port }` is set) and the remotes' connections. */
export interface LeafWiring {
  readonly nodes: LeafNodes;
  /** Bound leaf port, 0 when no listener. */
  readonly port: number;
  close(): Promise<void>;
}

/** Starts leaf nodes for `server` when its options ask for any; null otherwise. */
export async function startLeafNodes(server: Server): Promise<LeafWiring | null> {
  const ln = server.opts.leafnodes;
  if (ln.port === 0 && ln.remotes.length === 0) return null;
  const tls = ln.tls ? createTlsContext(ln.tls) : null;
  const nodes = new LeafNodes(server);
  let listener: NetServer | null = null;
  let port = 0;
  if (ln.port !== 0) {
    listener = createNetServer({ noDelay: true });
    listener.on('connection', (socket: Socket) => {
      if (tls === null) {
        nodes.accept(new SocketTransport(socket));
        return;
      }
      // As nats-server 2.9: INFO in plain text (accept sends it), then the TLS handshake.
      const transport = new TlsTransport(socket, tls, null, 'leafnode');
      if (nodes.accept(transport)) transport.startTls();
    });
    await new Promise<void>((resolve, reject) => {
      listener!.once('error', reject);
      listener!.listen(ln.port < 0 ? 0 : ln.port, ln.host, () => {
        listener!.off('error', reject);
        resolve();
      });
    });
    port = (listener.address() as AddressInfo).port;
    nodes.listening(port);
    server.log('INF', `Listening for leafnode connections on ${ln.host.includes(':') ? `[${ln.host}]` : ln.host}:${port}`);
  }
  if (ln.remotes.length > 0) nodes.startRemotes(dial);
  return {
    nodes,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        if (listener === null || !listener.listening) return resolve();
        listener.close(() => resolve());
      }),
  };
}

/**
 * One TCP connection to a hub (nats-server's natsDialTimeout: 1 s, as its route dial timeout),
 * plain until the hub's INFO has been read; then the connection may start TLS as the client.
 */
function dial(url: LeafUrl, remote: LeafRemote): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: url.host, port: url.port, noDelay: true, timeout: 1_000 });
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.once('error', fail);
    socket.once('timeout', () => fail(new Error('dial timeout')));
    socket.once('connect', () => {
      socket.off('error', fail);
      socket.setTimeout(0);
      resolve(new TlsTransport(socket, () => remote.tlsContext(), { host: url.host, serverName: remote.tlsName }, 'leafnode'));
    });
  });
}
