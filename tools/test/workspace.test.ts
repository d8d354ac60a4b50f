// The Nx workspace is what CI and `nx affected` trust: every project tagged, with the targets
// CI runs, and the project graph's edges equal to what the code imports.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectGraph, ROOT, type Graph } from './nx.js';

const TYPES = ['type:app', 'type:lib', 'type:test-kit', 'type:e2e', 'type:bench', 'type:tooling'];
const SCOPES = ['scope:data-plane', 'scope:control-plane', 'scope:shared'];
// prisma/ holds only the schema and migrations: nothing to lint, typecheck or test.
const NO_CODE = new Set(['@switchboard/prisma']);

let graph: Graph;
beforeAll(() => {
  graph = projectGraph();
}, 60_000);

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function manifest(root: string): Manifest {
  return JSON.parse(readFileSync(path.join(ROOT, root, 'package.json'), 'utf8')) as Manifest;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name === 'generated') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Workspace packages a project's code imports (static and dynamic), its own name excluded. */
function workspaceImports(root: string, self: string): Set<string> {
  const found = new Set<string>();
  for (const file of sourceFiles(path.join(ROOT, root))) {
    const text = readFileSync(file, 'utf8');
    const statics = /^(?:import|export)\b[^'"]*?\bfrom\s+'(@switchboard\/[a-z0-9-]+)(?:\/[^']*)?'/gm;
    const dynamics = /\bimport\(\s*'(@switchboard\/[a-z0-9-]+)(?:\/[^']*)?'\s*\)/g;
    for (const m of [...text.matchAll(statics), ...text.matchAll(dynamics)]) {
      if (m[1] !== self) found.add(m[1]!);
    }
  }
  return found;
}

describe('nx projects', () => {
  it('are tagged with one type and at least one scope', () => {
    const wrong: string[] = [];
    for (const [name, p] of Object.entries(graph.nodes)) {
      const tags = p.data.tags ?? [];
      const types = tags.filter((t) => t.startsWith('type:'));
      const scopes = tags.filter((t) => t.startsWith('scope:'));
      if (types.length !== 1 || !TYPES.includes(types[0]!) || scopes.length === 0 || !scopes.every((s) => SCOPES.includes(s))) {
        wrong.push(`${name} (${p.data.root}): tags ${JSON.stringify(tags)}; add "nx": { "tags": ["type:…", "scope:…"] } to its package.json`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('have the targets CI runs', () => {
    const missing: string[] = [];
    for (const [name, p] of Object.entries(graph.nodes)) {
      if (NO_CODE.has(name)) continue;
      const targets = Object.keys(p.data.targets ?? {});
      const want = ['lint', 'typecheck'];
      if (sourceFiles(path.join(ROOT, p.data.root)).some((f) => f.endsWith('.test.ts'))) want.push('test');
      const tags = p.data.tags ?? [];
      if (tags.includes('type:lib') || tags.includes('type:app')) want.push('build');
      for (const t of want) if (!targets.includes(t)) missing.push(`${name}: no "${t}" script`);
    }
    expect(missing).toEqual([]);
  });

  it('declare every workspace package their code imports, tests included', () => {
    const undeclared: string[] = [];
    for (const [name, p] of Object.entries(graph.nodes)) {
      const m = manifest(p.data.root);
      const declared = new Set([...Object.keys(m.dependencies ?? {}), ...Object.keys(m.devDependencies ?? {})]);
      for (const imp of workspaceImports(p.data.root, name)) if (!declared.has(imp)) undeclared.push(`${name} imports ${imp}`);
    }
    expect(undeclared).toEqual([]);
  });

  it('have graph edges exactly for their declared workspace dependencies', () => {
    const projects = new Set(Object.keys(graph.nodes));
    for (const [name, p] of Object.entries(graph.nodes)) {
      const m = manifest(p.data.root);
      const declared = [...Object.keys(m.dependencies ?? {}), ...Object.keys(m.devDependencies ?? {})].filter((d) => projects.has(d));
      const edges = (graph.dependencies[name] ?? []).map((d) => d.target).filter((t) => projects.has(t));
      expect(new Set(edges), name).toEqual(new Set(declared));
    }
  });

  it('cover the code: every libs/, apps/ and e2e/ folder is a project', () => {
    const roots = new Set(Object.values(graph.nodes).map((p) => p.data.root));
    const folders = ['libs', 'apps', 'e2e'].flatMap((d) =>
      readdirSync(path.join(ROOT, d), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => `${d}/${e.name}`),
    );
    expect(folders.filter((f) => !roots.has(f))).toEqual([]);
    for (const r of ['bench', 'tools', 'prisma']) expect(roots.has(r), r).toBe(true);
  });
});
