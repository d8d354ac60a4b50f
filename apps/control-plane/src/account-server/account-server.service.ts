import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '@switchboard/db';
import { isAccountKey } from '@switchboard/nats-jwt';
import { OperatorService } from '../operator/operator.service.js';
import { DATABASE } from '../tokens.js';

/** What nats-server's URL resolver reads: public JWTs only. */
@Injectable()
export class AccountServerService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly operator: OperatorService,
  ) {}

  /** The account's current JWT; undefined for anything that is not one of our account keys. */
  async accountJwt(publicKey: string): Promise<string | undefined> {
    if (!isAccountKey(publicKey)) return undefined;
    const a = await this.db.prisma.account.findUnique({ where: { publicKey }, select: { jwt: true } });
    return a?.jwt || undefined;
  }

  async operatorJwt(): Promise<string> {
    return (await this.operator.view()).jwt;
  }
}
