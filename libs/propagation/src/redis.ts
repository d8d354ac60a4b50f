import { Redis } from 'ioredis';

/** An ioredis connection as BullMQ workers need it (no per-command retry limit: blocking commands wait). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}
