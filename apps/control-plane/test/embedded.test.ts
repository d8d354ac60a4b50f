// `npm start` on a machine without PostgreSQL: PGlite and a generated master key under DATA_DIR.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MasterKeyError, sealSeed } from '@switchboard/secrets';
import { createControlPlane, loadConfig, type Health } from '@switchboard/control-plane';

describe('embedded mode (no DATABASE_URL)', { timeout: 60_000 }, () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cp-embedded-'));
  });
  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps data and a 0600 master key under DATA_DIR, and will not replace a lost key over sealed seeds', async () => {
    // No master key in the config and no REDIS_URL: the key is made under DATA_DIR, Redis is not used.
    const config = loadConfig({ DATA_DIR: dataDir });
    const cp = await createControlPlane(config, { logger: false });
    try {
      const res = await cp.app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(200);
      const health = res.json<Health>();
      expect(health.checks).toEqual({ database: { status: 'up', kind: 'pglite' }, redis: { status: 'unused' } });
      const keyFile = path.join(dataDir, 'master.key');
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);

      // Seal a seed the way resources will, so the database now depends on that key.
      await cp.db.prisma.operator.create({
        data: { name: 'op', publicKey: 'OPUB', seedEnc: new Uint8Array(sealSeed(cp.keyring, 'OPUB', 'SOSEED')), jwt: 'j' },
      });
    } finally {
      await cp.close();
    }
    expect(fs.existsSync(path.join(dataDir, '.lock'))).toBe(false);

    fs.rmSync(path.join(dataDir, 'master.key'));
    await expect(createControlPlane(config, { logger: false })).rejects.toThrowError(MasterKeyError);
    // The failed start released the folder.
    expect(fs.existsSync(path.join(dataDir, '.lock'))).toBe(false);
  });
});
