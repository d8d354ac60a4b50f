import type { Trust } from '@switchboard/nats-jwt';
import { AccountStore } from './account-store.js';
import { ResolverError } from './errors.js';
import type { AccountResolver, ResolverLogger, StoreResult, UpdateListener } from './resolver.js';

export interface MemoryResolverOptions {
  trust: Trust;
  /** `resolver_preload`: account public key -> JWT. Unacceptable entries are logged and left out. */
  preload?: Readonly<Record<string, string>>;
  logger?: ResolverLogger;
  now?: () => number;
}

/** `resolver: MEMORY`: the preloaded JWTs plus whatever `store` accepted; gone on restart. */
export class MemoryResolver implements AccountResolver {
  readonly kind = 'MEMORY' as const;
  private readonly accounts: AccountStore;
  private readonly ready: Promise<void>;
  private closed = false;

  constructor(opts: MemoryResolverOptions) {
    this.accounts = new AccountStore({ trust: opts.trust, logger: opts.logger, now: opts.now });
    this.ready = preload(this.accounts, opts.preload, opts.logger);
  }

  start(): Promise<void> {
    return this.ready;
  }

  async fetch(pubkey: string): Promise<string | undefined> {
    if (this.closed) throw new ResolverError('closed', 'account resolver is closed');
    await this.ready;
    return this.accounts.get(pubkey)?.jwt;
  }

  async store(pubkey: string, jwt: string): Promise<StoreResult> {
    await this.ready;
    return this.accounts.offer(pubkey, jwt);
  }

  onUpdate(listener: UpdateListener): () => void {
    return this.accounts.onUpdate(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Stores each preloaded JWT, logging the ones that are refused (nats-server warns and goes on). */
export async function preload(
  accounts: AccountStore,
  entries: Readonly<Record<string, string>> | undefined,
  logger: ResolverLogger | undefined,
): Promise<void> {
  for (const [key, jwt] of Object.entries(entries ?? {})) {
    const r = await accounts.offer(key, jwt);
    if (r.status === 'rejected' || r.status === 'stale') logger?.warn(`account resolver: preloaded account ${key} not used: ${r.reason}`);
  }
}
