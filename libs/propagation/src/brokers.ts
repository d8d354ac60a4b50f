// Where account JWTs go. The schema has no broker table yet, so the list comes from
// configuration (SWITCHBOARD_BROKERS); a table-backed directory can implement the same interface.

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
