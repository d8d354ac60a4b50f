import { mkdtemp, rm } from 'node:fs/promises';
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
