// Lint for every project (each runs `eslint .` from its root; this file is found by walking up).
// typescript-eslint's recommended rules plus Nx's module boundaries: the tags live in each
// project's package.json ("nx": { "tags": [...] }), the rules between them are below.
import js from '@eslint/js';
import globals from 'globals';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Which kinds of project may import which. Apps may use apps too: apps/stack composes the
// broker, control plane and worker in one process, and app tests drive other apps.
const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:app', 'type:test-kit'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:test-kit'] },
  { sourceTag: 'type:test-kit', onlyDependOnLibsWithTags: ['type:lib', 'type:test-kit'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:app', 'type:test-kit'] },
  { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:lib', 'type:app', 'type:test-kit'] },
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: [] },
  // The broker's libs never reach into the control plane; shared libs stand on their own.
  // (Direct imports: a data-plane lib's tests use the test kit, which itself uses libs/db.)
  { allSourceTags: ['type:lib', 'scope:data-plane'], onlyDependOnLibsWithTags: ['scope:data-plane', 'scope:shared'] },
  { allSourceTags: ['type:lib', 'scope:shared'], onlyDependOnLibsWithTags: ['scope:shared'] },
];

export default tseslint.config(
  {
    ignores: ['**/node_modules/', '**/dist/', '**/test-results/', '**/.data/', '.nx/', 'coverage/', 'libs/db/src/generated/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...nx.configs['flat/base'],
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.js', '**/*.mjs'],
    languageOptions: { globals: globals.node },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          depConstraints,
          // A test may import its own package by name, as its users do.
          allowCircularSelfDependency: true,
          // Test-only: the kit makes operator fixtures with nats-jwt, whose interop tests start
          // nats-server with the kit. (libs/testing has no build target, so no build cycle.)
          ignoredCircularDependencies: [['@switchboard/testing', '@switchboard/nats-jwt']],
        },
      ],
      // A leading underscore marks a parameter or binding that is unused on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // A `let` read by a closure (a signal handler) before its one assignment cannot be a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Not adopted: `let x = init` before try/catch and do/while is the house style (the parsers),
      // errors rethrown in nats-server's words deliberately carry no cause, and tests match
      // column-aligned CLI output with literal spaces.
      'no-useless-assignment': 'off',
      'preserve-caught-error': 'off',
      'no-regex-spaces': 'off',
    },
  },
  {
    // Tests and benchmarks poke at JSON from servers and clients without declaring every shape.
    files: ['**/test/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'libs/*/bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The web console runs in the browser.
    files: ['apps/console/src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
  },
  {
    // The test kit is for tests: no app or lib ships it.
    files: ['libs/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@switchboard/testing', '@switchboard/testing/*'], message: 'the test kit is for tests only' }] },
      ],
    },
  },
);
