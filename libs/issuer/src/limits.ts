// A plan's limits (and an account's overrides of them) in the API's words, and their account-JWT form.
// -1 = unlimited (nats-server's convention); JetStream is on only when jsMemoryStorage or
// jsDiskStorage is not 0 (nats-io/jwt IsJSEnabled). One flag (jsMaxBytesRequired) is a boolean.
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
  /** Cap on a consumer's max_ack_pending (10121 above it; also its default): -1 or 0 = none. */
  jsMaxAckPending: number;
  /** Cap on a memory / file stream's max_bytes (10122 above it): -1 or 0 = none. */
  jsMemMaxStreamBytes: number;
  jsDiskMaxStreamBytes: number;
  /** Every stream must set max_bytes (10113 without it). */
  jsMaxBytesRequired: boolean;
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
  'jsMaxAckPending',
  'jsMemMaxStreamBytes',
  'jsDiskMaxStreamBytes',
  'jsMaxBytesRequired',
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
  jsMaxAckPending: -1,
  jsMemMaxStreamBytes: -1,
  jsDiskMaxStreamBytes: -1,
  jsMaxBytesRequired: false,
  rateMsgs: -1,
  rateBytes: -1,
  subsTotal: -1,
  monthlyMsgs: -1,
  monthlyBytes: -1,
};

/** The limits that are flags (booleans), not counts. */
export const FLAG_LIMIT_KEYS = ['jsMaxBytesRequired'] as const satisfies readonly (keyof Limits)[];
export type FlagLimitKey = (typeof FLAG_LIMIT_KEYS)[number];
export type CountLimitKey = Exclude<keyof Limits, FlagLimitKey>;

/** Limits kept in 32-bit integer columns (the rest are 64-bit). */
export const INT32_LIMIT_KEYS = [
  'maxConnections',
  'maxLeafNodes',
  'maxSubscriptions',
  'maxImports',
  'maxExports',
  'jsStreams',
  'jsConsumers',
  'jsMaxAckPending',
  'subsTotal',
] as const satisfies readonly CountLimitKey[];

export function isFlagLimit(k: keyof Limits): k is FlagLimitKey {
  return (FLAG_LIMIT_KEYS as readonly string[]).includes(k);
}

/** The plan's limits with the account's overrides on top (unknown keys and ill-typed values in overrides are ignored). */
export function effectiveLimits(plan: Limits, overrides: Partial<Limits> | null | undefined): Limits {
  const out = { ...plan } as Record<keyof Limits, number | boolean>;
  for (const k of LIMIT_KEYS) {
    const v = overrides?.[k];
    if (isFlagLimit(k) ? typeof v === 'boolean' : typeof v === 'number' && Number.isInteger(v)) out[k] = v!;
  }
  return out as unknown as Limits;
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
    max_ack_pending: l.jsMaxAckPending,
    mem_max_stream_bytes: l.jsMemMaxStreamBytes,
    disk_max_stream_bytes: l.jsDiskMaxStreamBytes,
    // omitempty in nats-io/jwt: false is left out.
    ...(l.jsMaxBytesRequired && { max_bytes_required: true }),
  };
}

/** A plan row's limits (integer or bigint columns named as the keys, booleans for flags) as numbers: byte limits stay far below 2^53. */
export function limitsOf(row: Readonly<Record<CountLimitKey, number | bigint> & Record<FlagLimitKey, boolean>>): Limits {
  return Object.fromEntries(LIMIT_KEYS.map((k) => [k, isFlagLimit(k) ? row[k] === true : Number(row[k])])) as unknown as Limits;
}

/**
 * The account JWT's `sb:` tags (nats-server keeps tags and ignores them). An account over its
 * monthly quota gets `sb:rate_msgs=0`: brokers hold its publishers, nothing is dropped, and its
 * subscribers still receive.
 */
export function limitTags(l: Limits, overQuota = false): string[] {
  return extensionTags({ maxAccountSubscriptions: l.subsTotal, rateMsgs: overQuota ? 0 : l.rateMsgs, rateBytes: l.rateBytes });
}
