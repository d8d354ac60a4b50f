// `npm run db:migrate -- <deploy | dev --name N | diff | status>` against DATABASE_URL, or the embedded
// database under DATA_DIR (default ./.data) when DATABASE_URL is unset.
import { parseArgs } from 'node:util';
import { loadMigrateCliConfig } from './config.js';
import { createPglite } from './database.js';
import { lockDataDir } from './data-dir-lock.js';
import { createMigration, diffMigrations, migrate, migrationStatus, type MigrationTarget } from './migrate.js';

const usage = 'usage: db:migrate -- <deploy | dev --name <name> | diff | status> [--schema <file>] [--migrations <dir>]';

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, schema: { type: 'string' }, migrations: { type: 'string' } },
  });
  const cmd = positionals[0];
  if (!cmd || !['deploy', 'dev', 'diff', 'status'].includes(cmd)) {
    console.error(usage);
    return 2;
  }
  if (cmd === 'dev' && !values.name) {
    console.error('dev needs --name <name>');
    return 2;
  }
  const paths = { schemaPath: values.schema, migrationsDir: values.migrations };
  let target: MigrationTarget;
  let close = async () => {};
  const cfg = loadMigrateCliConfig();
  if (cfg.databaseUrl) {
    target = cfg.databaseUrl;
  } else {
    const lock = lockDataDir(cfg.dataDir);
    const db = await createPglite(cfg.dataDir);
    target = db;
    close = async () => {
      await db.close();
      lock.release();
    };
  }
  try {
    switch (cmd) {
      case 'deploy': {
        const applied = await migrate(target, paths);
        console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'No pending migrations');
        return 0;
      }
      case 'dev': {
        const r = await createMigration(target, values.name!, paths);
        console.log(r.created ? `Created ${r.created}` : 'No schema changes');
        if (r.applied.length) console.log(`Applied ${r.applied.join(', ')}`);
        return 0;
      }
      case 'diff': {
        const sql = await diffMigrations(target, paths);
        process.stdout.write(sql || '-- migrations match the schema\n');
        return sql ? 2 : 0;
      }
      default: {
        console.log(JSON.stringify(await migrationStatus(target, paths), null, 2));
        return 0;
      }
    }
  } finally {
    await close();
  }
}

// The wasm engine leaves a ~10 s timer behind: exit explicitly.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`db:migrate: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
