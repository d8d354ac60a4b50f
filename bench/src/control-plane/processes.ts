// The control plane as its own process, as the image runs it: the compiled `apps/control-plane/dist/main.js`
// with NODE_ENV=production (infra/Dockerfile). `npm run bench:control-plane` builds it first.
// CP_NODE_OPTIONS adds node flags to that process only, e.g. CP_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/cp-prof".
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, startChild } from '@switchboard/testing';

const MAIN = path.join(REPO_ROOT, 'apps/control-plane/dist/main.js');

/** Starts it and waits until /healthz answers 200; `stop` sends SIGTERM and waits for the exit. */
export async function startControlPlane(env: Record<string, string>, api: string): Promise<{ pid: number; stop(): Promise<void> }> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm run build, or tsc -b apps/control-plane)`);
  const extra = (process.env.CP_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  const child = startChild(process.execPath, [...extra, MAIN], { env: { ...process.env, NODE_ENV: 'production', ...env } });
  let gone = false;
  void child.exited.then(() => (gone = true));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (gone) throw new Error(`control plane exited:\n${child.output()}`);
    const status = await fetch(`${api}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      child.proc.kill('SIGKILL');
      throw new Error(`control plane not healthy after 120 s (last status ${status}):\n${child.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.proc.pid!,
    async stop() {
      child.proc.kill('SIGTERM');
      await child.exited;
    },
  };
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) in parentheses: utime is the 14th field, stime the 15th.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
}
/**
 * CPU time (ms) of the PostgreSQL backends serving `database` so far, per backend pid: connections
 * come and go, so compare two readings with cpuSince.
 */
export async function pgBackendsCpu(query: (sql: string) => Promise<Array<{ pid: number }>>, database: string): Promise<Map<number, number>> {
  const rows = await query(`SELECT pid FROM pg_stat_activity WHERE datname = '${database.replace(/'/g, "''")}' AND pid <> pg_backend_pid()`);
  const out = new Map<number, number>();
  for (const r of rows) {
    try {
      out.set(r.pid, cpuMs(r.pid));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU ms used between two pgBackendsCpu readings (a backend absent from the first counts from 0). */
export function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
}

// USER_HZ: 100 on every Linux architecture Node supports.
const CLOCK_TICKS = 100;
