import { defineConfig } from 'vitest/config';

// Same resolution as the root config; lets `npx vitest run --config bench/vitest.config.ts`
// run the bench's own tests while the root config's include does not list bench/.
const conditions = ['@switchboard/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@switchboard/source'] } },
  test: {
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
  },
});
