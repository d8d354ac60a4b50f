import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NX = path.join(ROOT, 'node_modules/.bin/nx');

/** Runs the workspace's own nx CLI (no daemon, so a test never leaves one behind) and returns stdout. */
export function nx(...args: string[]): string {
  return execFileSync(NX, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

export interface GraphProject {
  name: string;
  data: { root: string; tags?: string[]; targets?: Record<string, unknown> };
}

export interface Graph {
  nodes: Record<string, GraphProject>;
  dependencies: Record<string, Array<{ source: string; target: string; type: string }>>;
}

/** The project graph as `nx graph --file` writes it. */
export function projectGraph(): Graph {
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-graph-'));
  try {
    const file = path.join(dir, 'graph.json');
    nx('graph', `--file=${file}`);
    return (JSON.parse(readFileSync(file, 'utf8')) as { graph: Graph }).graph;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The projects `nx affected` would run when only these files changed. */
export function affectedBy(...files: string[]): string[] {
  return JSON.parse(nx('show', 'projects', '--affected', `--files=${files.join(',')}`, '--json')) as string[];
}
