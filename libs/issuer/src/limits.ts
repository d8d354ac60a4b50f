// A plan's limits (and an account's overrides of them) in the API's words, and their account-JWT form.
// -1 = unlimited (nats-server's convention); JetStream limits of 0 leave JetStream off.
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
