// Child processes of a test: output kept, waited on by condition, stopped with SIGTERM then
// SIGKILL, and killed if the test process exits first (no servers left behind on the machine).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, TSX_NODE_ARGS } from './repo.js';

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

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/** Output kept per child; a chatty server is trimmed to its last part. */
const MAX_OUTPUT = 256_000;

export function startChild(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Child {
  const proc = spawn(cmd, args, { cwd: opts.cwd ?? REPO_ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (b: Buffer): void => {
    out += b.toString();
    if (out.length > MAX_OUTPUT) out = out.slice(-MAX_OUTPUT / 2);
    for (const l of listeners) l();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => {
    proc.once('exit', (code) => {
      running.delete(proc);
      resolve(code);
    });
    // A command that cannot start (ENOENT) never emits 'exit'.
    proc.once('error', (e) => {
      out += `\n${cmd}: ${e.message}`;
      running.delete(proc);
      resolve(null);
    });
  });
  let gone = false;
  void exited.then(() => (gone = true));
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
      if (gone || proc.exitCode !== null || proc.signalCode !== null) return exited;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A TypeScript entry of this repository run with tsx (no Nest inside: tsx drops decorator metadata). */
export function startTsx(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  return startChild(process.execPath, [...TSX_NODE_ARGS, path.resolve(REPO_ROOT, file), ...args], { env: { ...process.env, ...env } });
}

/** The stack as `npm start` runs it (swc-node keeps the decorator metadata Nest needs). */
export function startStackProcess(env: NodeJS.ProcessEnv): Child {
  return startChild(process.execPath, ['--conditions=@switchboard/source', '--import', '@swc-node/register/esm-register', 'apps/stack/src/main.ts'], {
    env: { ...process.env, SWC_NODE_PROJECT: 'apps/stack/tsconfig.json', ...env },
  });
}

/** The control plane's `src/main.ts` as deployed (swc-node, from its own folder), with `args` (e.g. admin-token). */
export function startControlPlaneProcess(args: string[], env: NodeJS.ProcessEnv): Child {
  return startChild(process.execPath, ['--conditions=@switchboard/source', '--import', '@swc-node/register/esm-register', 'src/main.ts', ...args], {
    cwd: path.join(REPO_ROOT, 'apps/control-plane'),
    env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.json', ...env },
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One `switchboard` command as a process, as `npm run cli -- <args>` runs it, in `cwd`. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...TSX_NODE_ARGS, path.join(REPO_ROOT, 'apps/cli/src/main.ts'), ...args], {
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
