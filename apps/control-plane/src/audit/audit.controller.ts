import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerParam, Roles, type Caller } from '../auth/caller.js';
import { pagingSchema, type Paging, type Page } from '../common/paging.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import type { AuditView } from './audit.schema.js';
import { AuditService } from './audit.service.js';
import { ApiZodResponse, pageSchema } from '../common/openapi.js';
import { auditViewSchema } from './audit.schema.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiZodResponse(200, pageSchema(auditViewSchema))
  @Roles('operator_admin', 'tenant_admin')
  @ApiOperation({ summary: 'Audit log: everything for operators, the own tenant for tenant admins (newest first)' })
  list(@CallerParam() caller: Caller, @Query(new ZodBodyPipe(pagingSchema)) p: Paging): Promise<Page<AuditView>> {
    return this.audit.list(caller, p);
  }
}
