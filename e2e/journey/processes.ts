// Child processes of the journey: the stack (`npm start`'s entry), the CLI, and the real
// nats-server. Each is started the way a user would start it, and waited on by condition.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// By absolute URL: the CLI runs in a scratch directory where `--import tsx` would not resolve.
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** A port free on 127.0.0.1 right now. */
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

export interface Child {
  proc: ChildProcess;
  /** Everything written so far (stdout and stderr interleaved as received). */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves once `pattern` appears in the output; rejects if the process exits first or the deadline passes. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then the exit code (SIGKILL after the deadline). */
  stop(timeoutMs?: number): Promise<number | null>;
}

export function startChild(cmd: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (b: Buffer): void => {
    out += b.toString();
    for (const l of listeners) l();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m = out.match(pattern);
          if (m) done(() => resolve(m));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${out.slice(-3000)}`))), timeoutMs);
        const done = (f: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        listeners.add(check);
        void exited.then((code) => done(() => reject(new Error(`${cmd} exited (${code}) before ${pattern}; output:\n${out.slice(-3000)}`))));
        check();
      });
    },
    async stop(timeoutMs = 15_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The stack as `npm start` runs it (swc-node keeps the decorator metadata Nest needs). */
export function startStackProcess(env: NodeJS.ProcessEnv): Child {
  return startChild(
    process.execPath,
    ['--conditions=@switchboard/source', '--import', '@swc-node/register/esm-register', 'apps/stack/src/main.ts'],
    { ...process.env, SWC_NODE_PROJECT: 'apps/stack/tsconfig.json', ...env },
  );
}

/** A TypeScript entry of this repository run with tsx (no Nest inside: tsx drops decorator metadata). */
export function startTsx(file: string, args: string[], env: NodeJS.ProcessEnv): Child {
  return startChild(process.execPath, ['--conditions=@switchboard/source', '--import', TSX, path.join(ROOT, file), ...args], { ...process.env, ...env });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One `switchboard` command, as `npm run cli -- <args>` runs it. */
export function cli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--conditions=@switchboard/source', '--import', TSX, path.join(ROOT, 'apps/cli/src/main.ts'), ...args], {
      cwd,
      // Only what the caller passes: a developer's own SWITCHBOARD_API/TOKEN must not leak in.
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SWITCHBOARD_'))), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    proc.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    proc.once('error', reject);
    proc.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The real nats-server on a config file, ready once it says so. */
export async function startNatsServer(configFile: string, port: number): Promise<Child> {
  const c = startChild('/usr/sbin/nats-server', ['-c', configFile, '-a', '127.0.0.1', '-p', String(port)], process.env);
  await c.waitFor(/Server is ready/, 15_000);
  return c;
}
