// A plan's limits (and an account's overrides of them) in the API's words, and their account-JWT form.
// -1 = unlimited (nats-server's convention); JetStream limits of 0 leave JetStream off.
import { extensionTags } from '@switchboard/accounts';
import type { OperatorLimits } from '@switchboard/nats-jwt';

export interface Limits {
  maxConnections: number;
  maxLeafNodes: number;
  maxSubscriptions: number;
  maxPayload: number;
  maxData: number;
  maxImports: number;
  maxExports: number;
  jsMemoryStorage: number;
  jsDiskStorage: number;
  jsStreams: number;
  jsConsumers: number;
  /** Switchboard's, carried as `sb:` tags: messages / payload bytes per second published by the account. */
  rateMsgs: number;
  rateBytes: number;
  /** Subscriptions across all of the account's connections (`maxSubscriptions` is per connection). */
  subsTotal: number;
  /** Monthly quotas of what the account publishes (usage `msgsIn` / `bytesIn`), checked by the worker. */
  monthlyMsgs: number;
  monthlyBytes: number;
}

export const LIMIT_KEYS = [
  'maxConnections',
  'maxLeafNodes',
  'maxSubscriptions',
  'maxPayload',
  'maxData',
  'maxImports',
  'maxExports',
  'jsMemoryStorage',
  'jsDiskStorage',
  'jsStreams',
  'jsConsumers',
  'rateMsgs',
  'rateBytes',
  'subsTotal',
  'monthlyMsgs',
  'monthlyBytes',
] as const satisfies readonly (keyof Limits)[];

export const UNLIMITED: Limits = {
  maxConnections: -1,
  maxLeafNodes: -1,
  maxSubscriptions: -1,
  maxPayload: -1,
  maxData: -1,
  maxImports: -1,
  maxExports: -1,
  jsMemoryStorage: 0,
  jsDiskStorage: 0,
  jsStreams: 0,
  jsConsumers: 0,
  rateMsgs: -1,
  rateBytes: -1,
  subsTotal: -1,
  monthlyMsgs: -1,
  monthlyBytes: -1,
};

/** The plan's limits with the account's overrides on top (unknown keys in overrides are ignored). */
export function effectiveLimits(plan: Limits, overrides: Partial<Limits> | null | undefined): Limits {
  const out = { ...plan };
  for (const k of LIMIT_KEYS) {
    const v = overrides?.[k];
    if (typeof v === 'number' && Number.isInteger(v)) out[k] = v;
  }
  return out;
}

/** The `limits` object of an account JWT. */
export function natsLimits(l: Limits): OperatorLimits {
  return {
    subs: l.maxSubscriptions,
    data: l.maxData,
    payload: l.maxPayload,
    imports: l.maxImports,
    exports: l.maxExports,
    wildcards: true,
    conn: l.maxConnections,
    leaf: l.maxLeafNodes,
    mem_storage: l.jsMemoryStorage,
    disk_storage: l.jsDiskStorage,
    streams: l.jsStreams,
    consumer: l.jsConsumers,
  };
}

/** A plan row's limits (any integer or bigint columns named as the keys) as numbers: byte limits stay far below 2^53. */
export function limitsOf(row: Readonly<Record<keyof Limits, number | bigint>>): Limits {
  return Object.fromEntries(LIMIT_KEYS.map((k) => [k, Number(row[k])])) as unknown as Limits;
}

/**
 * The account JWT's `sb:` tags (nats-server keeps tags and ignores them). An account over its
 * monthly quota gets `sb:rate_msgs=0`: brokers hold its publishers, nothing is dropped, and its
 * subscribers still receive.
 */
export function limitTags(l: Limits, overQuota = false): string[] {
  return extensionTags({ maxAccountSubscriptions: l.subsTotal, rateMsgs: overQuota ? 0 : l.rateMsgs, rateBytes: l.rateBytes });
}
