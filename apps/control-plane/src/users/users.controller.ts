import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerParam, Roles, type Caller } from '../auth/caller.js';
import { pagingSchema, type Page, type Paging } from '../common/paging.js';
import { ApiZodBody, ApiZodResponse, pageSchema } from '../common/openapi.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { createUserSchema, type CreateUser, type UserView, userViewSchema, revokedUserSchema } from './user.schema.js';
import { UsersService } from './users.service.js';

const uuid = new ParseUUIDPipe();

@ApiTags('users')
@ApiBearerAuth()
@Controller('v1/accounts/:id/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiZodResponse(200, pageSchema(userViewSchema))
  list(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Query(new ZodBodyPipe(pagingSchema)) p: Paging): Promise<Page<UserView>> {
    return this.users.list(c, id, p);
  }

  @Post()
  @ApiZodResponse(201, userViewSchema)
  @ApiOperation({ summary: 'Issue a user JWT for a public key made by the client (never send the seed)' })
  @ApiZodBody(createUserSchema)
  create(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Body(new ZodBodyPipe(createUserSchema)) body: CreateUser): Promise<UserView> {
    return this.users.create(c, id, body);
  }

  @Get(':userId')
  @ApiZodResponse(200, userViewSchema)
  get(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Param('userId', uuid) userId: string): Promise<UserView> {
    return this.users.get(c, id, userId);
  }

  @Post(':userId/revoke')
  @ApiZodResponse(200, revokedUserSchema)
  @Roles('operator_admin', 'tenant_admin')
  @HttpCode(200)
  revoke(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Param('userId', uuid) userId: string): Promise<{ revokedAt: Date }> {
    return this.users.revoke(c, id, userId);
  }
}
