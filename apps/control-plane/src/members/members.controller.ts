// /v1/members and /v1/invites: who is in the tenant, with which role; invite links to add people.
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CallerParam, Public, Roles, type Caller } from '../auth/caller.js';
import type { Page } from '../common/paging.js';
import { ApiZodBody, ApiZodResponse, pageSchema } from '../common/openapi.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { setSessionCookies } from '../sessions/cookies.js';
import {
  acceptInviteSchema,
  createInviteSchema,
  inviteTokenSchema,
  memberListSchema,
  patchMemberSchema,
  type AcceptInvite,
  type CreateInvite,
  type InviteView,
  type MemberList,
  type MemberView,
  type PatchMember,
  memberViewSchema,
  inviteViewSchema,
  createdInviteSchema,
  invitePreviewSchema,
} from './member.schema.js';
import { MembersService } from './members.service.js';
import { startedSessionSchema } from '../sessions/session.schema.js';

const uuid = new ParseUUIDPipe();

@ApiTags('members')
@Controller('v1/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @ApiZodResponse(200, pageSchema(memberViewSchema))
  list(@CallerParam() c: Caller, @Query(new ZodBodyPipe(memberListSchema)) q: MemberList): Promise<Page<MemberView>> {
    return this.members.list(c, q, q.tenant);
  }

  @Patch(':id')
  @ApiZodResponse(200, memberViewSchema)
  @Roles('operator_admin', 'tenant_admin')
  @ApiZodBody(patchMemberSchema)
  patch(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Body(new ZodBodyPipe(patchMemberSchema)) body: PatchMember): Promise<MemberView> {
    return this.members.patch(c, id, body);
  }

  @Delete(':id')
  @ApiZodResponse(204)
  @Roles('operator_admin', 'tenant_admin')
  @HttpCode(204)
  remove(@CallerParam() c: Caller, @Param('id', uuid) id: string): Promise<void> {
    return this.members.remove(c, id);
  }
}

@ApiTags('members')
@Controller('v1/invites')
export class InvitesController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @ApiZodResponse(200, pageSchema(inviteViewSchema))
  @Roles('operator_admin', 'tenant_admin')
  list(@CallerParam() c: Caller, @Query(new ZodBodyPipe(memberListSchema)) q: MemberList): Promise<Page<InviteView>> {
    return this.members.invites(c, q, q.tenant);
  }

  @Post()
  @ApiZodResponse(201, createdInviteSchema)
  @Roles('operator_admin', 'tenant_admin')
  @ApiOperation({ summary: 'New invite link with a role (the token is shown once; the link is <console>/#/invite/<token>)' })
  @ApiZodBody(createInviteSchema)
  create(@CallerParam() c: Caller, @Body(new ZodBodyPipe(createInviteSchema)) body: CreateInvite): Promise<InviteView & { token: string }> {
    return this.members.invite(c, body);
  }

  @Delete(':id')
  @ApiZodResponse(204)
  @Roles('operator_admin', 'tenant_admin')
  @HttpCode(204)
  revoke(@CallerParam() c: Caller, @Param('id', uuid) id: string): Promise<void> {
    return this.members.revokeInvite(c, id);
  }

  @Post('preview')
  @ApiZodResponse(200, invitePreviewSchema)
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'The organization and role an invite token is for (the token is in the body, not the URL, to stay out of logs)' })
  preview(@Body(new ZodBodyPipe(inviteTokenSchema)) body: { token: string }) {
    return this.members.preview(body.token);
  }

  @Post('accept')
  @ApiZodResponse(200, startedSessionSchema)
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Join with an invite token: new email → new person with this password; known email → its password. Signs in.' })
  @ApiZodBody(acceptInviteSchema)
  async accept(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body(new ZodBodyPipe(acceptInviteSchema)) body: AcceptInvite) {
    const s = await this.members.accept(body);
    setSessionCookies(req, reply, s.secret, s.csrfToken, s.expiresAt);
    return { csrfToken: s.csrfToken, expiresAt: s.expiresAt };
  }
}
