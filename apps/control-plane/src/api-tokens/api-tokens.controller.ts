import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerParam, Roles, type Caller } from '../auth/caller.js';
import type { Page } from '../common/paging.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { ApiZodBody, ApiZodResponse, pageSchema } from '../common/openapi.js';
import {
  createTokenSchema,
  listTokensSchema,
  type CreateToken,
  type ListTokens,
  type TokenView,
  tokenViewSchema,
  createdTokenSchema,
} from './api-token.schema.js';
import { ApiTokensService } from './api-tokens.service.js';

@ApiTags('tokens')
@ApiBearerAuth()
@Roles('operator_admin', 'tenant_admin')
@Controller('v1/tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Get()
  @ApiZodResponse(200, pageSchema(tokenViewSchema))
  list(@CallerParam() c: Caller, @Query(new ZodBodyPipe(listTokensSchema)) q: ListTokens): Promise<Page<TokenView>> {
    return this.tokens.list(c, q, q.tenant);
  }

  @Post()
  @ApiZodResponse(201, createdTokenSchema)
  @ApiOperation({ summary: 'New API token for the tenant (the token is shown once)' })
  @ApiZodBody(createTokenSchema)
  create(@CallerParam() c: Caller, @Body(new ZodBodyPipe(createTokenSchema)) body: CreateToken): Promise<{ id: string; token: string }> {
    return this.tokens.create(c, body);
  }

  @Delete(':id')
  @ApiZodResponse(204)
  @HttpCode(204)
  revoke(@CallerParam() c: Caller, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.tokens.revoke(c, id);
  }
}
