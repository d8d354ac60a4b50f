// `npm run db:migrate -- …` as a process, against a fresh PostgreSQL database.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type FreshDatabase } from '@switchboard/db';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--conditions=@switchboard/source', '--import', 'tsx', 'libs/db/src/cli.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('db:migrate CLI', { timeout: 60_000 }, () => {
  let fresh: FreshDatabase;
  beforeAll(async () => {
    fresh = await freshDatabase();
  });
  afterAll(async () => {
    await fresh?.drop();
  });

  it('deploys, then reports a clean status', () => {
    const deploy = cli(['deploy'], { DATABASE_URL: fresh.url });
    expect(deploy.code, deploy.err).toBe(0);
    // Every migration folder in the repo is applied, oldest first.
    const names = fs
      .readdirSync(path.join(repoRoot, 'prisma/migrations'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(names[0]).toMatch(/^\d{14}_init$/);
    expect(deploy.out).toContain(`Applied ${names.length} migration(s): ${names.join(', ')}`);
    const status = cli(['status'], { DATABASE_URL: fresh.url });
    expect(status.code, status.err).toBe(0);
    expect(JSON.parse(status.out)).toMatchObject({ hasMigrationsTable: true, failedMigrationNames: [], history: null });
  });

  it('prints usage for an unknown command and a one-line error for a bad URL', () => {
    const usage = cli(['frobnicate'], { DATABASE_URL: fresh.url });
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('usage: db:migrate');
    const bad = cli(['deploy'], { DATABASE_URL: 'mysql://x@y/z' });
    expect(bad.code).toBe(1);
    expect(bad.err.trim()).toBe('db:migrate: DATABASE_URL must be a postgresql:// URL');
  });
});
