import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStackConfig, StackConfigError } from '../src/config.js';

describe('loadStackConfig', () => {
  it('has the documented defaults', () => {
    const c = loadStackConfig({});
    expect(c).toEqual({
      port: 8080,
      natsPort: 4222,
      natsHttpPort: 8222,
      host: '0.0.0.0',
      dataDir: path.resolve('.data'),
      adminTokenFile: path.resolve('.data', 'admin-token'),
      brokerName: 'local',
      controlPlaneEnv: {},
    });
  });

  it('reads every variable; empty ones count as unset', () => {
    const c = loadStackConfig({
      PORT: '9000',
      NATS_PORT: '5222',
      NATS_HTTP_PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: '/tmp/sb',
      DATABASE_URL: 'postgresql://u@h/db',
      REDIS_URL: 'redis://h:1',
      SWITCHBOARD_ADMIN_TOKEN_FILE: '',
      SWITCHBOARD_BROKER_NAME: 'edge-1',
      QUEUE_PREFIX: 'sb:test',
    });
    expect(c).toMatchObject({ port: 9000, natsPort: 5222, natsHttpPort: 0, host: '127.0.0.1', dataDir: '/tmp/sb', adminTokenFile: '/tmp/sb/admin-token' });
    expect(c).toMatchObject({ databaseUrl: 'postgresql://u@h/db', redisUrl: 'redis://h:1', brokerName: 'edge-1', queuePrefix: 'sb:test' });
  });

  it('names every bad variable at once, without echoing values that may hold secrets', () => {
    let err: unknown;
    try {
      loadStackConfig({ PORT: 'http', NATS_PORT: '70000', NATS_HTTP_PORT: '-1', DATABASE_URL: 'mysql://root:hunter2@h/db', REDIS_URL: 'memcached://x' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StackConfigError);
    const msg = (err as Error).message;
    for (const v of ['PORT must', 'NATS_PORT must', 'NATS_HTTP_PORT must', 'DATABASE_URL must', 'REDIS_URL must']) expect(msg).toContain(v);
    expect(msg).not.toContain('hunter2');
  });

  it('refuses two listeners on one port', () => {
    expect(() => loadStackConfig({ PORT: '4222' })).toThrow(/PORT, NATS_PORT and NATS_HTTP_PORT must differ/);
    expect(() => loadStackConfig({ NATS_HTTP_PORT: '0', PORT: '8222' })).not.toThrow();
  });

  it('checks the broker name and queue prefix', () => {
    expect(() => loadStackConfig({ SWITCHBOARD_BROKER_NAME: 'has space' })).toThrow(/SWITCHBOARD_BROKER_NAME/);
    expect(() => loadStackConfig({ QUEUE_PREFIX: 'a b' })).toThrow(/QUEUE_PREFIX/);
  });
});
