// The worker's usage collector: a system-account connection to every registered broker,
// subscribed to the brokers' usage events, each sample stored as it comes. The broker list is
// re-read periodically, so brokers registered later are collected from too.
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { ACCOUNT_USAGE_WILDCARD, parseUsageEvent } from '@switchboard/accounts';
import { silentLog, type Logger } from '@switchboard/config';
import type { UsageStore } from './usage-store.js';

export interface UsageCollectorOptions {
  /** Contents of the system account user's .creds file. */
  creds: string | Uint8Array;
  /** NATS URLs of the brokers (the propagation worker's BrokerDirectory fits). */
  brokers: { brokers(): Promise<readonly string[]> };
  store: Pick<UsageStore, 'record'>;
  /** How often the broker list is re-read (ms). */
  refreshMs?: number;
  log?: Pick<Logger, 'info' | 'warn'>;
  /** Connection name shown in the brokers' /connz. */
  name?: string;
}

interface BrokerLink {
  nc: NatsConnection | null;
  /** Samples of this broker are stored one after the other (the store reads the previous row). */
  chain: Promise<void>;
}

export class UsageCollector {
  private readonly links = new Map<string, BrokerLink>();
  private readonly creds: Uint8Array;
  private readonly log: Pick<Logger, 'info' | 'warn'>;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Samples stored so far (for tests and metrics). */
  stored = 0;
  /** Events refused (malformed) or failed to store. */
  rejected = 0;

  constructor(private readonly opts: UsageCollectorOptions) {
    this.creds = typeof opts.creds === 'string' ? new TextEncoder().encode(opts.creds) : opts.creds;
    this.log = opts.log ?? silentLog;
  }

  /** Connects to the brokers listed now; later ones are picked up every `refreshMs`. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.opts.refreshMs ?? 10_000);
    this.timer.unref();
  }

  /** Brokers with a live subscription. */
  get connected(): string[] {
    return [...this.links].filter(([, l]) => l.nc !== null && !l.nc.isClosed()).map(([u]) => u);
  }

  /** Waits for the samples received so far to be stored. */
  async idle(): Promise<void> {
    await Promise.all([...this.links.values()].map((l) => l.chain));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    const links = [...this.links.values()];
    this.links.clear();
    await Promise.all(
      links.map(async (l) => {
        await l.nc?.drain().catch(() => {});
        await l.chain;
      }),
    );
  }

  private async refresh(): Promise<void> {
    let urls: readonly string[];
    try {
      urls = await this.opts.brokers.brokers();
    } catch (e) {
      return this.log.warn(`usage: cannot list brokers: ${(e as Error).message}`);
    }
    const wanted = new Set(urls);
    for (const [url, link] of this.links) {
      if (wanted.has(url) && link.nc !== null && !link.nc.isClosed()) continue;
      if (!wanted.has(url)) this.log.info(`usage: broker ${url} no longer registered`);
      this.links.delete(url);
      void link.nc?.close().catch(() => {});
    }
    await Promise.all(urls.filter((u) => !this.links.has(u)).map((u) => this.link(u)));
  }

  private async link(url: string): Promise<void> {
    const link: BrokerLink = { nc: null, chain: Promise.resolve() };
    this.links.set(url, link);
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: url,
        authenticator: credsAuthenticator(this.creds),
        name: this.opts.name ?? 'switchboard-usage',
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1_000,
      });
    } catch (e) {
      // Left without a connection: the next refresh tries again.
      this.links.delete(url);
      return this.log.warn(`usage: cannot connect to ${url}: ${(e as Error).message}`);
    }
    if (this.closed || this.links.get(url) !== link) return void nc.close();
    link.nc = nc;
    nc.subscribe(ACCOUNT_USAGE_WILDCARD, {
      callback: (_err, m) => {
        const sample = parseUsageEvent(m.data);
        if (typeof sample === 'string') {
          this.rejected++;
          return this.log.warn(`usage: ignored an event from ${url} on ${m.subject}: ${sample}`);
        }
        link.chain = link.chain
          .then(() => this.opts.store.record(sample).then(() => void this.stored++))
          .catch((e: unknown) => {
            this.rejected++;
            this.log.warn(`usage: cannot store a sample of ${sample.account} from ${url}: ${(e as Error).message}`);
          });
      },
    });
    await nc.flush();
    this.log.info(`usage: collecting from ${url}`);
  }
}
