import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase, type Database } from '@switchboard/db';
import { freshDatabase, type FreshDatabase } from '@switchboard/db';
import { modelCases } from './model-cases.js';

describe('model on PostgreSQL', () => {
  let fresh: FreshDatabase;
  let db: Database;
  beforeAll(async () => {
    fresh = await freshDatabase();
    db = await openDatabase({ databaseUrl: fresh.url });
    await db.migrate();
  });
  afterAll(async () => {
    await db?.close();
    await fresh?.drop();
  });
  modelCases(
    () => db.prisma,
    () => db,
  );
});
