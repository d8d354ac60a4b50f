import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dropRedisKeys, REDIS_URL, redisPrefix, testDatabase } from '../src/index.js';

describe('testDatabase', () => {
  it('is a new migrated database, gone after drop()', async () => {
    const t = await testDatabase();
    expect(t.name).toMatch(/^sb_test_[0-9a-f]{12}$/);
    expect(await t.db.prisma.account.count()).toBe(0);
    await t.drop();
    const admin = new pg.Client({ connectionString: process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    try {
      expect((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [t.name])).rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });
});

describe('Redis prefix', () => {
  it('is unique per call, and dropRedisKeys removes its keys only', async () => {
    const [p, other] = [redisPrefix('kit'), redisPrefix('kit')];
    expect(p).not.toBe(other);
    expect(p).toMatch(/^kit-[0-9a-f]{10}$/);
    const r = new Redis(REDIS_URL);
    try {
      await r.mset(`${p}:a`, '1', `${p}:b`, '2', `${other}:a`, '3');
      expect(await dropRedisKeys(p)).toBe(2);
      expect(await r.exists(`${p}:a`, `${p}:b`)).toBe(0);
      expect(await r.get(`${other}:a`)).toBe('3');
    } finally {
      await r.del(`${other}:a`);
      r.disconnect();
    }
  });
});
