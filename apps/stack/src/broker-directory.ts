// The worker's broker list, read from the control plane's `brokers` table (what /v1/brokers
// manages) at each job, so a broker registered while the stack runs gets the next pushes.
import type { Db } from '@switchboard/db';
import type { BrokerDirectory } from '@switchboard/propagation';

export class DbBrokers implements BrokerDirectory {
  constructor(private readonly db: Db) {}

  async brokers(): Promise<readonly string[]> {
    const rows = await this.db.broker.findMany({ select: { url: true }, orderBy: { name: 'asc' } });
    return [...new Set(rows.map((r) => r.url))];
  }

  /** Adds or updates this stack's own broker under `name`. */
  async register(name: string, url: string): Promise<void> {
    await this.db.broker.upsert({ where: { name }, create: { name, url }, update: { url } });
  }
}
