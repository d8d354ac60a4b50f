// One entry point for the app: PostgreSQL when DATABASE_URL is set, else PGlite in-process under DATA_DIR.
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
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
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl);
  if (opts.dataDir) return openPglite(opts.dataDir);
  throw new Error('no database configured: set DATABASE_URL, or DATA_DIR for the embedded database');
}

function openPostgres(url: string): Database {
  const cfg = pgConfigFromUrl(url);
  const prisma = new PrismaClient({ adapter: new PrismaPg(cfg), omit: omitSeeds });
  return {
    prisma,
    kind: 'postgres',
    location: `postgresql://${cfg.host}:${cfg.port}/${cfg.database ?? ''}`,
    migrate: (paths) => migrate(url, paths),
    ping: async () => {
      await prisma.$queryRawUnsafe('SELECT 1');
    },
    close: () => prisma.$disconnect(),
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
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db), omit: omitSeeds });
  return {
    prisma,
    kind: 'pglite',
    location: `pglite:${path.resolve(dataDir)}`,
    migrate: (paths) => migrate(db, paths),
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
