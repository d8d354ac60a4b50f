// Against the machine's Redis (127.0.0.1:6379) and its installed redis-server binary.
import { describe, expect, it } from 'vitest';
import { checkRedis } from '@switchboard/worker';
import { canConnect, freePort, REDIS_URL } from '@switchboard/testing';
import { INSTALL_HINT, provideRedis, RedisMissingError } from '../src/redis.js';

async function deadUrl(): Promise<string> {
  return `redis://127.0.0.1:${await freePort()}`;
}

describe('provideRedis', () => {
  it('uses REDIS_URL when it answers', async () => {
    const r = await provideRedis({ url: REDIS_URL });
    expect(r).toMatchObject({ url: REDIS_URL, origin: 'REDIS_URL' });
    await r.stop();
  });

  it('never replaces an unreachable REDIS_URL with another Redis', async () => {
    const url = await deadUrl();
    await expect(provideRedis({ url, probeUrl: REDIS_URL })).rejects.toThrow(RedisMissingError);
    await expect(provideRedis({ url })).rejects.toThrow(/^REDIS_URL: cannot reach Redis/);
  });

  it('uses a Redis already running on the probed address', async () => {
    const r = await provideRedis({ probeUrl: REDIS_URL, redisServer: '/nonexistent/redis-server' });
    expect(r.origin).toBe('local');
  });

  it('says what to install when there is no Redis at all', async () => {
    const err = await provideRedis({ probeUrl: await deadUrl(), redisServer: '/nonexistent/redis-server' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisMissingError);
    expect((err as Error).message).toContain('no Redis found');
    expect((err as Error).message).toContain(INSTALL_HINT);
  });

  it('starts redis-server on a free port when none runs, and stops it', async () => {
    const r = await provideRedis({ probeUrl: await deadUrl() });
    expect(r.origin).toBe('started');
    await checkRedis(r.url);
    const port = Number(new URL(r.url).port);
    await r.stop();
    expect(await canConnect(port)).toBe(false);
  });

  it('reports a redis-server that exits at once', async () => {
    // `false` stands in for a broken binary: it exits 1 without output.
    const err = await provideRedis({ probeUrl: await deadUrl(), redisServer: 'false' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisMissingError);
    expect((err as Error).message).toMatch(/^false exited with code 1/);
  });
});
