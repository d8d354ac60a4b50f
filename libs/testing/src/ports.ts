// Free ports for servers a test starts. The kernel picks an unused one (bind to port 0); the
// port is then released for the server to bind, so another process could take it in between:
// this module never hands out the same port twice in one process, and the server starters
// retry on a fresh port when the bind fails (servers.ts).
import { createServer, type AddressInfo } from 'node:net';

const handedOut = new Set<number>();

/** A port nobody listens on at `host` right now, not returned before by this process. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (;;) {
    const port = await bindAndRelease(host);
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function bindAndRelease(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
