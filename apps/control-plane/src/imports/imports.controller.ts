import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CallerParam, Roles, type Caller } from '../auth/caller.js';
import { pagingSchema, type Page, type Paging } from '../common/paging.js';
import { ApiZodBody, ApiZodResponse, pageSchema } from '../common/openapi.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { createImportSchema, type CreateImport, type ImportView, importViewSchema } from './import.schema.js';
import { ImportsService } from './imports.service.js';

const uuid = new ParseUUIDPipe();

@ApiTags('imports')
@ApiBearerAuth()
@Controller('v1/accounts/:id/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Get()
  @ApiZodResponse(200, pageSchema(importViewSchema))
  list(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Query(new ZodBodyPipe(pagingSchema)) p: Paging): Promise<Page<ImportView>> {
    return this.imports.list(c, id, p);
  }

  @Post()
  @ApiZodResponse(201, importViewSchema)
  @Roles('operator_admin', 'tenant_admin')
  @ApiZodBody(createImportSchema)
  create(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Body(new ZodBodyPipe(createImportSchema)) body: CreateImport): Promise<ImportView> {
    return this.imports.create(c, id, body);
  }

  @Delete(':importId')
  @ApiZodResponse(204)
  @Roles('operator_admin', 'tenant_admin')
  @HttpCode(204)
  remove(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Param('importId', uuid) importId: string): Promise<void> {
    return this.imports.remove(c, id, importId);
  }
}
