import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NATS_SERVER = '/usr/sbin/nats-server';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** A real nats-server on a free loopback port, configured with `conf` lines. */
export class NatsServer {
  private constructor(
    readonly port: number,
    private readonly proc: ChildProcess,
    private readonly dir: string,
  ) {}

  static async start(conf: string, deadlineMs = 10_000): Promise<NatsServer> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'protocol-nats-'));
    const file = join(dir, 'nats.conf');
    writeFileSync(file, `listen: "127.0.0.1:${port}"\n${conf}\n`);
    const proc = spawn(NATS_SERVER, ['-c', file], { stdio: 'ignore' });
    const server = new NatsServer(port, proc, dir);
    const until = Date.now() + deadlineMs;
    while (!(await canConnect(port))) {
      if (proc.exitCode !== null || Date.now() > until) {
        await server.stop();
        throw new Error(`nats-server did not start on ${port}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return server;
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Sends the INFO-triggered `prefix + input` on a fresh connection and reads until the
   * server closes it or answers PONG. Returns what came back after INFO and whether the
   * connection was closed.
   */
  exchange(input: Buffer): Promise<{ text: string; closed: boolean }> {
    return new Promise((resolve, reject) => {
      const s = net.connect(this.port, '127.0.0.1');
      let text = '';
      let sent = false;
      let done = false;
      const finish = (closed: boolean) => {
        if (done) return;
        done = true;
        s.destroy();
        resolve({ text: text.replace(/^INFO [^\n]*\n/, ''), closed });
      };
      s.on('data', (d) => {
        text += d.toString('latin1');
        if (!sent && text.includes('\r\n')) {
          sent = true;
          s.write(input);
        }
        if (sent && /(^|\n)PONG\r\n/.test(text.replace(/^INFO [^\n]*\n/, ''))) finish(false);
      });
      s.on('close', () => finish(true));
      s.on('error', (e: NodeJS.ErrnoException) => {
        // A reset after the server's close still means "closed".
        if (e.code === 'ECONNRESET' || e.code === 'EPIPE') finish(true);
        else if (!done) reject(e);
      });
    });
  }
}
