import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerParam, Roles, type Caller } from '../auth/caller.js';
import type { Page } from '../common/paging.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { ApiZodBody, ApiZodResponse, pageSchema } from '../common/openapi.js';
import type { SignupResult } from '../signup/signup.schema.js';
import { SignupService } from '../signup/signup.service.js';
import {
  createTenantSchema,
  listTenantsSchema,
  patchTenantSchema,
  type CreateTenant,
  type ListTenants,
  type PatchTenant,
  type TenantView,
  tenantViewSchema,
  signupResultSchema,
} from './tenant.schema.js';
import { TenantsService } from './tenants.service.js';

const uuid = new ParseUUIDPipe();

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('v1/tenants')
export class TenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly signups: SignupService,
  ) {}

  @Get()
  @ApiZodResponse(200, pageSchema(tenantViewSchema))
  @Roles('operator_admin')
  list(@Query(new ZodBodyPipe(listTenantsSchema)) p: ListTenants): Promise<Page<TenantView>> {
    return this.tenants.list(p, p.q);
  }

  @Post()
  @ApiZodResponse(201, signupResultSchema)
  @Roles('operator_admin')
  @ApiOperation({ summary: 'Create a tenant with its first account and a tenant_admin API token (shown once); not rate-limited' })
  @ApiZodBody(createTenantSchema)
  create(@CallerParam() c: Caller, @Body(new ZodBodyPipe(createTenantSchema)) body: CreateTenant): Promise<SignupResult> {
    return this.signups.signup(body, undefined, c);
  }

  @Get(':id')
  @ApiZodResponse(200, tenantViewSchema)
  get(@CallerParam() c: Caller, @Param('id', uuid) id: string): Promise<TenantView> {
    return this.tenants.get(c, id);
  }

  @Patch(':id')
  @ApiZodResponse(200, tenantViewSchema)
  @Roles('operator_admin')
  @ApiZodBody(patchTenantSchema)
  patch(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Body(new ZodBodyPipe(patchTenantSchema)) body: PatchTenant): Promise<TenantView> {
    return this.tenants.patch(c, id, body);
  }

  @Delete(':id')
  @ApiZodResponse(204)
  @Roles('operator_admin')
  @HttpCode(204)
  remove(@CallerParam() c: Caller, @Param('id', uuid) id: string): Promise<void> {
    return this.tenants.remove(c, id);
  }
}
