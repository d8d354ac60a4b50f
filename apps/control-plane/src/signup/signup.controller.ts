import { Body, Controller, Inject, Ip, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/caller.js';
import type { ControlPlaneConfig } from '../config.js';
import { TooManyRequestsException } from '../common/too-many-requests.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { CONFIG } from '../tokens.js';
import { FixedWindowLimiter } from './fixed-window.js';
import { ApiZodBody, ApiZodResponse } from '../common/openapi.js';
import { signupSchema, type Signup, type SignupResult } from './signup.schema.js';
import { signupResultSchema } from '../tenants/tenant.schema.js';
import { SignupService } from './signup.service.js';

@ApiTags('signup')
@Controller('v1/signup')
export class SignupController {
  private readonly limiter: FixedWindowLimiter;

  constructor(
    private readonly signups: SignupService,
    @Inject(CONFIG) config: ControlPlaneConfig,
  ) {
    this.limiter = new FixedWindowLimiter(config.signupsPerHour, 3_600_000);
  }

  @Post()
  @ApiZodResponse(201, signupResultSchema)
  @Public()
  @ApiOperation({ summary: 'Create a tenant, its first NATS account and a tenant_admin API token (shown once)' })
  @ApiZodBody(signupSchema)
  signup(@Ip() ip: string, @Body(new ZodBodyPipe(signupSchema)) body: Signup): Promise<SignupResult> {
    if (!this.limiter.take(ip)) throw new TooManyRequestsException('too many signups from this address; try again later', this.limiter.retryAfterMs(ip));
    return this.signups.signup(body);
  }
}
