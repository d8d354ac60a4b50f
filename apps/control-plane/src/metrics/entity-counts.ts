// Tenants, accounts and users for /metrics: counted in the database, but at most once per
// `minAgeMs` and only when this instance changed something since, or the last count is older than
// `maxAgeMs` (another instance's changes). A scrape never waits for more than one count, and a
// busy API does not turn every scrape into three table counts.
import type { Db } from '@switchboard/db';

export interface EntityCounts {
  tenants: Record<string, number>;
  accounts: number;
  users: { active: number; revoked: number };
}

export class EntityCounter {
  private last: { at: number; counts: EntityCounts } | null = null;
  private pending: Promise<EntityCounts> | null = null;
  private stale = true;

  constructor(
    private readonly db: Db,
    private readonly minAgeMs = 1_000,
    private readonly maxAgeMs = 30_000,
  ) {}

  /** Something changed here: count again on the next scrape (not sooner than minAgeMs after the last). */
  changed(): void {
    this.stale = true;
  }

  get(): Promise<EntityCounts> {
    if (this.pending) return this.pending; // one scrape's gauges share one count
    const age = this.last ? Date.now() - this.last.at : Infinity;
    if (this.last && (age < this.minAgeMs || (!this.stale && age < this.maxAgeMs))) return Promise.resolve(this.last.counts);
    this.pending = this.count().finally(() => (this.pending = null));
    return this.pending;
  }

  private async count(): Promise<EntityCounts> {
    this.stale = false;
    const p = this.db;
    const [tenants, accounts, active, revoked] = await Promise.all([
      p.tenant.groupBy({ by: ['status'], _count: { _all: true } }),
      p.account.count(),
      p.user.count({ where: { revokedAt: null } }),
      p.user.count({ where: { revokedAt: { not: null } } }),
    ]);
    const counts: EntityCounts = {
      tenants: { active: 0, suspended: 0, ...Object.fromEntries(tenants.map((t) => [t.status, t._count._all])) },
      accounts,
      users: { active, revoked },
    };
    this.last = { at: Date.now(), counts };
    return counts;
  }
}
