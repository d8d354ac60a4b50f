// Offline replacement for `prisma migrate deploy | dev | diff | status`, for PostgreSQL and PGlite.
import fs from 'node:fs';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { DiagnoseMigrationHistoryOutput, SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { withSchemaEngine, type SchemaEngine } from './schema-engine.js';
import { pgMigrationAdapter } from './pg-migration-adapter.js';
import { pgliteMigrationAdapter } from './pglite-migration-adapter.js';
import { pgConfigFromUrl } from './pg-config.js';
import { readMigrationsDir, writeMigration } from './migrations-dir.js';
import { defaultMigrationsDir, defaultSchemaPath } from './paths.js';

/** A postgresql:// URL, or an open PGlite (the embedded default). */
export type MigrationTarget = string | PGlite;

export interface MigrationPaths {
  schemaPath?: string;
  migrationsDir?: string;
}

/**
 * Session advisory lock held around `deploy` so instances starting together apply migrations once:
 * the others wait, then find nothing left to apply. Distinct from Prisma's own key (72707369),
 * which the engine takes inside with a 10 s timeout.
 */
export const MIGRATION_LOCK_KEY = 7_283_746_501;

const noFilters: SchemaFilter = { externalTables: [], externalEnums: [] };

async function run<T>(target: MigrationTarget, paths: MigrationPaths, fn: (engine: SchemaEngine, dir: string) => Promise<T>): Promise<T> {
  const schemaPath = paths.schemaPath ?? defaultSchemaPath;
  const dir = paths.migrationsDir ?? defaultMigrationsDir;
  const factory = disposing(typeof target === 'string' ? pgMigrationAdapter(target) : pgliteMigrationAdapter(target));
  try {
    return await withSchemaEngine({ path: schemaPath, content: fs.readFileSync(schemaPath, 'utf8') }, bindMigrationAwareSqlAdapterFactory(factory), (engine) =>
      fn(engine, dir),
    );
  } finally {
    await factory.disposeAll();
  }
}

/**
 * Freeing the engine does not dispose its connections: a leaked pool keeps Prisma's own advisory
 * lock, and the next engine then waits its 10 s timeout. Track what the engine opened and close it.
 */
function disposing(factory: SqlMigrationAwareDriverAdapterFactory) {
  const open = new Set<SqlDriverAdapter>();
  const track = (a: SqlDriverAdapter): SqlDriverAdapter => {
    open.add(a);
    const dispose = a.dispose.bind(a);
    a.dispose = async () => {
      if (open.delete(a)) await dispose();
    };
    return a;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => track(await factory.connect()),
    connectToShadowDb: async () => track(await factory.connectToShadowDb()),
    disposeAll: async () => {
      await Promise.allSettled([...open].map((a) => a.dispose()));
    },
  };
}

async function withAdvisoryLock<T>(url: string, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client(pgConfigFromUrl(url));
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await fn();
  } finally {
    // Ending the session releases the lock even if the unlock query is never sent.
    await client.end();
  }
}

/** `migrate deploy`: applies pending migrations; returns the names applied now (empty when up to date). */
export async function migrate(target: MigrationTarget, paths: MigrationPaths = {}): Promise<string[]> {
  const deploy = () =>
    run(target, paths, async (engine, dir) => {
      const r = await engine.applyMigrations({ migrationsList: readMigrationsDir(dir), filters: noFilters });
      return r.appliedMigrationNames;
    });
  // PGlite needs no lock here: its data folder is already exclusive to this process (see data-dir-lock.ts).
  return typeof target === 'string' ? withAdvisoryLock(target, deploy) : deploy();
}

/**
 * `migrate dev --name`: applies pending migrations, writes a new migration for the schema's changes
 * (if any), then applies it. As `prisma migrate dev` does, the migrations' schema is first built in a
 * shadow database by `diagnoseMigrationHistory`: the wasm engine's `createMigration` has no adapter
 * factory of its own and only reads that cached schema (without it: "PostgreSQL shadow DB must be
 * provided through an external factory").
 */
export async function createMigration(
  target: MigrationTarget,
  name: string,
  paths: MigrationPaths = {},
): Promise<{ created: string | null; applied: string[] }> {
  const pending = await migrate(target, paths);
  const created = await run(target, paths, async (engine, dir) => {
    const migrationsList = readMigrationsDir(dir);
    const diag = await engine.devDiagnostic({ migrationsList, filters: noFilters });
    if (diag.action.tag === 'reset') throw new Error(`the database needs a reset: ${diag.action.reason}`);
    const history = await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: true, filters: noFilters });
    if (history.failedMigrationNames.length) throw new Error(`failed migrations in the database: ${history.failedMigrationNames.join(', ')}`);
    const schemaPath = paths.schemaPath ?? defaultSchemaPath;
    const schema = { files: [{ path: schemaPath, content: fs.readFileSync(schemaPath, 'utf8') }] };
    const r = await engine.createMigration({ draft: false, migrationName: name, migrationsList, schema, filters: noFilters });
    if (r.migrationScript == null) return null;
    writeMigration(migrationsList, r.generatedMigrationName, r.migrationScript, r.connectorType);
    return r.generatedMigrationName;
  });
  return { created, applied: [...pending, ...(created ? await migrate(target, paths) : [])] };
}

/** `migrate diff` from the migrations folder to the schema: the SQL still missing from migrations ('' if none). */
export async function diffMigrations(target: MigrationTarget, paths: MigrationPaths = {}): Promise<string> {
  return run(target, paths, async (engine, dir) => {
    const schemaPath = paths.schemaPath ?? defaultSchemaPath;
    const r = await engine.diff({
      from: { tag: 'migrations', ...readMigrationsDir(dir) },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: fs.readFileSync(schemaPath, 'utf8') }] },
      script: true,
      exitCode: true,
      filters: noFilters,
    });
    return r.exitCode === 2 ? (r.stdout ?? '') : '';
  });
}

/** `migrate status`: how the database's migration history compares with the folder. */
export async function migrationStatus(target: MigrationTarget, paths: MigrationPaths = {}): Promise<DiagnoseMigrationHistoryOutput> {
  return run(target, paths, (engine, dir) =>
    engine.diagnoseMigrationHistory({ migrationsList: readMigrationsDir(dir), optInToShadowDatabase: false, filters: noFilters }),
  );
}
