import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CallerParam, Roles, type Caller } from '../auth/caller.js';
import type { Page } from '../common/paging.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { ApiZodBody } from '../common/openapi.js';
import { listTenantsSchema, patchTenantSchema, type ListTenants, type PatchTenant, type TenantView } from './tenant.schema.js';
import { TenantsService } from './tenants.service.js';

const uuid = new ParseUUIDPipe();

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Get()
  @Roles('operator_admin')
  list(@Query(new ZodBodyPipe(listTenantsSchema)) p: ListTenants): Promise<Page<TenantView>> {
    return this.tenants.list(p, p.q);
  }

  @Get(':id')
  get(@CallerParam() c: Caller, @Param('id', uuid) id: string): Promise<TenantView> {
    return this.tenants.get(c, id);
  }

  @Patch(':id')
  @Roles('operator_admin')
  @ApiZodBody(patchTenantSchema)
  patch(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Body(new ZodBodyPipe(patchTenantSchema)) body: PatchTenant): Promise<TenantView> {
    return this.tenants.patch(c, id, body);
  }

  @Delete(':id')
  @Roles('operator_admin')
  @HttpCode(204)
  remove(@CallerParam() c: Caller, @Param('id', uuid) id: string): Promise<void> {
    return this.tenants.remove(c, id);
  }
}
