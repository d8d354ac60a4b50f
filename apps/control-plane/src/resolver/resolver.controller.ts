// nats-server's URL account resolver: GET <base><account public key> -> the JWT, 404 if unknown.
// No auth (account JWTs are public by design); nats-server also probes the base URL at startup.
import { Controller, Get, Header, NotFoundException, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/caller.js';
import { ResolverService } from './resolver.service.js';

@ApiExcludeController()
@Public()
@Controller('jwt/v1')
export class ResolverController {
  constructor(private readonly resolver: ResolverService) {}

  @Get('accounts')
  @Header('content-type', 'text/plain; charset=utf-8')
  base(): string {
    return '';
  }

  @Get('accounts/:publicKey')
  @Header('content-type', 'application/jwt')
  async account(@Param('publicKey') publicKey: string): Promise<string> {
    const jwt = await this.resolver.accountJwt(publicKey);
    if (!jwt) throw new NotFoundException('account not found');
    return jwt;
  }

  @Get('operator')
  @Header('content-type', 'application/jwt')
  operatorJwt(): Promise<string> {
    return this.resolver.operatorJwt();
  }
}
