// nats-server's URL account resolver: GET <base><account public key> -> the JWT, 404 if unknown.
// No auth (account JWTs are public by design); nats-server also probes the base URL at startup.
import { Controller, Get, Header, Inject, NotFoundException, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Database } from '@switchboard/db';
import { isAccountKey } from '@switchboard/nats-jwt';
import { OperatorService } from '../operator/operator.service.js';
import { DATABASE } from '../tokens.js';
import { Public } from '../auth/caller.js';

@ApiExcludeController()
@Public()
@Controller('jwt/v1')
export class ResolverController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly operator: OperatorService,
  ) {}

  @Get('accounts')
  @Header('content-type', 'text/plain; charset=utf-8')
  base(): string {
    return '';
  }

  @Get('accounts/:publicKey')
  @Header('content-type', 'application/jwt')
  async account(@Param('publicKey') publicKey: string): Promise<string> {
    const a = isAccountKey(publicKey) ? await this.db.prisma.account.findUnique({ where: { publicKey }, select: { jwt: true } }) : null;
    if (!a?.jwt) throw new NotFoundException('account not found');
    return a.jwt;
  }

  @Get('operator')
  @Header('content-type', 'application/jwt')
  async operatorJwt(): Promise<string> {
    return (await this.operator.view()).jwt;
  }
}
