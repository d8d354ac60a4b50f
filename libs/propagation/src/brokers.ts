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
 * configured ones. Every call gets a list read after it was made: POST /v1/brokers commits the row
 * and then queues every account, so each of those jobs (and any later one) sees the new broker.
 * (A list cached for 2 s, as before, let jobs queued right after the registration skip it.)
 * Calls share reads: one made while a read is under way waits for the next read, which starts when
 * that one ends, so a burst of jobs costs two queries, not one each.
 */
export class DbBrokers implements BrokerDirectory {
  private running: Promise<readonly string[]> | undefined;
  private queued: Promise<readonly string[]> | undefined;

  constructor(
    private readonly db: Pick<Db, 'broker'>,
    private readonly extra: readonly string[] = [],
  ) {}

  brokers(): Promise<readonly string[]> {
    if (this.running === undefined) return this.read();
    // The read under way may have started before the caller's broker was registered.
    this.queued ??= this.running.then(
      () => this.afterRunning(),
      () => this.afterRunning(),
    );
    return this.queued;
  }

  private afterRunning(): Promise<readonly string[]> {
    this.queued = undefined;
    return this.read();
  }

  private read(): Promise<readonly string[]> {
    const list = this.db.broker
      .findMany({ select: { url: true }, orderBy: { name: 'asc' } })
      .then((rows) => [...new Set([...rows.map((r) => r.url), ...this.extra])]);
    this.running = list;
    const done = () => {
      if (this.running === list) this.running = undefined;
    };
    list.then(done, done);
    return list;
  }
}
