import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CallerParam, Roles, type Caller } from '../auth/caller.js';
import { pagingSchema, type Page } from '../common/paging.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { ApiTokensService, createTokenSchema, type CreateToken, type TokenView } from './api-tokens.service.js';

const listSchema = pagingSchema.extend({ tenant: z.uuid().optional() });

@ApiTags('tokens')
@ApiBearerAuth()
@Roles('operator_admin', 'tenant_admin')
@Controller('v1/tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Get()
  list(@CallerParam() c: Caller, @Query(new ZodBodyPipe(listSchema)) q: z.infer<typeof listSchema>): Promise<Page<TokenView>> {
    return this.tokens.list(c, q, q.tenant);
  }

  @Post()
  @ApiOperation({ summary: 'New API token for the tenant (the token is shown once)' })
  @ApiBody({ schema: z.toJSONSchema(createTokenSchema, { target: 'openapi-3.0' }) as object })
  create(@CallerParam() c: Caller, @Body(new ZodBodyPipe(createTokenSchema)) body: CreateToken): Promise<{ id: string; token: string }> {
    return this.tokens.create(c, body);
  }

  @Delete(':id')
  @HttpCode(204)
  revoke(@CallerParam() c: Caller, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.tokens.revoke(c, id);
  }
}
