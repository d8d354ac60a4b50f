import { BadRequestException, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { ApiToken, Database } from '@switchboard/db';
import { AuditService } from '../audit/audit.service.js';
import { isOperator, notFound, type Caller } from '../auth/caller.js';
import { byAge, pageOf, type Page, type Paging } from '../common/paging.js';
import { OperatorService } from '../operator/operator.service.js';
import { DATABASE } from '../tokens.js';
import type { CreateToken, TokenView } from './api-token.schema.js';
import { durationField, tenantScopeProblem } from '@switchboard/issuer';

const view = (t: ApiToken): TokenView => ({
  id: t.id,
  name: t.name,
  role: t.role,
  tenantId: t.tenantId,
  createdAt: t.createdAt,
  expiresAt: t.expiresAt,
  revokedAt: t.revokedAt,
});

@Injectable()
export class ApiTokensService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly operator: OperatorService,
    private readonly audit: AuditService,
  ) {}

  private tenantOf(caller: Caller, requested?: string): string {
    if (!isOperator(caller)) {
      // A tenant token makes tokens for its own tenant only; naming another is refused, not ignored.
      const scope = tenantScopeProblem(caller.tenantId, requested);
      if (scope) throw new ForbiddenException(`tenantId: ${scope}`);
      return caller.tenantId!;
    }
    if (!requested) throw new BadRequestException({ message: 'validation failed', details: [{ field: 'tenantId', message: 'required for operator admins' }] });
    return requested;
  }

  async list(caller: Caller, p: Paging, tenant?: string): Promise<Page<TokenView>> {
    const where = isOperator(caller) ? (tenant ? { tenantId: tenant } : {}) : { tenantId: caller.tenantId! };
    return pageOf(
      p,
      (w) => this.db.prisma.apiToken.findMany({ where, orderBy: byAge, ...w }),
      () => this.db.prisma.apiToken.count({ where }),
      view,
    );
  }

  async create(caller: Caller, input: CreateToken): Promise<{ id: string; token: string }> {
    const tenantId = this.tenantOf(caller, input.tenantId);
    const expiresAt = input.expiresIn ? new Date(Date.now() + durationField(input.expiresIn, 'expiresIn')) : undefined;
    return this.db.prisma.$transaction(async (tx) => {
      if (!(await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }))) throw notFound('tenant');
      const t = await this.operator.mint(tx, { role: input.role, name: input.name, tenantId, memberId: caller.memberId, expiresAt });
      await this.audit.record(tx, caller, {
        tenantId,
        action: 'token.create',
        targetType: 'api_token',
        targetId: t.id,
        details: { name: input.name, role: input.role },
      });
      return t;
    });
  }

  async revoke(caller: Caller, id: string): Promise<void> {
    await this.db.prisma.$transaction(async (tx) => {
      const t = await tx.apiToken.findFirst({ where: { id, ...(isOperator(caller) ? {} : { tenantId: caller.tenantId! }) } });
      if (!t) throw notFound('token');
      if (!t.revokedAt) await tx.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
      await this.audit.record(tx, caller, { tenantId: t.tenantId, action: 'token.revoke', targetType: 'api_token', targetId: id, details: { name: t.name } });
    });
  }
}
