// `npm start` on a machine without PostgreSQL: PGlite and a generated master key under DATA_DIR.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MasterKeyError, sealSeed, type Keyring } from '@switchboard/secrets';
import type { Database } from '@switchboard/db';
import { createApp, DATABASE, KEYRING, loadConfig, type Health } from '@switchboard/control-plane';

describe('embedded mode (no DATABASE_URL)', { timeout: 60_000 }, () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cp-embedded-'));
  });
  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps data and a 0600 master key under DATA_DIR, and will not replace a lost key over sealed seeds', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, REDIS_URL: 'redis://127.0.0.1:1' });
    const env = { SWITCHBOARD_MASTER_KEY: process.env.SWITCHBOARD_MASTER_KEY, SWITCHBOARD_MASTER_KEY_FILE: process.env.SWITCHBOARD_MASTER_KEY_FILE };
    delete process.env.SWITCHBOARD_MASTER_KEY;
    delete process.env.SWITCHBOARD_MASTER_KEY_FILE;
    try {
      const app = await createApp(config, { logger: false });
      try {
        const health = (await app.inject({ method: 'GET', url: '/healthz' })).json<Health>();
        expect(health.checks.database).toEqual({ status: 'up', kind: 'pglite' });
        const keyFile = path.join(dataDir, 'master.key');
        expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);

        // Seal a seed the way resources will, so the database now depends on that key.
        const keyring = app.get<Keyring>(KEYRING);
        const db = app.get<Database>(DATABASE);
        await db.prisma.operator.create({ data: { name: 'op', publicKey: 'OPUB', seedEnc: new Uint8Array(sealSeed(keyring, 'OPUB', 'SOSEED')), jwt: 'j' } });
      } finally {
        await app.close();
      }
      expect(fs.existsSync(path.join(dataDir, '.lock'))).toBe(false);

      fs.rmSync(path.join(dataDir, 'master.key'));
      await expect(createApp(config, { logger: false })).rejects.toThrowError(MasterKeyError);
      // The failed start released the folder.
      expect(fs.existsSync(path.join(dataDir, '.lock'))).toBe(false);
    } finally {
      Object.assign(process.env, Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)));
    }
  });
});
