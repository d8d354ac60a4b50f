// Processes and raw sockets for the differential suite: start nats-server or the broker
// on a free port, and talk to either one byte for byte.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ServerKind = 'nats-server' | 'broker';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const BROKER_MAIN = join(repoRoot, 'apps/broker/src/main.ts');

export interface ServerHandle {
  readonly kind: ServerKind;
  readonly port: number;
  /** What the process printed so far (stdout and stderr), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** A port nobody listens on right now: bind port 0 and let the kernel choose. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

const running = new Set<ChildProcess>();
// If the test process dies, do not leave servers behind on the machine.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts a server with the same flags for both kinds; resolves once it answers INFO.
 * The free port can be taken by someone else before the server binds it: then retry.
 */
export async function startServer(kind: ServerKind, config?: string, readyMs = 30_000): Promise<ServerHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(kind, config, readyMs, await freePort());
    } catch (e) {
      if (attempt >= 3 || !/address already in use|EADDRINUSE/i.test(String(e))) throw e;
    }
  }
}

async function startOnce(kind: ServerKind, config: string | undefined, readyMs: number, port: number): Promise<ServerHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-diff-'));
  const args = ['-a', '127.0.0.1', '-p', String(port)];
  if (config !== undefined) {
    const file = join(dir, 'server.conf');
    writeFileSync(file, config);
    args.push('-c', file);
  }
  // The broker runs under node directly (not npx/tsx wrappers) so the pid we kill is the server.
  const child =
    kind === 'nats-server'
      ? spawn(NATS_SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, ['--conditions=@switchboard/source', '--import', 'tsx', BROKER_MAIN, ...args], {
          cwd: repoRoot,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  running.add(child);
  let log = '';
  const keep = (b: Buffer) => {
    log += b.toString('utf8');
    if (log.length > 64_000) log = log.slice(-32_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: string | undefined;
  const exitedP = new Promise<void>((ok) =>
    child.once('exit', (code, signal) => {
      exited = `exited with ${code ?? signal}`;
      running.delete(child);
      ok();
    }),
  );
  child.once('error', (e) => {
    exited = `failed to start: ${e.message}`;
  });

  const handle: ServerHandle = {
    kind,
    port,
    log: () => log,
    async stop() {
      if (exited === undefined) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exitedP;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };

  // Ready means: a TCP connection gets an INFO line. Retry until then or until the process dies.
  const deadline = Date.now() + readyMs;
  for (;;) {
    if (exited !== undefined) {
      await handle.stop();
      throw new Error(`${kind} ${exited} before it was ready (args: ${args.join(' ')})\n${log}`);
    }
    const conn = await RawConn.open(port).catch(() => undefined);
    if (conn) {
      const ok = await conn.waitFor(() => conn.text().includes('\r\n') || conn.closed, 2_000);
      const info = conn.text();
      conn.destroy();
      if (ok && info.startsWith('INFO ')) return handle;
    }
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`${kind} not ready on port ${port} within ${readyMs} ms\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50)); // poll interval between connection attempts
  }
}

/**
 * A client socket that records every byte the server sends. Synchronisation is by
 * condition (a PONG arrives, the socket closes), never by elapsed time.
 */
export class RawConn {
  private chunks: Buffer[] = [];
  private size = 0;
  private joined = Buffer.alloc(0);
  private waiters = new Set<() => void>();
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (b: Buffer) => {
      this.chunks.push(b);
      this.size += b.length;
      this.wake();
    });
    // A reset after the server hung up counts as closed; bytes read before it are kept.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawConn> {
    return new Promise((ok, fail) => {
      const socket = new Socket();
      socket.once('error', fail);
      socket.connect(port, host, () => {
        socket.off('error', fail);
        ok(new RawConn(socket));
      });
    });
  }

  /** Every byte received so far. */
  bytes(): Buffer {
    if (this.joined.length !== this.size) this.joined = Buffer.concat(this.chunks, this.size);
    return this.joined;
  }

  text(): string {
    return this.bytes().toString('latin1');
  }

  /** Writes bytes; with `chunk`, in writes of that many bytes, each flushed before the next. */
  async send(data: Buffer, chunk = 0): Promise<void> {
    if (this.closed || this.socket.destroyed) return;
    const step = chunk > 0 ? chunk : data.length;
    for (let i = 0; i < data.length; i += step) {
      if (this.closed || this.socket.destroyed) return;
      await new Promise<void>((ok) => this.socket.write(data.subarray(i, i + step), () => ok()));
    }
  }

  /** Resolves true when `cond` holds, false if it still does not after `ms`. */
  waitFor(cond: () => boolean, ms: number): Promise<boolean> {
    if (cond()) return Promise.resolve(true);
    return new Promise((ok) => {
      const check = () => {
        if (!cond()) return;
        done(true);
      };
      const timer = setTimeout(() => done(false), ms);
      const done = (v: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        ok(v);
      };
      this.waiters.add(check);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/**
 * Counts PONG replies in a server-to-client byte stream, skipping MSG/HMSG payloads so a
 * payload that happens to contain "PONG" is not mistaken for one.
 */
export function countPongs(buf: Buffer): number {
  let pongs = 0;
  let i = 0;
  while (i < buf.length) {
    const eol = buf.indexOf('\r\n', i, 'latin1');
    if (eol < 0) break;
    const line = buf.toString('latin1', i, eol);
    i = eol + 2;
    if (line === 'PONG') pongs++;
    else if (line.startsWith('MSG ') || line.startsWith('HMSG ')) {
      const size = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (Number.isInteger(size) && size >= 0) i += size + 2;
    }
  }
  return pongs;
}
