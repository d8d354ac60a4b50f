import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { run, type Env } from '@switchboard/cli';
import { CONTRACT_TOKEN, ContractServer } from './contract-server.js';

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

export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

export async function tempDir(): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), 'switchboard-cli-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface ContractSuite {
  /** The contract stand-in (contract-server.ts), one for the whole file. */
  server: ContractServer;
  /** This test's HOME, removed after it. */
  dir: TempDir;
  /** An environment logged in to `server`, with HOME at `dir`. */
  env: Record<string, string>;
}

/** Registers the hooks the contract tests share: the stand-in for the file, a fresh logged-in HOME per test. */
export function useContractServer(): ContractSuite {
  const t = {} as ContractSuite;
  beforeAll(async () => {
    t.server = new ContractServer();
    await t.server.start();
  });
  afterAll(() => t.server.stop());
  beforeEach(async () => {
    t.dir = await tempDir();
    t.env = { HOME: t.dir.path, SWITCHBOARD_API: t.server.url, SWITCHBOARD_TOKEN: CONTRACT_TOKEN };
  });
  afterEach(() => t.dir.remove());
  return t;
}
