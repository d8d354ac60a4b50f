import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Database, Plan, Tenant } from '@switchboard/db';
import { AccountJwtService } from '../accounts/account-jwt.service.js';
import { AuditService } from '../audit/audit.service.js';
import { isOperator, notFound, type Caller } from '../auth/caller.js';
import { byAge, pageOf, type Page, type Paging } from '../common/paging.js';
import { DATABASE } from '../tokens.js';
import type { PatchTenant, TenantView } from './tenant.schema.js';

export const tenantView = (t: Pick<Tenant, 'id' | 'name' | 'email' | 'createdAt'> & { status: string; plan: Pick<Plan, 'name'> }): TenantView => ({
  id: t.id,
  name: t.name,
  email: t.email,
  plan: t.plan.name,
  status: t.status,
  createdAt: t.createdAt,
});

@Injectable()
export class TenantsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly jwts: AccountJwtService,
    private readonly audit: AuditService,
  ) {}

  /** `q` matches name or email, case-insensitively. */
  async list(p: Paging, q?: string): Promise<Page<TenantView>> {
    const where = q ? { OR: [{ name: { contains: q, mode: 'insensitive' as const } }, { email: { contains: q, mode: 'insensitive' as const } }] } : {};
    return pageOf(
      p,
      (w) => this.db.prisma.tenant.findMany({ where, include: { plan: true }, orderBy: byAge, ...w }),
      () => this.db.prisma.tenant.count({ where }),
      tenantView,
    );
  }

  async get(caller: Caller, id: string): Promise<TenantView> {
    if (!isOperator(caller) && caller.tenantId !== id) throw notFound('tenant');
    const t = await this.db.prisma.tenant.findUnique({ where: { id }, include: { plan: true } });
    if (!t) throw notFound('tenant');
    return tenantView(t);
  }

  /** A plan change re-signs every account of the tenant with the new limits; suspending revokes all its users (resuming undoes it). */
  async patch(caller: Caller, id: string, input: PatchTenant): Promise<TenantView> {
    return this.jwts.transact(async (tx, touch) => {
      const t = await tx.tenant.findUnique({ where: { id }, include: { accounts: { select: { id: true } } } });
      if (!t) throw notFound('tenant');
      let planId: string | undefined;
      if (input.plan !== undefined) {
        const plan = await tx.plan.findUnique({ where: { name: input.plan } });
        if (!plan) throw new BadRequestException({ message: 'validation failed', details: [{ field: 'plan', message: `no plan named ${input.plan}` }] });
        planId = plan.id;
      }
      const updated = await tx.tenant.update({ where: { id }, data: { planId, status: input.status }, include: { plan: true } });
      // Limits come from the plan and suspension revokes every user: either change re-signs all its accounts.
      const replan = planId !== undefined && planId !== t.planId;
      const restatus = input.status !== undefined && input.status !== t.status;
      if (replan || restatus) for (const a of t.accounts) await touch(a.id);
      await this.audit.record(tx, caller, { tenantId: id, action: 'tenant.update', targetType: 'tenant', targetId: id, details: input });
      return tenantView(updated);
    });
  }

  async remove(caller: Caller, id: string): Promise<void> {
    const gone = await this.db.prisma.$transaction(async (tx) => {
      const t = await tx.tenant.findUnique({ where: { id }, include: { accounts: { select: { publicKey: true } } } });
      if (!t) throw notFound('tenant');
      await tx.tenant.delete({ where: { id } });
      await this.audit.record(tx, caller, { tenantId: id, action: 'tenant.delete', targetType: 'tenant', targetId: id, details: { name: t.name } });
      return t.accounts.map((a) => a.publicKey);
    });
    await this.jwts.announce(gone);
  }
}
