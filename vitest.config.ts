import { defineConfig } from 'vitest/config';

// Workspace libs resolve to their TypeScript source through this export condition,
// so tests never need a prior build.
const conditions = ['@switchboard/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  // Vitest passes ssr conditions to Node as --conditions: 'import'/'module' there would make Node's
  // require() pick ESM entries of dual packages (pg -> pg-pool), so keep only ours and 'node'.
  ssr: { resolve: { conditions: ['@switchboard/source', 'node'], externalConditions: ['@switchboard/source'] } },
  test: {
    include: ['libs/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'bench/test/**/*.test.ts', 'e2e/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
