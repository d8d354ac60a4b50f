import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerParam, Roles, type Caller } from '../auth/caller.js';
import { pagingSchema, type Page, type Paging } from '../common/paging.js';
import { ApiZodBody, ApiZodResponse, pageSchema } from '../common/openapi.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import {
  activationSchema,
  createExportSchema,
  type CreateActivation,
  type CreateExport,
  type ExportView,
  exportViewSchema,
  activationViewSchema,
} from './export.schema.js';
import { ExportsService } from './exports.service.js';

const uuid = new ParseUUIDPipe();

@ApiTags('exports')
@ApiBearerAuth()
@Controller('v1/accounts/:id/exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get()
  @ApiZodResponse(200, pageSchema(exportViewSchema))
  list(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Query(new ZodBodyPipe(pagingSchema)) p: Paging): Promise<Page<ExportView>> {
    return this.exports.list(c, id, p);
  }

  @Post()
  @ApiZodResponse(201, exportViewSchema)
  @Roles('operator_admin', 'tenant_admin')
  @ApiZodBody(createExportSchema)
  create(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Body(new ZodBodyPipe(createExportSchema)) body: CreateExport): Promise<ExportView> {
    return this.exports.create(c, id, body);
  }

  @Delete(':exportId')
  @ApiZodResponse(204)
  @Roles('operator_admin', 'tenant_admin')
  @HttpCode(204)
  remove(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Param('exportId', uuid) exportId: string): Promise<void> {
    return this.exports.remove(c, id, exportId);
  }

  @Post(':exportId/activations')
  @ApiZodResponse(201, activationViewSchema)
  @Roles('operator_admin', 'tenant_admin')
  @ApiOperation({ summary: 'Activation token letting another account import this (token-required) export' })
  @ApiZodBody(activationSchema)
  activate(
    @CallerParam() c: Caller,
    @Param('id', uuid) id: string,
    @Param('exportId', uuid) exportId: string,
    @Body(new ZodBodyPipe(activationSchema)) body: CreateActivation,
  ): Promise<{ token: string }> {
    return this.exports.activate(c, id, exportId, body);
  }
}
