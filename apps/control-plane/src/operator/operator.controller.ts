import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { OperatorView } from './operator.schema.js';
import { OperatorService } from './operator.service.js';
import { ApiZodResponse } from '../common/openapi.js';
import { operatorViewSchema } from './operator.schema.js';

@ApiTags('operator')
@ApiBearerAuth()
@Controller('v1/operator')
export class OperatorController {
  constructor(private readonly operator: OperatorService) {}

  @Get()
  @ApiZodResponse(200, operatorViewSchema)
  @ApiOperation({ summary: 'The operator and system account JWTs (to configure a nats-server in operator mode)' })
  get(): Promise<OperatorView> {
    return this.operator.view();
  }
}
