import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerParam, Roles, type Caller } from '../auth/caller.js';
import { pagingSchema, type Page, type Paging } from '../common/paging.js';
import { ApiZodBody, ApiZodResponse, pageSchema } from '../common/openapi.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import {
  createPlanSchema,
  patchPlanSchema,
  type CreatePlan,
  type PatchPlan,
  type PlanView,
  planViewSchema,
  planImpactSchema,
  patchedPlanSchema,
} from './plan.schema.js';
import { PlansService } from './plans.service.js';

@ApiTags('plans')
@ApiBearerAuth()
@Controller('v1/plans')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Get()
  @ApiZodResponse(200, pageSchema(planViewSchema))
  @ApiOperation({ summary: 'List plans' })
  list(@Query(new ZodBodyPipe(pagingSchema)) p: Paging): Promise<Page<PlanView>> {
    return this.plans.list(p);
  }

  @Get(':id')
  @ApiZodResponse(200, planViewSchema)
  @ApiOperation({ summary: 'Get a plan' })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<PlanView> {
    return this.plans.get(id);
  }

  @Get(':id/impact')
  @ApiZodResponse(200, planImpactSchema)
  @Roles('operator_admin')
  @ApiOperation({ summary: 'How many tenants and accounts a change of this plan re-signs' })
  impact(@Param('id', new ParseUUIDPipe()) id: string): Promise<{ tenants: number; accounts: number }> {
    return this.plans.impact(id);
  }

  @Patch(':id')
  @ApiZodResponse(200, patchedPlanSchema)
  @Roles('operator_admin')
  @ApiOperation({ summary: "Change a plan's limits: every account on it is re-signed and pushed live" })
  @ApiZodBody(patchPlanSchema)
  patch(@CallerParam() c: Caller, @Param('id', new ParseUUIDPipe()) id: string, @Body(new ZodBodyPipe(patchPlanSchema)) body: PatchPlan) {
    return this.plans.patch(c, id, body);
  }

  @Post()
  @ApiZodResponse(201, planViewSchema)
  @Roles('operator_admin')
  @ApiOperation({ summary: 'Create a plan (limits: -1 = unlimited)' })
  @ApiZodBody(createPlanSchema)
  create(@CallerParam() c: Caller, @Body(new ZodBodyPipe(createPlanSchema)) body: CreatePlan): Promise<PlanView> {
    return this.plans.create(c, body);
  }
}
