// Tests give each stack its own BullMQ prefix on the shared Redis; this removes its keys after.
import { Redis } from 'ioredis';

export async function dropQueueKeys(redisUrl: string, prefix: string): Promise<number> {
  const r = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await r.connect();
  try {
    let dropped = 0;
    for await (const keys of r.scanStream({ match: `${prefix}:*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) dropped += await r.del(...keys);
    }
    return dropped;
  } finally {
    r.disconnect();
  }
}
