import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '@switchboard/db';
import { UsageStore, type HourlyUsage, type UsageCounters } from '@switchboard/usage';
import { AccountsService } from '../accounts/accounts.service.js';
import type { Caller } from '../auth/caller.js';
import { DATABASE } from '../tokens.js';
import type { UsageQuery } from './usage.schema.js';

export interface UsageView {
  accountId: string;
  publicKey: string;
  from: string;
  to: string;
  totals: UsageCounters;
  hourly: HourlyUsage[];
}

@Injectable()
export class UsageService {
  private readonly store: UsageStore;

  constructor(
    @Inject(DATABASE) db: Database,
    private readonly accounts: AccountsService,
  ) {
    this.store = new UsageStore(db.prisma);
  }

  /** What the brokers reported for an account the caller may see (another tenant's: 404). */
  async report(caller: Caller, id: string, q: UsageQuery): Promise<UsageView> {
    const account = await this.accounts.find(caller, id);
    const r = await this.store.report(account.publicKey, q.from, q.to);
    return { accountId: id, publicKey: account.publicKey, from: q.from.toISOString(), to: q.to.toISOString(), totals: r.totals, hourly: r.hourly };
  }
}
