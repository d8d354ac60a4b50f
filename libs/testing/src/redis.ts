// A Redis key prefix of its own per test on the machine's shared Redis, and its removal after.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis tests use (TEST_REDIS_URL, default the machine's 127.0.0.1:6379). */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `<label>-<random>`: a prefix no other run uses (BullMQ queues, keys). */
export function redisPrefix(label = 'sbtest'): string {
  return `${label}-${randomBytes(5).toString('hex')}`;
}

/** Deletes every key starting with `prefix` (SCAN, not KEYS); returns how many went. */
export async function dropRedisKeys(prefix: string, url = REDIS_URL): Promise<number> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await r.connect();
  try {
    let dropped = 0;
    for await (const keys of r.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) dropped += await r.del(...keys);
    }
    return dropped;
  } finally {
    r.disconnect();
  }
}
