// /v1/session: the console's sign-up, sign-in (cookie), who-am-I, tenant switch and sign-out.
import { Body, Controller, Delete, Get, HttpCode, Inject, Ip, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CallerParam, Public, ReadOnlyOk, Roles, type Caller } from '../auth/caller.js';
import { ApiZodBody, ApiZodResponse } from '../common/openapi.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import type { ControlPlaneConfig } from '../config.js';
import { TooManyRequestsException } from '../common/too-many-requests.js';
import { FixedWindowLimiter } from '../signup/fixed-window.js';
import { CONFIG } from '../tokens.js';
import { clearSessionCookies, setSessionCookies } from './cookies.js';
import {
  consoleSignupSchema,
  operatorSchema,
  signInSchema,
  switchTenantSchema,
  type ConsoleSignup,
  type NewOperator,
  type OpenedSession,
  type SessionView,
  type SignIn,
  type SwitchTenant,
  startedSessionSchema,
  sessionViewSchema,
  newOperatorSchema,
} from './session.schema.js';
import { SessionsService } from './sessions.service.js';

@ApiTags('session')
@Controller('v1/session')
export class SessionsController {
  private readonly signups: FixedWindowLimiter;

  constructor(
    private readonly sessions: SessionsService,
    @Inject(CONFIG) config: ControlPlaneConfig,
  ) {
    this.signups = new FixedWindowLimiter(config.signupsPerHour, 3_600_000);
  }

  private started(req: FastifyRequest, reply: FastifyReply, s: OpenedSession): { csrfToken: string; expiresAt: Date } {
    setSessionCookies(req, reply, s.secret, s.csrfToken, s.expiresAt);
    return { csrfToken: s.csrfToken, expiresAt: s.expiresAt };
  }

  @Post('signup')
  @ApiZodResponse(201, startedSessionSchema)
  @Public()
  @ApiOperation({ summary: 'Console sign-up: organization (tenant + first account) and its owner; signs in (cookie)' })
  @ApiZodBody(consoleSignupSchema)
  async signUp(
    @Ip() ip: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body(new ZodBodyPipe(consoleSignupSchema)) body: ConsoleSignup,
  ) {
    if (!this.signups.take(ip)) throw new TooManyRequestsException('Too many sign-ups from this address. Try again later.', this.signups.retryAfterMs(ip));
    return this.started(req, reply, await this.sessions.signUp(body));
  }

  @Post()
  @ApiZodResponse(200, startedSessionSchema)
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password: sets the session cookie (rate-limited per email and address)' })
  @ApiZodBody(signInSchema)
  async signIn(
    @Ip() ip: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body(new ZodBodyPipe(signInSchema)) body: SignIn,
  ) {
    return this.started(req, reply, await this.sessions.signIn(body, ip));
  }

  @Get()
  @ApiZodResponse(200, sessionViewSchema)
  @ApiOperation({ summary: 'The signed-in person, the tenant the session acts in, memberships, CSRF token' })
  view(@CallerParam() c: Caller): Promise<SessionView> {
    return this.sessions.view(c);
  }

  @Post('tenant')
  @ApiZodResponse(204)
  @ReadOnlyOk()
  @HttpCode(204)
  @ApiZodBody(switchTenantSchema)
  switchTenant(@CallerParam() c: Caller, @Body(new ZodBodyPipe(switchTenantSchema)) body: SwitchTenant): Promise<void> {
    return this.sessions.switchTenant(c, body.tenantId);
  }

  @Delete()
  @ApiZodResponse(204)
  @ReadOnlyOk()
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: the session is revoked on the server and the cookies cleared' })
  async signOut(@CallerParam() c: Caller, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.sessions.signOut(c);
    clearSessionCookies(req, reply);
  }

  @Post('operators')
  @ApiZodResponse(201, newOperatorSchema)
  @Roles('operator_admin')
  @ApiOperation({ summary: 'Make an operator person (sign-in for the operator); bootstrap it with the first start admin token' })
  @ApiZodBody(operatorSchema)
  createOperator(@CallerParam() c: Caller, @Body(new ZodBodyPipe(operatorSchema)) body: NewOperator): Promise<{ id: string; email: string }> {
    return this.sessions.createOperator(c, body);
  }
}
