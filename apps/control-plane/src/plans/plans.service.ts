import { Inject, Injectable } from '@nestjs/common';
import type { Database, Plan } from '@switchboard/db';
import type { Limits } from '@switchboard/issuer';
import { AuditService } from '../audit/audit.service.js';
import { notFound, type Caller } from '../auth/caller.js';
import { pageOf, type Page, type Paging } from '../common/paging.js';
import { DATABASE } from '../tokens.js';
import { planLimits } from './plan-limits.js';
import type { CreatePlan, PlanView } from './plan.schema.js';

const view = (p: Plan): PlanView => ({ id: p.id, name: p.name, limits: planLimits(p), maxAccounts: p.maxAccounts, createdAt: p.createdAt });

const big = (n: number | undefined) => (n === undefined ? undefined : BigInt(n));

@Injectable()
export class PlansService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly audit: AuditService,
  ) {}

  list(p: Paging): Promise<Page<PlanView>> {
    return pageOf(p, (w) => this.db.prisma.plan.findMany({ orderBy: { name: 'asc' }, ...w }), () => this.db.prisma.plan.count(), view);
  }

  async get(id: string): Promise<PlanView> {
    const p = await this.db.prisma.plan.findUnique({ where: { id } });
    if (!p) throw notFound('plan');
    return view(p);
  }

  async create(caller: Caller, input: CreatePlan): Promise<PlanView> {
    const l = input.limits;
    return this.db.prisma.$transaction(async (tx) => {
      const plan = await tx.plan.create({
        data: {
          name: input.name,
          maxAccounts: input.maxAccounts,
          maxConnections: l.maxConnections,
          maxLeafNodes: l.maxLeafNodes,
          maxSubscriptions: l.maxSubscriptions,
          maxPayload: big(l.maxPayload),
          maxData: big(l.maxData),
          maxImports: l.maxImports,
          maxExports: l.maxExports,
          jsMemoryStorage: big(l.jsMemoryStorage),
          jsDiskStorage: big(l.jsDiskStorage),
          jsStreams: l.jsStreams,
          jsConsumers: l.jsConsumers,
          rateMsgs: big(l.rateMsgs),
          rateBytes: big(l.rateBytes),
          subsTotal: l.subsTotal,
          monthlyMsgs: big(l.monthlyMsgs),
          monthlyBytes: big(l.monthlyBytes),
        },
      });
      await this.audit.record(tx, caller, { action: 'plan.create', targetType: 'plan', targetId: plan.id, details: { name: plan.name } });
      return view(plan);
    });
  }
}
