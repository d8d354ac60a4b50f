// GET /healthz: 200 when the database and Redis both answer, else 503; JSON either way.
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { Database } from '@switchboard/db';
import { DATABASE, REDIS } from '../tokens.js';
import { Public } from '../auth/caller.js';

export interface Check {
  status: 'up' | 'down';
  error?: string;
}

export interface Health {
  status: 'ok' | 'unavailable';
  checks: { database: Check & { kind: Database['kind'] }; redis: Check };
}

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

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get('healthz')
  @ApiOperation({ summary: 'Database and Redis status (200 up, 503 down)' })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<Health> {
    const [database, redis] = await Promise.all([check(() => this.db.ping()), check(() => this.redis.ping())]);
    const ok = database.status === 'up' && redis.status === 'up';
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks: { database: { ...database, kind: this.db.kind }, redis } };
  }
}
