// Bundles the built broker (dist/main.js and the libs it imports) into one file, dist/bundle/broker.js.
// Node's ESM loader resolves, reads and compiles each of the ~115 modules on its own: one file
// starts in about half the CPU time and ~10 MB less resident memory (docs/footprint.md).
// dist/start.js runs it; dist/main.js stays the unbundled build (same code).
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('dist/main.js', import.meta.url).pathname],
  outfile: new URL('dist/bundle/broker.js', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // Code that loads a module only when needed (node:http, node:tls) uses require: give the bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
