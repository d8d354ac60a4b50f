// `migrate dev`: an added model becomes a migration whose SQL applies (PostgreSQL and PGlite).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from 'vitest';
import { createMigration, defaultMigrationsDir, defaultSchemaPath, freshDatabase, type MigrationTarget } from '@switchboard/db';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A copy of the migrations folder and a schema with one more model, in a temporary folder. */
function workspace(): { schemaPath: string; migrationsDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-migrate-dev-'));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const migrationsDir = path.join(dir, 'migrations');
  fs.cpSync(defaultMigrationsDir, migrationsDir, { recursive: true });
  const schemaPath = path.join(dir, 'schema.prisma');
  const schema = fs.readFileSync(defaultSchemaPath, 'utf8');
  fs.writeFileSync(schemaPath, `${schema}\nmodel Widget {\n  id    Int    @id\n  label String\n  @@map("widgets")\n}\n`);
  return { schemaPath, migrationsDir };
}

async function check(target: MigrationTarget, query: (sql: string) => Promise<unknown[]>): Promise<void> {
  const paths = workspace();
  const before = fs.readdirSync(paths.migrationsDir).filter((n) => !n.endsWith('.toml'));
  const r = await createMigration(target, 'widgets', paths);
  expect(r.created).toMatch(/^\d{14}_widgets$/);
  const sql = fs.readFileSync(path.join(paths.migrationsDir, r.created!, 'migration.sql'), 'utf8');
  expect(sql).toMatch(/CREATE TABLE "widgets"/);
  expect(sql).not.toMatch(/CREATE TABLE "accounts"/); // only the change, not the whole schema
  expect(r.applied).toEqual([...before.sort(), r.created]);
  await query(`INSERT INTO widgets (id, label) VALUES (1, 'a')`);
  expect(await query('SELECT label FROM widgets')).toEqual([{ label: 'a' }]);
  // Nothing left to do: a second run creates nothing.
  expect(await createMigration(target, 'again', paths)).toEqual({ created: null, applied: [] });
}

describe('createMigration (migrate dev)', { timeout: 120_000 }, () => {
  it('on a fresh PostgreSQL database', async () => {
    const db = await freshDatabase();
    cleanups.push(() => db.drop());
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    cleanups.push(() => client.end());
    await check(db.url, async (sql) => (await client.query(sql)).rows);
  });

  it('on a fresh PGlite', async () => {
    const db = await PGlite.create('memory://');
    cleanups.push(() => db.close());
    await check(db, async (sql) => (await db.query(sql)).rows);
  });
});
