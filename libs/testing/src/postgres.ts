// A fresh PostgreSQL database per test file, migrated as the services migrate theirs, dropped after.
import { freshDatabase, openDatabase, type Database } from '@switchboard/db';

export interface TestDatabase {
  /** postgresql://… of the database (for processes under test). */
  url: string;
  name: string;
  /** Opened and migrated. */
  db: Database;
  /** Closes the connection and drops the database. */
  drop(): Promise<void>;
}

/** A new database `sb_test_<random>` on the machine's PostgreSQL (TEST_PG_URL), with the migrations applied. */
export async function testDatabase(): Promise<TestDatabase> {
  const fresh = await freshDatabase();
  try {
    const db = await openDatabase({ databaseUrl: fresh.url });
    await db.migrate();
    return {
      url: fresh.url,
      name: fresh.name,
      db,
      async drop() {
        await db.close();
        await fresh.drop();
      },
    };
  } catch (e) {
    await fresh.drop();
    throw e;
  }
}
