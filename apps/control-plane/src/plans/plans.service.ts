import { Inject, Injectable } from '@nestjs/common';
import type { Database, Plan } from '@switchboard/db';
import { AuditService } from '../audit/audit.service.js';
import { notFound, type Caller } from '../auth/caller.js';
import { pageOf, type Page, type Paging } from '../common/paging.js';
import { DATABASE } from '../tokens.js';
import { planLimits, planRow } from './plan-limits.js';
import type { CreatePlan, PatchPlan, PlanView } from './plan.schema.js';
import { AccountJwtService } from '../accounts/account-jwt.service.js';

const view = (p: Plan): PlanView => ({ id: p.id, name: p.name, limits: planLimits(p), maxAccounts: p.maxAccounts, createdAt: p.createdAt });

@Injectable()
export class PlansService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly audit: AuditService,
    private readonly jwts: AccountJwtService,
  ) {}

  list(p: Paging): Promise<Page<PlanView>> {
    return pageOf(
      p,
      (w) => this.db.prisma.plan.findMany({ orderBy: { name: 'asc' }, ...w }),
      () => this.db.prisma.plan.count(),
      view,
    );
  }

  async get(id: string): Promise<PlanView> {
    const p = await this.db.prisma.plan.findUnique({ where: { id } });
    if (!p) throw notFound('plan');
    return view(p);
  }

  /** How many tenants and accounts a change of this plan re-signs (the console's confirmation). */
  async impact(id: string): Promise<{ tenants: number; accounts: number }> {
    await this.get(id);
    const [tenants, accounts] = await Promise.all([
      this.db.prisma.tenant.count({ where: { planId: id } }),
      this.db.prisma.account.count({ where: { tenant: { planId: id } } }),
    ]);
    return { tenants, accounts };
  }

  /** New limits: every account of every tenant on the plan is re-signed and pushed to the brokers. */
  async patch(caller: Caller, id: string, input: PatchPlan): Promise<PlanView & { accountsChanged: number }> {
    const l = input.limits ?? {};
    return this.jwts.transact(async (tx, touch) => {
      if (!(await tx.plan.findUnique({ where: { id }, select: { id: true } }))) throw notFound('plan');
      const plan = await tx.plan.update({
        where: { id },
        data: {
          maxAccounts: input.maxAccounts,
          ...planRow(l),
        },
      });
      const accounts = await tx.account.findMany({ where: { tenant: { planId: id } }, select: { id: true } });
      for (const a of accounts) await touch(a.id);
      await this.audit.record(tx, caller, {
        action: 'plan.update',
        targetType: 'plan',
        targetId: id,
        details: { name: plan.name, limits: l, maxAccounts: input.maxAccounts, accountsChanged: accounts.length },
      });
      return { ...view(plan), accountsChanged: accounts.length };
    });
  }

  async create(caller: Caller, input: CreatePlan): Promise<PlanView> {
    const l = input.limits;
    return this.db.prisma.$transaction(async (tx) => {
      const plan = await tx.plan.create({
        data: {
          name: input.name,
          maxAccounts: input.maxAccounts,
          ...planRow(l),
        },
      });
      await this.audit.record(tx, caller, { action: 'plan.create', targetType: 'plan', targetId: plan.id, details: { name: plan.name } });
      return view(plan);
    });
  }
}
