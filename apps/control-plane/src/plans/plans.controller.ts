import { Body, Controller, Get, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AdminGuard } from '../common/admin.guard.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { createPlanSchema, type CreatePlan } from './plan.schema.js';
import { PlansService, type PlanView } from './plans.service.js';

@ApiTags('plans')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('v1/plans')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Get()
  @ApiOperation({ summary: 'List plans' })
  list(): Promise<PlanView[]> {
    return this.plans.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a plan' })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<PlanView> {
    return this.plans.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a plan (limits: -1 = unlimited)' })
  @ApiBody({ schema: z.toJSONSchema(createPlanSchema, { target: 'openapi-3.0' }) as object })
  create(@Body(new ZodBodyPipe(createPlanSchema)) body: CreatePlan): Promise<PlanView> {
    return this.plans.create(body);
  }
}
