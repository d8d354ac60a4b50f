import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '@switchboard/db';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

function holdInChild(dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures/hold-lock.ts'), dir], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`lock holder exited early (${code})`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

describe('lockDataDir', () => {
  const cleanup: Array<() => void> = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-lock-'));
    cleanup.push(() => fs.rmSync(d, { recursive: true, force: true }));
    return d;
  };
  afterEach(() => {
    for (const f of cleanup.splice(0).reverse()) f();
  });

  it('is exclusive within a process and free again after release', () => {
    const dir = tmp();
    const lock = lockDataDir(dir);
    expect(fs.readFileSync(lock.path, 'utf8')).toBe(String(process.pid));
    expect(() => lockDataDir(dir)).toThrowError(DataDirLockedError);
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(false);
    lockDataDir(dir).release();
  });

  it('names the holder pid when another process has the folder, and takes over once it is gone', async () => {
    const dir = tmp();
    const child = await holdInChild(dir);
    cleanup.push(() => child.kill('SIGKILL'));
    let err: unknown;
    try {
      lockDataDir(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as DataDirLockedError).pid).toBe(child.pid);
    expect((err as Error).message).toContain(`in use by another process (pid ${child.pid})`);

    // SIGKILL: no exit handler runs, so the lock file stays behind, stale.
    child.kill('SIGKILL');
    await exited(child);
    expect(fs.readFileSync(path.join(dir, '.lock'), 'utf8')).toBe(String(child.pid));
    const lock = lockDataDir(dir);
    expect(fs.readFileSync(lock.path, 'utf8')).toBe(String(process.pid));
    lock.release();
  });

  it('treats a lock file naming this pid but not held here as stale (restarted container)', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, '.lock'), String(process.pid));
    const lock = lockDataDir(dir);
    lock.release();
  });
});
