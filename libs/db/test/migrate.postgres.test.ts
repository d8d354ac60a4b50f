import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, diffMigrations, migrate, migrationStatus } from '@switchboard/db';
import { freshDatabase, type FreshDatabase } from '@switchboard/db';

const migrationNames = fs
  .readdirSync(defaultMigrationsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

async function appliedRows(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name');
    return r.rows.map((row) => row.migration_name);
  } finally {
    await c.end();
  }
}

describe('migrate on PostgreSQL', () => {
  const dbs: FreshDatabase[] = [];
  let a: FreshDatabase;
  let b: FreshDatabase;

  beforeAll(async () => {
    a = await freshDatabase();
    b = await freshDatabase();
    dbs.push(a, b);
  });
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.drop()));
  });

  it('applies every migration once; a second deploy is a no-op', async () => {
    expect(migrationNames.length).toBeGreaterThan(0);
    expect(await migrate(a.url)).toEqual(migrationNames);
    expect(await migrate(a.url)).toEqual([]);
    expect(await appliedRows(a.url)).toEqual(migrationNames);
    const status = await migrationStatus(a.url);
    expect(status.hasMigrationsTable).toBe(true);
    expect(status.history).toBeNull();
    expect(status.failedMigrationNames).toEqual([]);
  });

  it('two concurrent deploys apply each migration exactly once', async () => {
    const [x, y] = await Promise.all([migrate(b.url), migrate(b.url)]);
    expect([...x, ...y].sort()).toEqual(migrationNames);
    expect(await appliedRows(b.url)).toEqual(migrationNames);
  });

  it('the migrations folder matches prisma/schema.prisma (diff is empty)', async () => {
    expect(await diffMigrations(a.url)).toBe('');
  });

  it('diff reports schema changes that have no migration yet', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-schema-'));
    try {
      const schemaPath = path.join(dir, 'schema.prisma');
      const schema = fs.readFileSync(path.resolve(defaultMigrationsDir, '../schema.prisma'), 'utf8');
      fs.writeFileSync(schemaPath, `${schema}\nmodel Extra {\n  id Int @id\n  @@map("extra")\n}\n`);
      expect(await diffMigrations(a.url, { schemaPath })).toMatch(/CREATE TABLE "extra"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says clearly when the database cannot be reached', async () => {
    await expect(migrate('postgresql://postgres@127.0.0.1:1/nope')).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});
