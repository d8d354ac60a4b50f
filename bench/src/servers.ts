import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort, NATS_SERVER_BIN } from '@switchboard/testing';
import type { Endpoint } from './conn.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BROKER_MAIN = 'apps/broker/src/main.ts';
/** What production runs (`npm run build`): plain JavaScript, no loader; the one-file bundle with V8's compile cache. */
export const BROKER_BUILT = 'apps/broker/dist/start.js';
/** The malloc settings the image and `npm run broker` run the broker with (docs/footprint.md). */
export const BROKER_ENV = { GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=131072:glibc.malloc.trim_threshold=131072' };
const HOST = '127.0.0.1';

/** A server process under test. */
export class ServerProcess {
  private exited = false;
  private log = '';

  private constructor(
    readonly name: string,
    readonly ep: Endpoint,
    private readonly child: ChildProcess,
  ) {
    const keep = (b: Buffer): void => {
      this.log = (this.log + b.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', () => (this.exited = true));
  }

  /** `pin`: run it on CPU 0 only (taskset execs the server, so the pid stays the server's). */
  static async start(
    name: string,
    command: string,
    args: string[],
    port: number,
    readyMs: number,
    pin: boolean,
    env: NodeJS.ProcessEnv = {},
  ): Promise<ServerProcess> {
    if (pin) [command, args] = ['taskset', ['-c', '0', command, ...args]];
    const child = spawn(command, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ServerProcess(name, { host: HOST, port }, child);
    child.on('error', (err) => {
      server.exited = true;
      server.log += `\n${err.message}`;
    });
    try {
      await server.waitReady(readyMs);
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  /** Ready = a TCP connection gets an INFO line; retried until the deadline. */
  private async waitReady(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (this.exited) throw new Error(`${this.name} exited before serving:\n${this.tail()}`);
      if (await hasInfo(this.ep)) return;
      if (Date.now() > deadline) throw new Error(`${this.name} not serving after ${ms} ms:\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  tail(): string {
    return this.log.trim().split('\n').slice(-8).join('\n');
  }

  /** CPU seconds (user + system) the process has used, from /proc; NaN if unreadable. */
  cpuSeconds(): number {
    return procCpuSeconds(this.child.pid);
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** SIGTERM, then SIGKILL if it is still there after 3 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  }
}

function hasInfo(ep: Endpoint): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(ep);
    let text = '';
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.on('error', () => done(false));
    s.on('data', (b) => {
      text += b.toString('latin1');
      if (text.includes('\n')) done(text.startsWith('INFO '));
    });
  });
}

export async function startNatsServer(pin = false, extra: string[] = []): Promise<ServerProcess> {
  if (!existsSync(NATS_SERVER_BIN)) throw new Error(`${NATS_SERVER_BIN} not found (set NATS_SERVER_BIN)`);
  const port = await freePort();
  return ServerProcess.start('nats-server', NATS_SERVER_BIN, ['-a', HOST, '-p', String(port), ...extra], port, 10_000, pin);
}

/** The built broker under plain node, as the image and `npm run broker` run it; `source`: through tsx (tests). */
export async function startBroker(pin = false, extra: string[] = [], source = false): Promise<ServerProcess> {
  const main = source ? BROKER_MAIN : BROKER_BUILT;
  if (!existsSync(new URL(main, `file://${REPO}`))) throw new Error(`${main} does not exist${source ? '' : ': run npm run build'}`);
  const port = await freePort();
  const args = [...(source ? ['--conditions=@switchboard/source', '--import', 'tsx'] : []), main, '-a', HOST, '-p', String(port), ...extra];
  // tsx compiles the broker on start: allow it time on a loaded 2-core machine.
  // BENCH_RAW_MALLOC=1: glibc's default malloc, to see what the settings cost or save.
  return ServerProcess.start('broker', process.execPath, args, port, 30_000, pin, process.env.BENCH_RAW_MALLOC ? {} : BROKER_ENV);
}

/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

function procCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND; // utime, stime (fields 14, 15)
  } catch {
    return NaN;
  }
}

/** The generator's stand-in server (fake-server.ts) for ceiling runs, placed like a server. */
export async function startFakeServer(subject: string, size: number, pin = false): Promise<ServerProcess> {
  const port = await freePort();
  const main = fileURLToPath(new URL('./fake-main.ts', import.meta.url));
  const args = ['--conditions=@switchboard/source', '--import', 'tsx', main, HOST, String(port), subject, String(size)];
  return ServerProcess.start('generator stand-in', process.execPath, args, port, 15_000, pin);
}
