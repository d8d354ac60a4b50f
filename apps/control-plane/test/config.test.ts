import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@switchboard/control-plane';

describe('loadConfig', () => {
  it('has defaults for a machine with nothing configured', () => {
    const { consoleDir, ...rest } = loadConfig({});
    // The built console when apps/console/dist exists (after `npm run build`), else none.
    if (consoleDir !== undefined) expect(consoleDir).toBe(path.resolve('apps/console/dist'));
    expect(rest).toEqual({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: undefined,
      dataDir: path.resolve('.data'),
      redisUrl: undefined,
      queuePrefix: undefined,
      masterKey: undefined,
      masterKeyFile: undefined,
      adminToken: undefined,
      adminTokenFile: undefined,
      operatorName: 'switchboard',
      accountServerUrl: undefined,
      signupsPerHour: 20,
      sessionTtlMs: 43_200_000,
    });
    expect(loadConfig({ CONSOLE_DIR: 'x/y', SESSION_TTL_SECONDS: '60' })).toMatchObject({ consoleDir: path.resolve('x/y'), sessionTtlMs: 60_000 });
  });

  it('reads every variable and treats empty ones as unset', () => {
    const c = loadConfig({ PORT: '9000', DATABASE_URL: 'postgresql://u:p@db/x', DATA_DIR: '', REDIS_URL: 'rediss://r:6380', HOST: '127.0.0.1' });
    expect(c).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      databaseUrl: 'postgresql://u:p@db/x',
      dataDir: path.resolve('.data'),
      redisUrl: 'rediss://r:6380',
    });
  });

  it('is the one reader of the master key and queue settings', () => {
    const c = loadConfig({ SWITCHBOARD_MASTER_KEY: 'k1,k2', SWITCHBOARD_MASTER_KEY_FILE: 'keys/master', QUEUE_PREFIX: 'sb:x', REDIS_URL: 'redis://r:1' });
    expect(c).toMatchObject({ masterKey: 'k1,k2', masterKeyFile: path.resolve('keys/master'), queuePrefix: 'sb:x', redisUrl: 'redis://r:1' });
    expect(() => loadConfig({ QUEUE_PREFIX: 'has space' })).toThrowError(/QUEUE_PREFIX/);
  });

  it('names each bad variable without echoing secret values', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: '70000', DATABASE_URL: 'mysql://root:hunter2@db/x', REDIS_URL: 'http://x', SWITCHBOARD_ADMIN_TOKEN: 'short' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    for (const v of ['PORT', 'DATABASE_URL: must be a postgresql:// URL', 'REDIS_URL', 'SWITCHBOARD_ADMIN_TOKEN']) expect(msg).toContain(v);
    expect(msg).not.toContain('hunter2');
    expect(msg).not.toContain('short');
  });
});
