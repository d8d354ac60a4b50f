// Ports are checked before anything starts, so a busy port is one clear line instead of a
// half-started stack (and a stack trace from whichever listener hit it first).
import { createServer, type AddressInfo } from 'node:net';

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

/** Resolves when `host:port` can be bound now; rejects with PortInUseError naming `variable`. */
export function checkPortFree(host: string, port: number, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (e: NodeJS.ErrnoException) => reject(portError(e, host, port, variable)));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve()));
  });
}

/** The message for a listener that failed to bind (also used when a listener loses the race after the check). */
export function portError(e: NodeJS.ErrnoException, host: string, port: number, variable: string): Error {
  if (e.code === 'EADDRINUSE')
    return new PortInUseError(`port ${port} (${variable}) is already in use on ${host}: stop the other process or set ${variable} to a free port`);
  if (e.code === 'EACCES') return new PortInUseError(`port ${port} (${variable}) needs privileges on ${host}: set ${variable} to a port above 1023`);
  if (e.code === 'EADDRNOTAVAIL') return new PortInUseError(`cannot listen on ${host} (HOST): no such local address`);
  return e;
}

/** A port free on 127.0.0.1 right now (for a child process such as redis-server). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Every listener of the stack, checked in order (PORT, NATS_PORT, NATS_HTTP_PORT). */
export async function checkStackPorts(cfg: { host: string; port: number; natsPort: number; natsHttpPort: number }): Promise<void> {
  await checkPortFree(cfg.host, cfg.port, 'PORT');
  await checkPortFree(cfg.host, cfg.natsPort, 'NATS_PORT');
  if (cfg.natsHttpPort !== 0) await checkPortFree(cfg.host, cfg.natsHttpPort, 'NATS_HTTP_PORT');
}
