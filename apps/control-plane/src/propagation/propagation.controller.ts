import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerParam, Roles, type Caller } from '../auth/caller.js';
import { PropagationService, type PropagationStatus } from './propagation.service.js';
import { ApiZodResponse } from '../common/openapi.js';
import { propagationStatusSchema, replayedSchema } from './propagation.schema.js';

@ApiTags('propagation')
@ApiBearerAuth()
@Roles('operator_admin')
@Controller('v1/propagation')
export class PropagationController {
  constructor(private readonly propagation: PropagationService) {}

  @Get()
  @ApiZodResponse(200, propagationStatusSchema)
  @ApiOperation({ summary: 'Account JWT pushes waiting, running, retrying; dead letters with reasons' })
  status(): Promise<PropagationStatus> {
    return this.propagation.status();
  }

  @Post('replay')
  @ApiZodResponse(200, replayedSchema)
  @HttpCode(200)
  @ApiOperation({ summary: 'Queue every dead-lettered account again (after the broker is fixed)' })
  replay(@CallerParam() c: Caller): Promise<{ replayed: number }> {
    return this.propagation.replay(c);
  }
}
