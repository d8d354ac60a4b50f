import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerParam, type Caller } from '../auth/caller.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { usageQuerySchema, type UsageQuery, type UsageView, usageViewSchema } from './usage.schema.js';
import { UsageService } from './usage.service.js';
import { ApiZodResponse } from '../common/openapi.js';

@ApiTags('usage')
@ApiBearerAuth()
@Controller('v1/accounts')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get(':id/usage')
  @ApiZodResponse(200, usageViewSchema)
  @ApiOperation({
    summary: 'Hourly usage reported by the brokers (?from=&to=, ISO 8601; default: this month)',
    description: 'msgs/bytes in and out, connections opened and throttled time summed over brokers; connections and subscriptions are peaks.',
  })
  get(@CallerParam() c: Caller, @Param('id', new ParseUUIDPipe()) id: string, @Query(new ZodBodyPipe(usageQuerySchema)) q: UsageQuery): Promise<UsageView> {
    return this.usage.report(c, id, q);
  }
}
