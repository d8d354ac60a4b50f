// The reference nats-server and the Switchboard broker as child processes, started the same way
// (same flags, same config file) on a free loopback port, ready once a connection gets INFO.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type Child } from './child.js';
import { freePort } from './ports.js';
import { RawClient } from './raw-client.js';
import { REPO_ROOT, TSX_NODE_ARGS } from './repo.js';

export type ServerKind = 'nats-server' | 'broker';

/** The reference server for differential and interop tests; NATS_SERVER_BIN overrides it. */
export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const BROKER_MAIN = join(REPO_ROOT, 'apps/broker/src/main.ts');

/** `config` for a server running JetStream, its store in the server's own temporary directory (gone at stop). */
export const jetStreamConfig = (dir: string): string => `jetstream { store_dir: "${dir}/js" }\n`;

export interface ServerOptions {
  /** Config text, written to `server.conf` in the server's own temporary directory. */
  config?: string | ((dir: string) => string);
  /** An existing config file (instead of `config`). */
  configFile?: string;
  /** A fixed port (restarts on the same port); otherwise a free one, retried if someone takes it first. */
  port?: number;
  /** More command-line flags (after -a/-p/-c). */
  args?: string[];
  readyMs?: number;
}

export interface RunningServer {
  readonly kind: ServerKind;
  readonly port: number;
  /** nats://127.0.0.1:<port> */
  readonly url: string;
  readonly pid: number;
  /** The server's temporary directory (config, resolver files); removed by stop(). */
  readonly dir: string;
  readonly child: Child;
  /** What the process printed so far (stdout and stderr), for failure messages. */
  log(): string;
  /** SIGTERM (SIGKILL after 5 s), wait for the exit, remove the temporary directory. */
  stop(): Promise<void>;
}

/** Starts nats-server or the broker with the same flags; resolves once a connection gets an INFO line. */
export async function startServer(kind: ServerKind, opts: ServerOptions = {}): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(kind, opts, opts.port ?? (await freePort()));
    } catch (e) {
      // The free port can be taken by another process before the server binds it: try another.
      if (opts.port !== undefined || attempt >= 3 || !/address already in use|EADDRINUSE/i.test(String(e))) throw e;
    }
  }
}

export const startNatsServer = (opts: ServerOptions = {}): Promise<RunningServer> => startServer('nats-server', opts);
export const startBrokerProcess = (opts: ServerOptions = {}): Promise<RunningServer> => startServer('broker', opts);

async function startOnce(kind: ServerKind, opts: ServerOptions, port: number): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), `sb-${kind}-`));
  const args = ['-a', '127.0.0.1', '-p', String(port)];
  let file = opts.configFile;
  if (opts.config !== undefined) {
    file = join(dir, 'server.conf');
    writeFileSync(file, typeof opts.config === 'string' ? opts.config : opts.config(dir));
  }
  if (file !== undefined) args.push('-c', file);
  args.push(...(opts.args ?? []));
  // The broker runs under node directly (no npx/tsx wrapper) so the pid we stop is the server.
  const child = kind === 'nats-server' ? startChild(NATS_SERVER_BIN, args) : startChild(process.execPath, [...TSX_NODE_ARGS, BROKER_MAIN, ...args]);
  let exited: number | null | undefined;
  void child.exited.then((code) => (exited = code));
  const server: RunningServer = {
    kind,
    port,
    url: `nats://127.0.0.1:${port}`,
    pid: child.proc.pid ?? 0,
    dir,
    child,
    log: child.output,
    async stop() {
      await child.stop(5_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // tsx compiles the broker on start: allow it time on a loaded 2-core machine.
  const readyMs = opts.readyMs ?? (kind === 'broker' ? 30_000 : 15_000);
  const deadline = Date.now() + readyMs;
  for (;;) {
    if (exited !== undefined) {
      await server.stop();
      throw new Error(`${kind} exited (${exited}) before it was ready (args: ${args.join(' ')})\n${child.output()}`);
    }
    if (await greets(port)) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${kind} not ready on port ${port} within ${readyMs} ms\n${child.output()}`);
    }
    await new Promise((r) => setTimeout(r, 25)); // between connection attempts
  }
}

/** Ready means: a TCP connection gets an INFO line. */
async function greets(port: number): Promise<boolean> {
  const conn = await RawClient.open(port).catch(() => undefined);
  if (!conn) return false;
  const ok = await conn.until(() => conn.data.includes('\r\n') || conn.closed, 2_000);
  conn.destroy();
  return ok && conn.data.startsWith('INFO ');
}

/** Both kinds from the same options, side by side (shared suites); neither is left running if the other fails. */
export async function startBoth(opts: ServerOptions = {}): Promise<Record<ServerKind, RunningServer>> {
  const [ref, broker] = await Promise.allSettled([startServer('nats-server', opts), startServer('broker', opts)]);
  if (ref.status === 'fulfilled' && broker.status === 'fulfilled') return { 'nats-server': ref.value, broker: broker.value };
  await Promise.all([ref, broker].map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
  throw ref.status === 'rejected' ? ref.reason : (broker as PromiseRejectedResult).reason;
}
