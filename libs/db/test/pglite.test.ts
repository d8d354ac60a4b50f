// Embedded default: one PGlite per file (first start costs seconds and ~850 MB).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, defaultMigrationsDir, openDatabase, type Database } from '@switchboard/db';
import { modelCases } from './model-cases.js';

const migrationNames = fs
  .readdirSync(defaultMigrationsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('embedded PGlite under DATA_DIR', { timeout: 60_000 }, () => {
  let dataDir: string;
  let db: Database;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-pglite-'));
    db = await openDatabase({ dataDir });
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('applies the migrations, and a second run is a no-op', async () => {
    expect(db.kind).toBe('pglite');
    expect(await db.migrate()).toEqual(migrationNames);
    expect(await db.migrate()).toEqual([]);
    await db.ping();
  });

  it('refuses a second opener of the same folder', async () => {
    await expect(openDatabase({ dataDir })).rejects.toThrowError(DataDirLockedError);
  });

  modelCases(
    () => db.prisma,
    () => db,
  );

  it('keeps data across a close and reopen, with nothing left to migrate', async () => {
    const plan = await db.prisma.plan.create({ data: { name: 'persisted' } });
    await db.close();
    expect(fs.existsSync(path.join(dataDir, '.lock'))).toBe(false);
    db = await openDatabase({ dataDir });
    expect(await db.migrate()).toEqual([]);
    expect((await db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } })).name).toBe('persisted');
  });
});
