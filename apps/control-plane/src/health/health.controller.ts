// GET /healthz: 200 when the database and (if configured) Redis answer, else 503; JSON either way.
import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/caller.js';
import type { Health } from './health.schema.js';
import { HealthService } from './health.service.js';
import { ApiZodResponse } from '../common/openapi.js';
import { healthSchema } from './health.schema.js';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  @ApiZodResponse(200, healthSchema)
  @ApiOperation({ summary: 'Database and Redis status (200 up, 503 down)' })
  async get(@Res({ passthrough: true }) reply: FastifyReply): Promise<Health> {
    const h = await this.health.health();
    void reply.status(h.status === 'ok' ? 200 : 503);
    return h;
  }
}
