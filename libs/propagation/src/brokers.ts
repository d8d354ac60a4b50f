// Where account JWTs go: brokers registered in the control plane's `brokers` table and/or
// listed in configuration (SWITCHBOARD_BROKERS).
import type { Db } from '@switchboard/db';

export interface BrokerDirectory {
  /** NATS URLs of every registered broker node, read at job run time so new brokers get later pushes. */
  brokers(): Promise<readonly string[]>;
}

export class StaticBrokers implements BrokerDirectory {
  private readonly list: readonly string[];
  constructor(urls: readonly string[]) {
    this.list = Object.freeze([...new Set(urls)]);
  }
  brokers(): Promise<readonly string[]> {
    return Promise.resolve(this.list);
  }
}

export class BrokerListError extends Error {
  override readonly name = 'BrokerListError';
}

/** Parses `nats://a:4222,nats://b:4222` (commas and/or spaces). Throws BrokerListError naming the bad entry. */
export function parseBrokerList(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[\s,]+/)) {
    if (raw === '') continue;
    let u: URL;
    try {
      u = new URL(raw.includes('://') ? raw : `nats://${raw}`);
    } catch {
      throw new BrokerListError(`broker "${raw}" is not a URL`);
    }
    if (u.protocol !== 'nats:' && u.protocol !== 'tls:') throw new BrokerListError(`broker "${raw}": scheme must be nats:// or tls://`);
    if (u.hostname === '') throw new BrokerListError(`broker "${raw}" has no host`);
    if (u.username || u.password) throw new BrokerListError(`broker "${raw}": credentials belong in the system account creds, not the URL`);
    out.push(`${u.protocol}//${u.host}`);
  }
  return [...new Set(out)];
}

/**
 * Brokers registered through the control plane (/v1/brokers → the `brokers` table), plus any
 * configured ones. The list is cached for `ttlMs` so a burst of jobs costs one query, while a
 * broker registered a moment ago still gets pushes within that time.
 */
export class DbBrokers implements BrokerDirectory {
  private cached: { at: number; list: Promise<readonly string[]> } | undefined;

  constructor(
    private readonly db: Pick<Db, 'broker'>,
    private readonly extra: readonly string[] = [],
    private readonly ttlMs = 2000,
  ) {}

  brokers(): Promise<readonly string[]> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached.list;
    const list = this.db.broker
      .findMany({ select: { url: true }, orderBy: { name: 'asc' } })
      .then((rows) => [...new Set([...rows.map((r) => r.url), ...this.extra])]);
    this.cached = { at: now, list };
    // A failed read is not cached: the next job asks again.
    list.catch(() => {
      if (this.cached?.list === list) this.cached = undefined;
    });
    return list;
  }
}
