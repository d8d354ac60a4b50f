import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as connectTcp, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type Env } from '@switchboard/cli';

export interface Result {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in this process with captured output; `env` replaces the process environment. */
export async function cli(args: string[], env: Env, cwd: string, stdin = ''): Promise<Result> {
  let out = '';
  let err = '';
  const code = await run(args, {
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    env,
    cwd,
    readStdin: async () => stdin,
  });
  return { code, out, err };
}

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'switchboard-cli-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface NatsServer {
  url: string;
  stop(): void;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connectTcp(port, '127.0.0.1');
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
  });
}

/** The real /usr/sbin/nats-server on `conf`, once it accepts connections; its last log line if it exits first. */
export async function startNatsServer(conf: string): Promise<NatsServer> {
  const port = await freePort();
  const child: ChildProcess = spawn('/usr/sbin/nats-server', ['-c', conf, '-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`nats-server did not start: ${log.trim().split('\n').at(-1) ?? '(no output)'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `127.0.0.1:${port}`, stop: () => void child.kill() };
}
