import type { Trust } from '@switchboard/nats-jwt';
import type { ResolverConfig } from './config.js';
import { DirResolver } from './dir-resolver.js';
import { MemoryResolver } from './memory-resolver.js';
import type { AccountResolver, ResolverLogger } from './resolver.js';
import { UrlResolver, type UrlResolverOptions } from './url-resolver.js';

export interface CreateResolverOptions {
  trust: Trust;
  logger?: ResolverLogger;
  /** URL resolver tuning (defaults: ttl 2 min, timeout 1.9 s, retry 1 s). */
  url?: Pick<UrlResolverOptions, 'ttlMs' | 'timeoutMs' | 'retryMs'>;
  now?: () => number;
}

/** The resolver a parsed config describes. Call `start()` on it before use. */
export function createResolver(config: ResolverConfig, opts: CreateResolverOptions): AccountResolver {
  const common = { trust: opts.trust, ...(opts.logger && { logger: opts.logger }), ...(opts.now && { now: opts.now }) };
  switch (config.type) {
    case 'MEMORY':
      return new MemoryResolver({ ...common, preload: config.preload });
    case 'URL':
      return new UrlResolver({ ...common, ...opts.url, url: config.url, cacheDir: config.cacheDir });
    case 'FULL':
    case 'CACHE':
      return new DirResolver({ ...common, kind: config.type, dir: config.dir, preload: config.preload });
  }
}
