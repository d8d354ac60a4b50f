import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A real HTTP account resolver for the tests: GET <prefix><account key> answers the JWT held in
// `accounts` (404 otherwise); GET <prefix> answers 200 (nats-server's startup probe).
// Behaviour can be switched per key: a status code, a raw body, or holding the request open.

export interface AccountServer {
  readonly url: string;
  readonly port: number;
  accounts: Map<string, string>;
  /** Requests seen, by path. */
  hits: Map<string, number>;
  /** Headers of the last request. */
  lastHeaders: IncomingMessage['headers'] | undefined;
  /** Per-key override: a status code to answer, or a body to send with 200. */
  override: Map<string, { status?: number; body?: string | Buffer }>;
  /** Keys whose requests are held open until release(). */
  hold: Set<string>;
  held(): number;
  release(): void;
  count(key: string): number;
  close(): Promise<void>;
}

export const PREFIX = '/jwt/v1/accounts/';

export async function startAccountServer(port = 0): Promise<AccountServer> {
  const accounts = new Map<string, string>();
  const hits = new Map<string, number>();
  const override = new Map<string, { status?: number; body?: string | Buffer }>();
  const hold = new Set<string>();
  let waiting: Array<() => void> = [];
  let lastHeaders: IncomingMessage['headers'] | undefined;

  const answer = (key: string, res: ServerResponse): void => {
    const o = override.get(key);
    if (o !== undefined) {
      res.writeHead(o.status ?? 200, { 'content-type': 'application/jwt' });
      res.end(o.body ?? '');
      return;
    }
    const jwt = key === '' ? '' : accounts.get(key);
    if (jwt === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/jwt' }).end(jwt);
  };

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    lastHeaders = req.headers;
    if (req.method !== 'GET' || !path.startsWith(PREFIX)) {
      res.writeHead(404).end();
      return;
    }
    const key = path.slice(PREFIX.length);
    if (hold.has(key)) {
      waiting.push(() => answer(key, res));
      return;
    }
    answer(key, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}${PREFIX}`,
    port: actual,
    accounts,
    hits,
    override,
    hold,
    get lastHeaders() {
      return lastHeaders;
    },
    held: () => waiting.length,
    release() {
      hold.clear();
      const w = waiting;
      waiting = [];
      for (const f of w) f();
    },
    count: (key) => hits.get(PREFIX + key) ?? 0,
    async close() {
      for (const f of waiting) f();
      waiting = [];
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
