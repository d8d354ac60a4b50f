import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytes, clientKinds, text } from './helpers.js';
import { freePort, RawClient, REPO_ROOT, TSX_NODE_ARGS, waitFor } from '@switchboard/testing';

const root = REPO_ROOT;
const MAIN = join(root, 'apps/broker/src/main.ts');
const NODE_ARGS = [...TSX_NODE_ARGS, MAIN];

function run(args: string[]) {
  return spawnSync(process.execPath, [...NODE_ARGS, ...args], { cwd: root, encoding: 'utf8', timeout: 20_000 });
}

describe('broker command line', () => {
  it('rejects an unknown flag with exit code 2 and no stack trace', () => {
    const r = run(['--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('flag provided but not defined: -bogus');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a bad port value with exit code 2', () => {
    const r = run(['-p', 'abc']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('invalid value "abc" for flag -p');
  });

  it('prints help and version', () => {
    expect(run(['-h']).stdout).toContain('--http_port');
    expect(run(['--version']).stdout).toMatch(/v\d+\.\d+\.\d+/);
  });

  it('reports a config error clearly with exit code 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-cli-'));
    const file = join(dir, 'bad.conf');
    writeFileSync(file, 'port: 4222\nnot_a_field: 1\n');
    const r = run(['-c', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}:2:1: unknown field "not_a_field"`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('runs from a config file with accounts, logs like nats-server, and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-cli-'));
    const file = join(dir, 'server.conf');
    const port = await freePort();
    writeFileSync(file, `listen: 127.0.0.1:${port}\naccounts {\n  A: { users: [ {user: a, password: pa} ] }\n  B: { users: [ {user: b, password: pb} ] }\n}\n`);
    const child = spawn(process.execPath, [...NODE_ARGS, '-c', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    const exit = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
    try {
      await waitFor(() => log.includes('Server is ready'), 20_000, `broker ready; log: ${log}`);
      expect(log).toMatch(/^\[\d+\] \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6} \[INF\] /m);
      const kind = clientKinds[0]!;
      const a = await kind.connect({ servers: `127.0.0.1:${port}`, user: 'a', pass: 'pa' });
      const got: string[] = [];
      a.subscribe('x', { callback: (_e, m) => got.push(text(m.data)) });
      a.publish('x', bytes('hi'));
      await waitFor(() => got.length === 1, 5_000, 'message in account A');
      await a.close();
      const anon = await RawClient.open(port);
      anon.send('CONNECT {"verbose":false}\r\n');
      await anon.waitFor("-ERR 'Authorization Violation'");
      anon.destroy();
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(log).toContain('Trapped "terminated" signal');
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);

  it('writes its log to -l and enters lame duck mode on SIGUSR2, then exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-cli-'));
    const logFile = join(dir, 'broker.log');
    const port = await freePort();
    const child = spawn(process.execPath, [...NODE_ARGS, '-a', '127.0.0.1', '-p', String(port), '-l', logFile], {
      cwd: root,
      stdio: 'ignore',
    });
    const exit = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
    const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
    try {
      await waitFor(() => log().includes('Server is ready'), 20_000, 'broker ready in the log file');
      const nc = await clientKinds[1]!.connect({ servers: `127.0.0.1:${port}`, reconnect: false });
      await nc.flush();
      child.kill('SIGUSR2');
      // Default lame duck: 10 s grace then closes; the client is told at once.
      await waitFor(() => log().includes('Entering lame duck mode'), 5_000, 'lame duck log line');
      await nc.close();
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);
});
