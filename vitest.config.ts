import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Workspace libs resolve to their TypeScript source through this export condition,
// so tests never need a prior build.
const conditions = ['@switchboard/source', 'import', 'module', 'node', 'default'];

// Under Nx each project's `test` target also writes its results as JSON into the project's
// test-results/ (a declared output, so a cache hit restores it): .ci/run adds them up.
const nxProject = process.env.NX_TASK_TARGET_PROJECT;
const reporters: Array<string | [string, Record<string, unknown>]> = ['default'];
if (nxProject) reporters.push(['json', { outputFile: path.resolve(process.cwd(), 'test-results/vitest.json') }]);

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
