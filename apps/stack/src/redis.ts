// Redis for BullMQ: REDIS_URL, else one already on 127.0.0.1:6379, else a redis-server this
// process starts on a free port (and stops on exit), else a message saying what to install.
import { spawn, type ChildProcess } from 'node:child_process';
import { checkRedis, RedisUnavailableError } from '@switchboard/worker';
import { freePort } from './ports.js';

export interface RedisHandle {
  url: string;
  /** Where it came from, for the banner. */
  origin: 'REDIS_URL' | 'local' | 'started';
  /** Stops the redis-server this process started; no-op otherwise. */
  stop(): Promise<void>;
}

export class RedisMissingError extends Error {
  override readonly name = 'RedisMissingError';
}

export interface ProvideRedisOptions {
  /** REDIS_URL, when set: used as is, never replaced by a local one. */
  url?: string;
  /** Probed when no URL is set (default redis://127.0.0.1:6379). */
  probeUrl?: string;
  /** The redis-server executable (default: `redis-server` from PATH). */
  redisServer?: string;
  /** How long a started redis-server may take to answer PING. */
  startTimeoutMs?: number;
}

export const INSTALL_HINT =
  'Redis 7 is needed for the job queue: install it (Debian/Ubuntu: apt install redis-server; macOS: brew install redis) so `npm start` can run it, ' +
  'or start one yourself and set REDIS_URL=redis://host:6379';

export async function provideRedis(opts: ProvideRedisOptions = {}): Promise<RedisHandle> {
  const none = async (): Promise<void> => {};
  if (opts.url) {
    try {
      await checkRedis(opts.url);
    } catch (e) {
      if (e instanceof RedisUnavailableError) throw new RedisMissingError(`REDIS_URL: ${e.message}`);
      throw e;
    }
    return { url: opts.url, origin: 'REDIS_URL', stop: none };
  }
  const probe = opts.probeUrl ?? 'redis://127.0.0.1:6379';
  try {
    await checkRedis(probe, 1000);
    return { url: probe, origin: 'local', stop: none };
  } catch (e) {
    if (!(e instanceof RedisUnavailableError)) throw e;
  }
  return startRedisServer(opts.redisServer ?? 'redis-server', opts.startTimeoutMs ?? 10_000);
}

async function startRedisServer(bin: string, timeoutMs: number): Promise<RedisHandle> {
  const port = await freePort();
  // Nothing kept on disk: the queue only holds work that the database can always recreate.
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (b: Buffer): void => void (output = (output + b.toString()).slice(-2000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
    child.once('exit', (code) => resolve({ code }));
  });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const early = await Promise.race([exited, delay(100).then(() => undefined)]);
    if (early) {
      if (early.error?.code === 'ENOENT')
        throw new RedisMissingError(`no Redis found (REDIS_URL unset, nothing on 127.0.0.1:6379, no ${bin} on PATH). ${INSTALL_HINT}`);
      const why = early.error ? early.error.message : `exited with code ${early.code}`;
      throw new RedisMissingError(`${bin} ${why}: ${lastLine(output)}. ${INSTALL_HINT}`);
    }
    try {
      await checkRedis(url, 500);
      break;
    } catch {
      if (Date.now() > deadline) {
        await stopChild(child, exited);
        throw new RedisMissingError(`${bin} did not answer on port ${port} within ${timeoutMs} ms: ${lastLine(output)}`);
      }
    }
  }
  return { url, origin: 'started', stop: () => stopChild(child, exited) };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited;
}

function lastLine(s: string): string {
  const lines = s.trim().split('\n');
  return lines[lines.length - 1]?.trim() || 'no output';
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
