// Database and Redis probes for /healthz, each bounded so a hung dependency answers "down" quickly.
// Without Redis (`npm start`'s embedded mode: propagation jobs in-process) the redis check reads "unused".
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Database } from '@switchboard/db';
import { DATABASE, REDIS } from '../tokens.js';
import type { Check, Health } from './health.schema.js';

const CHECK_TIMEOUT_MS = 2000;

async function check(probe: () => Promise<unknown>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { status: 'up' };
  } catch (e) {
    return { status: 'down', error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class HealthService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  async health(): Promise<Health> {
    const r = this.redis;
    const [database, redis] = await Promise.all([check(() => this.db.ping()), r ? check(() => r.ping()) : Promise.resolve<Check>({ status: 'unused' })]);
    const ok = database.status === 'up' && redis.status !== 'down';
    return { status: ok ? 'ok' : 'unavailable', checks: { database: { ...database, kind: this.db.kind }, redis } };
  }
}
