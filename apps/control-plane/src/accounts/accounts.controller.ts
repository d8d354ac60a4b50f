import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerParam, Roles, type Caller } from '../auth/caller.js';
import type { Page } from '../common/paging.js';
import { ApiZodBody, ApiZodResponse, pageSchema } from '../common/openapi.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import {
  createAccountSchema,
  listAccountsSchema,
  patchAccountSchema,
  signingKeyParamSchema,
  type AccountView,
  type CreateAccount,
  type ListAccounts,
  type PatchAccount,
  accountViewSchema,
  signingKeyViewSchema,
} from './account.schema.js';
import { AccountsService } from './accounts.service.js';

const uuid = new ParseUUIDPipe();
const signingKeyParam = new ZodBodyPipe(signingKeyParamSchema, 'publicKey');

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @ApiZodResponse(200, pageSchema(accountViewSchema))
  @ApiOperation({ summary: "The caller's tenant's accounts (operator admins: all, or ?tenant=)" })
  list(@CallerParam() c: Caller, @Query(new ZodBodyPipe(listAccountsSchema)) q: ListAccounts): Promise<Page<AccountView>> {
    return this.accounts.list(c, q);
  }

  @Post()
  @ApiZodResponse(201, accountViewSchema)
  @Roles('operator_admin', 'tenant_admin')
  @ApiZodBody(createAccountSchema)
  create(@CallerParam() c: Caller, @Body(new ZodBodyPipe(createAccountSchema)) body: CreateAccount): Promise<AccountView> {
    return this.accounts.create(c, body);
  }

  @Get(':id')
  @ApiZodResponse(200, accountViewSchema)
  get(@CallerParam() c: Caller, @Param('id', uuid) id: string): Promise<AccountView> {
    return this.accounts.get(c, id);
  }

  @Patch(':id')
  @ApiZodResponse(200, accountViewSchema)
  @Roles('operator_admin')
  @ApiOperation({ summary: "Override the plan's limits for this account (null removes an override)" })
  @ApiZodBody(patchAccountSchema)
  patch(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Body(new ZodBodyPipe(patchAccountSchema)) body: PatchAccount): Promise<AccountView> {
    return this.accounts.patch(c, id, body);
  }

  @Delete(':id')
  @ApiZodResponse(204)
  @Roles('operator_admin', 'tenant_admin')
  @HttpCode(204)
  remove(@CallerParam() c: Caller, @Param('id', uuid) id: string): Promise<void> {
    return this.accounts.remove(c, id);
  }

  @Get(':id/jwt')
  @ApiZodResponse(200, undefined, 'text/plain')
  @Header('content-type', 'text/plain; charset=utf-8')
  jwt(@CallerParam() c: Caller, @Param('id', uuid) id: string): Promise<string> {
    return this.accounts.jwt(c, id);
  }

  @Post(':id/signing-keys')
  @ApiZodResponse(201, signingKeyViewSchema)
  @Roles('operator_admin', 'tenant_admin')
  @ApiOperation({ summary: 'Add an account signing key (?rotate=true also revokes the others)' })
  addSigningKey(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Query('rotate') rotate?: string): Promise<{ publicKey: string }> {
    return this.accounts.addSigningKey(c, id, rotate === 'true');
  }

  @Delete(':id/signing-keys/:publicKey')
  @ApiZodResponse(204)
  @Roles('operator_admin', 'tenant_admin')
  @HttpCode(204)
  revokeSigningKey(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Param('publicKey', signingKeyParam) pk: string): Promise<void> {
    return this.accounts.revokeSigningKey(c, id, pk);
  }
}
