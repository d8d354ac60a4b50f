// The CLI as users run it: a child process (`npm run cli`'s command line) against a real HTTP
// server. Exit codes, stdout/stderr separation, no stack traces, and the seed staying local.
import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCreds } from '@switchboard/nats-jwt';
import { CONTRACT_TOKEN, ContractServer } from './contract-server.js';
import { tempDir } from './helpers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const MAIN = join(ROOT, 'apps/cli/src/main.ts');
const SEED = /S[UAO][A-Z2-7]{56}/;
const STACK = /\n\s+at |node:internal|\.ts:\d+/;

let server: ContractServer;
let dir: { path: string; remove(): Promise<void> };
const stderrs: string[] = [];

beforeAll(async () => {
  server = new ContractServer();
  await server.start();
  dir = await tempDir();
});
afterAll(async () => {
  await server.stop();
  await dir.remove();
});

function switchboard(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--conditions=@switchboard/source', '--import', 'tsx', MAIN, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH!, HOME: dir.path, SWITCHBOARD_API: server.url, SWITCHBOARD_TOKEN: CONTRACT_TOKEN, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        stderrs.push(stderr);
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out: stdout, err: stderr });
      },
    );
  });
}

describe('switchboard as a process', () => {
  it('users create: only the public key reaches the server; the .creds holds the seed, 0600', async () => {
    const out = join(dir.path, 'proc.creds');
    const r = await switchboard(['users', 'create', 'proc', '--account', 'main', '--sub', 'in.>', '--out', out, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.out) as { publicKey: string; creds: string };
    expect(shown.creds).toBe(out);
    const creds = parseCreds(await readFile(out));
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const posts = server.requests.filter((q) => q.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(JSON.parse(posts[0]!.body)).toEqual({ name: 'proc', publicKey: shown.publicKey, permissions: { sub: { allow: ['in.>'] } } });
    for (const q of server.requests) {
      expect(q.body).not.toMatch(SEED);
      expect(q.body + q.url).not.toContain(creds.seed);
    }
    expect(r.out).not.toMatch(SEED);
  });

  it('--json output of a list parses', async () => {
    const r = await switchboard(['accounts', 'list', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([expect.objectContaining({ name: 'main', publicKey: server.accountKey.getPublicKey() })]);
  });

  it('an unknown flag exits 2 with a message on stderr', async () => {
    const r = await switchboard(['users', 'list', '--colour']);
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toMatch(/^error: unknown option '--colour'/);
  });

  it("a server error exits 1 with the server's message", async () => {
    const r = await switchboard(['accounts', 'show', '00000000-0000-4000-8000-00000000abcd']);
    expect(r).toMatchObject({ code: 1, out: '', err: 'error: 404 Not Found: account 00000000-0000-4000-8000-00000000abcd not found\n' });
  });

  it('an unreachable server and a broken config file are one-line errors', async () => {
    const down = await switchboard(['accounts', 'list'], { SWITCHBOARD_API: 'http://127.0.0.1:9' });
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/^error: cannot reach http:\/\/127\.0\.0\.1:9: \S.*\n$/);
    const cfg = join(dir.path, 'broken.json');
    await writeFile(cfg, '{nope');
    const broken = await switchboard(['accounts', 'list'], { SWITCHBOARD_CONFIG: cfg });
    expect(broken).toMatchObject({ code: 1, err: `error: ${cfg} is not valid JSON: fix it or delete it and log in again\n` });
  });

  it('printed no stack trace in any of the runs above', () => {
    expect(stderrs.length).toBeGreaterThanOrEqual(6);
    for (const e of stderrs) expect(e).not.toMatch(STACK);
  });
});
