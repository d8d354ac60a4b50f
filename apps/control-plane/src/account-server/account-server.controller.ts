// The account server nats-server's URL resolver fetches from (the operator JWT's account_server_url):
// GET <base><account public key> -> the JWT, 404 if unknown.
// No auth (account JWTs are public by design); nats-server also probes the base URL at startup.
import { Controller, Get, Header, NotFoundException, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/caller.js';
import { AccountServerService } from './account-server.service.js';
import { ApiZodResponse } from '../common/openapi.js';

@ApiTags('account-server')
@Public()
@Controller('jwt/v1')
export class AccountServerController {
  constructor(private readonly jwts: AccountServerService) {}

  @Get('accounts')
  @ApiOperation({ summary: "The resolver's base URL (nats-server probes it at start): empty 200" })
  @ApiZodResponse(200, undefined, 'text/plain')
  @Header('content-type', 'text/plain; charset=utf-8')
  base(): string {
    return '';
  }

  @Get('accounts/:publicKey')
  @ApiOperation({ summary: "An account's current JWT (nats-server's URL resolver), 404 if unknown; no auth: account JWTs are public" })
  @ApiZodResponse(200, undefined, 'application/jwt')
  @Header('content-type', 'application/jwt')
  async account(@Param('publicKey') publicKey: string): Promise<string> {
    const jwt = await this.jwts.accountJwt(publicKey);
    if (!jwt) throw new NotFoundException('account not found');
    return jwt;
  }

  @Get('operator')
  @ApiOperation({ summary: 'The operator JWT' })
  @ApiZodResponse(200, undefined, 'application/jwt')
  @Header('content-type', 'application/jwt')
  operatorJwt(): Promise<string> {
    return this.jwts.operatorJwt();
  }
}
