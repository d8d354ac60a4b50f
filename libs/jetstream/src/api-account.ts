import type { AccountJs } from './account-js.js';
import type { ApiRoutes } from './api.js';

/** `$JS.API.INFO`: the account's usage, limits (from its AccountLimits) and api counters. */
export function registerAccountApi(routes: ApiRoutes<AccountJs>): void {
  routes.register('$JS.API.INFO', 'io.nats.jetstream.api.v1.account_info_response', (req) => accountInfo(req.ctx));
}

/** nats-server's JetStreamAccountStats as JSON (inline tier; `tiers` when limits are tiered). */
export function accountInfo(acc: AccountJs): Record<string, unknown> {
  const tiers = acc.limits.tiersJSON?.(acc);
  const o: Record<string, unknown> = {
    memory: acc.usage.memory,
    storage: acc.usage.storage,
    streams: acc.streams.size,
    consumers: acc.consumerCount(),
    limits: acc.limits.limitsJSON(acc),
  };
  if (acc.js.domain) o.domain = acc.js.domain;
  o.api = { total: acc.api.total, errors: acc.api.errors };
  if (tiers) o.tiers = tiers;
  return o;
}
