import type { Plan } from '@switchboard/db';
import { limitsOf, type Limits } from '@switchboard/issuer';

/** A plan row's limits in the API's shape (byte limits as numbers: JSON has no bigint; they stay far below 2^53). */
export function planLimits(p: Plan): Limits {
  return limitsOf(p);
}

const big = (n: number | undefined) => (n === undefined ? undefined : BigInt(n));

/** The plan row's columns for API limits (absent limits stay undefined: Prisma keeps the column's value or default). */
export function planRow(l: Partial<Limits>) {
  return {
    maxConnections: l.maxConnections,
    maxLeafNodes: l.maxLeafNodes,
    maxSubscriptions: l.maxSubscriptions,
    maxPayload: big(l.maxPayload),
    maxData: big(l.maxData),
    maxImports: l.maxImports,
    maxExports: l.maxExports,
    jsMemoryStorage: big(l.jsMemoryStorage),
    jsDiskStorage: big(l.jsDiskStorage),
    jsStreams: l.jsStreams,
    jsConsumers: l.jsConsumers,
    jsMaxAckPending: l.jsMaxAckPending,
    jsMemMaxStreamBytes: big(l.jsMemMaxStreamBytes),
    jsDiskMaxStreamBytes: big(l.jsDiskMaxStreamBytes),
    jsMaxBytesRequired: l.jsMaxBytesRequired,
    rateMsgs: big(l.rateMsgs),
    rateBytes: big(l.rateBytes),
    subsTotal: l.subsTotal,
    monthlyMsgs: big(l.monthlyMsgs),
    monthlyBytes: big(l.monthlyBytes),
  };
}
