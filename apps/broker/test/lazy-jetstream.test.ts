import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// A plain broker does not load JetStream and its stores (~4 MB resident, docs/footprint.md):
// broker.ts imports '@switchboard/server/jetstream' with import() when JetStream is on, and the
// bundle keeps what only that reaches in a chunk of its own. A static import of JetStream's code
// anywhere on the broker's path would put it back in every broker; this walks that path.

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** Workspace package name (with subpath) → its source file, from each package's exports. */
function workspaceSources(): Map<string, string> {
  const out = new Map<string, string>();
  for (const group of ['libs', 'apps']) {
    for (const dir of readdirSync(path.join(ROOT, group))) {
      const file = path.join(ROOT, group, dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; exports?: Record<string, Record<string, string>> };
      for (const [sub, conds] of Object.entries(pkg.exports ?? {})) {
        const src = conds['@switchboard/source'];
        if (src) out.set(sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`, path.join(ROOT, group, dir, src));
      }
    }
  }
  return out;
}

/** The modules `file` imports: static ones (not type-only), and dynamic import()s apart. */
function imports(file: string): { static: string[]; dynamic: string[] } {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out = { static: [] as string[], dynamic: [] as string[] };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const named = c?.namedBindings !== undefined && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : null;
      const typeOnly = c !== undefined && (c.isTypeOnly || (c.name === undefined && named !== null && named.length > 0 && named.every((e) => e.isTypeOnly)));
      if (!typeOnly) out.static.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause !== undefined && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : null;
      if (!node.isTypeOnly && !(named !== null && named.length > 0 && named.every((e) => e.isTypeOnly))) out.static.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      out.dynamic.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Every workspace source file `entry` loads, following dynamic import()s too or not. */
function reached(entry: string, withDynamic: boolean): Set<string> {
  const packages = workspaceSources();
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const { static: st, dynamic } = imports(file);
    for (const spec of withDynamic ? [...st, ...dynamic] : st) {
      const target = spec.startsWith('.') ? path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')) : packages.get(spec);
      if (target !== undefined && existsSync(target)) todo.push(target);
    }
  }
  return seen;
}

const inJetStream = (files: Set<string>): string[] =>
  [...files].map((f) => path.relative(ROOT, f)).filter((f) => f.startsWith('libs/jetstream/') || f.startsWith('libs/stream-store/'));

describe('JetStream is loaded only when it is on', () => {
  const main = path.join(ROOT, 'apps/broker/src/main.ts');

  it("nothing the broker's entry imports statically reaches libs/jetstream or libs/stream-store", () => {
    expect(inJetStream(reached(main, false))).toEqual([]);
  });

  it('the import() in broker.ts reaches them (the walk follows the same paths)', () => {
    const all = inJetStream(reached(main, true));
    expect(all).toContain('libs/jetstream/src/index.ts');
    expect(all).toContain('libs/stream-store/src/index.ts');
  });
});
