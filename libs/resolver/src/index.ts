export type { AccountResolver, AccountUpdate, ResolverKind, ResolverLogger, StoreResult, UpdateListener } from './resolver.js';
export { ResolverError, type ResolverErrorCode } from './errors.js';
export { MemoryResolver, type MemoryResolverOptions } from './memory-resolver.js';
export { UrlResolver, DEFAULT_FETCH_TIMEOUT_MS, DEFAULT_RETRY_MS, DEFAULT_TTL_MS, type UrlResolverOptions } from './url-resolver.js';
export { DirResolver, type DirResolverOptions } from './dir-resolver.js';
export { DiskCache } from './disk-cache.js';
export { admit, decide, type Admission, type Decision } from './newest-wins.js';
export { parseResolverConfig, RESOLVER_KEYS, type ResolverConfig, type ResolverConfigOptions, type ResolverConfigResult } from './config.js';
export { createResolver, type CreateResolverOptions } from './create-resolver.js';
