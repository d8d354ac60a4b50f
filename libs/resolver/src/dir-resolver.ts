import type { Trust } from '@switchboard/nats-jwt';
import { AccountStore } from './account-store.js';
import { DiskCache } from './disk-cache.js';
import { ResolverError } from './errors.js';
import { preload } from './memory-resolver.js';
import type { AccountResolver, ResolverLogger, StoreResult, UpdateListener } from './resolver.js';

export interface DirResolverOptions {
  trust: Trust;
  /** `resolver { dir: ... }`: one `<account public key>.jwt` file per account. */
  dir: string;
  /** `resolver { type: full }` or `cache`: both behave alike on a single broker (see README). */
  kind: 'FULL' | 'CACHE';
  preload?: Readonly<Record<string, string>>;
  logger?: ResolverLogger;
  now?: () => number;
}

/**
 * nats-server's directory resolver on one broker: the directory is the store, claim updates
 * (`store`) are written to it, lookups read it. Lookups from and to other servers of a cluster
 * are not done: a missing account is unknown.
 */
export class DirResolver implements AccountResolver {
  readonly kind: 'FULL' | 'CACHE';
  readonly disk: DiskCache;
  private readonly accounts: AccountStore;
  private readonly opts: DirResolverOptions;
  private ready: Promise<void> | undefined;
  private closed = false;

  constructor(opts: DirResolverOptions) {
    this.opts = opts;
    this.kind = opts.kind;
    this.disk = new DiskCache(opts.dir);
    this.accounts = new AccountStore({ trust: opts.trust, disk: this.disk, persist: 'required', logger: opts.logger, now: opts.now });
  }

  /** Applies `resolver_preload` (newest wins against the directory). */
  start(): Promise<void> {
    return (this.ready ??= preload(this.accounts, this.opts.preload, this.opts.logger));
  }

  async fetch(pubkey: string): Promise<string | undefined> {
    if (this.closed) throw new ResolverError('closed', 'account resolver is closed');
    await this.start();
    return (await this.accounts.load(pubkey))?.jwt;
  }

  async store(pubkey: string, jwt: string): Promise<StoreResult> {
    await this.start();
    return this.accounts.offer(pubkey, jwt);
  }

  onUpdate(listener: UpdateListener): () => void {
    return this.accounts.onUpdate(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
