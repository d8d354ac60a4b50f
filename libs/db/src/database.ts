// One entry point for the app: PostgreSQL when DATABASE_URL is set, else PGlite in-process under DATA_DIR.
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient, type Prisma } from './generated/client.js';
import { lockDataDir } from './data-dir-lock.js';
import { migrate, type MigrationPaths } from './migrate.js';
import { pgConfigFromUrl } from './pg-config.js';

/**
 * Encrypted seeds stay out of every query result unless a query asks for them with
 * `omit: { seedEnc: false }` (or a select): a handler that returns a row cannot leak one by accident.
 */
export const omitSeeds = {
  operator: { seedEnc: true, systemUserSeedEnc: true, apiTokenKeyEnc: true },
  operatorSigningKey: { seedEnc: true },
  account: { seedEnc: true },
  accountSigningKey: { seedEnc: true },
} as const satisfies Prisma.GlobalOmitConfig;

/**
 * A statement of a hot path, run by `Database.query`: prepared once per connection under its name
 * (one name, one text: `name` must be unique in the program).
 */
export interface Statement {
  name: string;
  text: string;
}

/** The Prisma client that openDatabase returns: seeds omitted by default. */
export type Db = PrismaClient<never, typeof omitSeeds>;

export interface DatabaseOptions {
  /** postgresql:// URL; wins over dataDir. */
  databaseUrl?: string;
  /** Folder of the embedded database (used when databaseUrl is absent). */
  dataDir?: string;
}

export interface Database {
  readonly prisma: Db;
  readonly kind: 'postgres' | 'pglite';
  /** Where the data lives, without credentials (safe to log). */
  readonly location: string;
  /** Applies pending migrations; returns the names applied now. */
  migrate(paths?: MigrationPaths): Promise<string[]>;
  /**
   * Runs one statement on the same connections as `prisma`, without Prisma's client: for the few
   * measured hot paths only (POST /users, signup and the token read of every request: 0.11 ms of CPU per
   * query instead of Prisma's 0.35, and PostgreSQL plans the statement once per connection).
   * Rows as the driver parses them: timestamptz as Date, json as values, int8 as string.
   */
  query<R>(statement: Statement, values: readonly unknown[]): Promise<R[]>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Interactive transactions: Prisma's defaults (2 s to get a connection, 5 s to finish) turn a
 * loaded host into 500s — the embedded database has one connection that transactions queue for, and
 * on a busy 2-core host a short transaction has taken over 5 s. Ours hold a few statements; these
 * bounds only catch one that is stuck.
 */
const transactionOptions = { maxWait: 10_000, timeout: 30_000 };

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl);
  if (opts.dataDir) return openPglite(opts.dataDir);
  throw new Error('no database configured: set DATABASE_URL, or DATA_DIR for the embedded database');
}

function openPostgres(url: string): Database {
  const cfg = pgConfigFromUrl(url);
  // One pool for Prisma and `query` (the adapter leaves a pool it was given open: closed here).
  const pool = new pg.Pool(cfg);
  // An idle connection that breaks (PostgreSQL restarted) is dropped by the pool; the next query
  // opens another. Without a listener the 'error' event would end the process.
  pool.on('error', () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), omit: omitSeeds, transactionOptions });
  return {
    prisma,
    kind: 'postgres',
    location: `postgresql://${cfg.host}:${cfg.port}/${cfg.database ?? ''}`,
    migrate: (paths) => migrate(url, paths),
    query: async <R>(st: Statement, values: readonly unknown[]) =>
      (await pool.query<R & pg.QueryResultRow>({ name: st.name, text: st.text, values: [...values] })).rows,
    ping: async () => {
      await prisma.$queryRawUnsafe('SELECT 1');
    },
    async close() {
      try {
        await prisma.$disconnect();
      } finally {
        await pool.end();
      }
    },
  };
}

/**
 * The embedded PostgreSQL, with PGlite's start parameters plus smaller caches: PostgreSQL's 128 MB
 * of shared_buffers lived in the WebAssembly memory, and made most of `npm start`'s resident size
 * (docs/footprint.md). A single-user embedded database needs a small buffer cache.
 */
export function createPglite(dataDir: string): Promise<PGlite> {
  const params = ['shared_buffers=16MB', 'wal_buffers=256kB', 'temp_buffers=1MB', 'work_mem=2MB', 'maintenance_work_mem=16MB'];
  return PGlite.create({
    dataDir: path.join(path.resolve(dataDir), 'pglite'),
    startParams: [...PGlite.defaultStartParams, ...params.flatMap((p) => ['-c', p])],
  });
}

async function openPglite(dataDir: string): Promise<Database> {
  const lock = lockDataDir(dataDir);
  let db: PGlite;
  try {
    db = await createPglite(dataDir);
  } catch (e) {
    lock.release();
    throw e;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db), omit: omitSeeds, transactionOptions });
  return {
    prisma,
    kind: 'pglite',
    location: `pglite:${path.resolve(dataDir)}`,
    migrate: (paths) => migrate(db, paths),
    query: async <R>(st: Statement, values: readonly unknown[]) => (await db.query<R>(st.text, [...values])).rows,
    ping: async () => {
      await prisma.$queryRawUnsafe('SELECT 1');
    },
    async close() {
      try {
        await prisma.$disconnect();
        if (!db.closed) await db.close();
      } finally {
        lock.release();
      }
    },
  };
}
