import type { Plan } from '@switchboard/db';
import type { Limits } from '@switchboard/issuer';

/** A plan row's limits in the API's shape (byte limits as numbers: JSON has no bigint; they stay far below 2^53). */
export function planLimits(p: Plan): Limits {
  return {
    maxConnections: p.maxConnections,
    maxLeafNodes: p.maxLeafNodes,
    maxSubscriptions: p.maxSubscriptions,
    maxPayload: Number(p.maxPayload),
    maxData: Number(p.maxData),
    maxImports: p.maxImports,
    maxExports: p.maxExports,
    jsMemoryStorage: Number(p.jsMemoryStorage),
    jsDiskStorage: Number(p.jsDiskStorage),
    jsStreams: p.jsStreams,
    jsConsumers: p.jsConsumers,
  };
}
