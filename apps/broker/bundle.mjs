// Bundles the built broker (dist/main.js and the libs it imports) into one file, dist/bundle/broker.js.
// Node's ESM loader resolves, reads and compiles each of the ~115 modules on its own: one file
// starts in about half the CPU time and ~10 MB less resident memory (docs/footprint.md).
// dist/start.js runs it; dist/main.js stays the unbundled build (same code).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// JetStream (imported by broker.ts only when it is on) goes in a chunk of its own: a plain broker
// never loads it. The output directory is emptied first so no chunk of an earlier build lingers.
const outdir = new URL('dist/bundle', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { broker: new URL('dist/main.js', import.meta.url).pathname },
  outdir,
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // Code that loads a module only when needed (node:http, node:tls) uses require: give the bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
