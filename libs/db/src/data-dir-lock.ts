// PGlite has no cross-process locking: a second process opening the same folder corrupts it silently.
// A lock file holding the owner's pid makes the second opener fail loudly instead.
import fs from 'node:fs';
import path from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`DATA_DIR ${dataDir} is in use by another process (pid ${pid}); stop it or choose another DATA_DIR`);
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

// Folders locked by this process: a lock file naming our own pid but not in this set is stale
// (a container restarted with the same pid).
const held = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number {
  try {
    return Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
  } catch {
    return Number.NaN;
  }
}

/** Takes `<dataDir>/.lock` for this process (creating dataDir), or throws DataDirLockedError naming the holder. */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, '.lock');
  const me = String(process.pid);
  if (held.has(file)) throw new DataDirLockedError(dir, process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, me, { flag: 'wx', mode: 0o600 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw lockError(e, dir, file);
      const pid = readPid(file);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new DataDirLockedError(dir, pid);
      fs.rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  held.add(file);
  const onExit = () => release();
  process.once('exit', onExit);
  function release() {
    if (!held.delete(file)) return;
    process.removeListener('exit', onExit);
    if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
  }
  return { path: file, release };
}

function lockError(e: unknown, dir: string, file: string): Error {
  const pid = readPid(file);
  if ((e as NodeJS.ErrnoException).code === 'EEXIST' && pid > 0) return new DataDirLockedError(dir, pid);
  return e instanceof Error ? e : new Error(String(e));
}
