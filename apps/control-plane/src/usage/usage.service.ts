import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '@switchboard/db';
import { UsageStore, type QuotaState } from '@switchboard/usage';
import { AccountJwtService } from '../accounts/account-jwt.service.js';
import { AccountsService } from '../accounts/accounts.service.js';
import type { Caller } from '../auth/caller.js';
import { DATABASE } from '../tokens.js';
import type { UsageQuery, UsageView } from './usage.schema.js';

@Injectable()
export class UsageService {
  private readonly store: UsageStore;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly accounts: AccountsService,
    private readonly jwts: AccountJwtService,
  ) {
    this.store = new UsageStore(db.prisma);
  }

  /** What the brokers reported for an account the caller may see (another tenant's: 404). */
  async report(caller: Caller, id: string, q: UsageQuery): Promise<UsageView> {
    const account = await this.accounts.find(caller, id);
    const r = await this.store.report(account.publicKey, q.from, q.to);
    const plan = account.tenantId ? (await this.db.prisma.tenant.findUniqueOrThrow({ where: { id: account.tenantId }, include: { plan: true } })).plan : null;
    const limits = this.jwts.limitsOf({ limits: account.limits, tenant: plan ? { plan } : null });
    const quota: QuotaState = { monthlyMsgs: limits.monthlyMsgs, monthlyBytes: limits.monthlyBytes, overQuota: account.overQuotaSince !== null };
    return {
      accountId: id,
      publicKey: account.publicKey,
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      totals: r.totals,
      hourly: r.hourly,
      quota,
      leafNodes: { peak: r.totals.leafNodes, limit: limits.maxLeafNodes },
    };
  }
}
