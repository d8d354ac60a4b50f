// The environment of `npm run db:migrate` (libs/db's CLI): the one place this lib reads it.
import path from 'node:path';

export interface MigrateCliConfig {
  /** DATABASE_URL: PostgreSQL; unset = the embedded database under dataDir. */
  databaseUrl?: string;
  /** DATA_DIR (default ./.data), absolute. */
  dataDir: string;
}

export function loadMigrateCliConfig(env: NodeJS.ProcessEnv = process.env): MigrateCliConfig {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error('DATABASE_URL must be a postgresql:// URL');
  return { ...(databaseUrl ? { databaseUrl } : {}), dataDir: path.resolve(env.DATA_DIR || '.data') };
}
