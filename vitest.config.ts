import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Workspace libs resolve to their TypeScript source through this export condition,
// so tests never need a prior build.
const conditions = ['@switchboard/source', 'import', 'module', 'node', 'default'];

// Under Nx each project's `test` target (its package.json script, run from the repo root as
// `npm test` is) also writes its results as JSON into the project's test-results/ (a declared
// output, so a cache hit restores it): .ci/run adds them up. npm names the project's package.json.
const projectManifest = process.env.NX_TASK_TARGET_PROJECT ? process.env.npm_package_json : undefined;
const reporters: Array<string | [string, Record<string, unknown>]> = ['default'];
if (projectManifest) reporters.push(['json', { outputFile: path.join(path.dirname(projectManifest), 'test-results/vitest.json') }]);

export default defineConfig({
  resolve: { conditions },
  // Vitest passes ssr conditions to Node as --conditions: 'import'/'module' there would make Node's
  // require() pick ESM entries of dual packages (pg -> pg-pool), so keep only ours and 'node'.
  ssr: { resolve: { conditions: ['@switchboard/source', 'node'], externalConditions: ['@switchboard/source'] } },
  test: {
    include: ['libs/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'bench/test/**/*.test.ts', 'e2e/**/*.test.ts', 'tools/test/**/*.test.ts'],
    pool: 'forks',
    reporters,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
