import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerParam, Roles, type Caller } from '../auth/caller.js';
import { pagingSchema, type Page, type Paging } from '../common/paging.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { createPlanSchema, patchPlanSchema, type CreatePlan, type PatchPlan, type PlanView } from './plan.schema.js';
import { PlansService } from './plans.service.js';

@ApiTags('plans')
@ApiBearerAuth()
@Controller('v1/plans')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Get()
  @ApiOperation({ summary: 'List plans' })
  list(@Query(new ZodBodyPipe(pagingSchema)) p: Paging): Promise<Page<PlanView>> {
    return this.plans.list(p);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a plan' })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<PlanView> {
    return this.plans.get(id);
  }

  @Get(':id/impact')
  @Roles('operator_admin')
  @ApiOperation({ summary: 'How many tenants and accounts a change of this plan re-signs' })
  impact(@Param('id', new ParseUUIDPipe()) id: string): Promise<{ tenants: number; accounts: number }> {
    return this.plans.impact(id);
  }

  @Patch(':id')
  @Roles('operator_admin')
  @ApiOperation({ summary: "Change a plan's limits: every account on it is re-signed and pushed live" })
  @ApiZodBody(patchPlanSchema)
  patch(@CallerParam() c: Caller, @Param('id', new ParseUUIDPipe()) id: string, @Body(new ZodBodyPipe(patchPlanSchema)) body: PatchPlan) {
    return this.plans.patch(c, id, body);
  }

  @Post()
  @Roles('operator_admin')
  @ApiOperation({ summary: 'Create a plan (limits: -1 = unlimited)' })
  @ApiZodBody(createPlanSchema)
  create(@CallerParam() c: Caller, @Body(new ZodBodyPipe(createPlanSchema)) body: CreatePlan): Promise<PlanView> {
    return this.plans.create(c, body);
  }
}
