import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// A runtime import cycle makes module evaluation order matter (a class read before its module
// ran is `undefined`), and invites workarounds such as a lazy `import()`. This walks the
// relative imports of every project's src/ and fails on any cycle. Type-only imports are
// erased at build time and do not count; dynamic `import()` does (a cycle hidden behind one
// is still a cycle).

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The relative modules `file` loads at run time, as absolute .ts paths. */
export function runtimeImports(file: string, text = readFileSync(file, 'utf8')): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const specs: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const typeOnly =
        c !== undefined &&
        (c.isTypeOnly ||
          (c.name === undefined &&
            c.namedBindings !== undefined &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) specs.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly =
        node.isTypeOnly ||
        (node.exportClause !== undefined &&
          ts.isNamedExports(node.exportClause) &&
          node.exportClause.elements.length > 0 &&
          node.exportClause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) specs.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      specs.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return specs.filter((s) => s.startsWith('.')).map((s) => path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts')));
}

/** Strongly connected components with more than one module (or a module importing itself). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) strong(v);
  return found;
}

function projectSrcDirs(): string[] {
  const dirs: string[] = [];
  for (const group of ['libs', 'apps']) {
    for (const name of readdirSync(path.join(ROOT, group))) {
      const src = path.join(ROOT, group, name, 'src');
      try {
        if (statSync(src).isDirectory()) dirs.push(src);
      } catch {
        // a project without src/
      }
    }
  }
  return dirs;
}

describe('runtime import cycles', () => {
  it('finds a cycle, including one behind a dynamic import(), and ignores type-only imports', () => {
    const a = path.join(ROOT, 'x/a.ts');
    const b = path.join(ROOT, 'x/b.ts');
    const c = path.join(ROOT, 'x/c.ts');
    const graph = new Map([
      [a, runtimeImports(a, "import { B } from './b.js';\nimport type { C } from './c.js';")],
      [b, runtimeImports(b, "export async function f() { return import('./a.js'); }")],
      [c, runtimeImports(c, "import { type A } from './a.js';\nexport type { B } from './b.js';")],
    ]);
    expect(graph.get(c)).toEqual([]);
    expect(cycles(graph)).toEqual([[a, b].sort()]);
  });

  it('none in any project src/ (libs/*, apps/*)', () => {
    const graph = new Map<string, string[]>();
    for (const dir of projectSrcDirs()) for (const f of sources(dir)) graph.set(f, runtimeImports(f));
    expect(graph.size).toBeGreaterThan(100);
    const found = cycles(graph).map((scc) => scc.map((f) => path.relative(ROOT, f)));
    expect(found).toEqual([]);
  });
});
