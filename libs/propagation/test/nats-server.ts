import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The reference nats-server in operator mode with the full NATS resolver (accepts
// $SYS.REQ.CLAIMS.UPDATE from the system account), on a free port.

export interface RunningServer {
  pid: number;
  port: number;
  url: string;
  stop(): Promise<void>;
  log(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = tcpConnect(port, '127.0.0.1');
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });
}

export async function startResolverServer(opts: { operatorJwt: string; systemAccount: string; systemJwt: string; port?: number }): Promise<RunningServer> {
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'sb-prop-'));
  const conf = [
    `listen: "127.0.0.1:${port}"`,
    `operator: "${opts.operatorJwt}"`,
    `system_account: ${opts.systemAccount}`,
    `resolver: { type: full, dir: "${join(dir, 'jwt')}", allow_delete: false, timeout: "200ms" }`,
    `resolver_preload: { ${opts.systemAccount}: "${opts.systemJwt}" }`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'server.conf'), conf);
  let output = '';
  const child: ChildProcess = spawn('/usr/sbin/nats-server', ['-c', join(dir, 'server.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 15_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`nats-server exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`nats-server not ready: ${output}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    pid: child.pid!,
    port,
    url: `nats://127.0.0.1:${port}`,
    log: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
