import { z } from 'zod';
import type { HourlyUsage, QuotaState, UsageCounters } from '@switchboard/usage';

const HOUR_MS = 3_600_000;
/** At most a year of hourly rows in one answer. */
const MAX_RANGE_MS = 366 * 24 * HOUR_MS;

const instant = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date or date-time')
  .transform((s) => new Date(s));

/**
 * `?from=&to=`: the hours starting in [from, to). `from` is rounded down to its hour; defaults are
 * the start of the current month (UTC) and now.
 */
export const usageQuerySchema = z
  .object({ from: instant.optional(), to: instant.optional() })
  .transform(({ from, to }) => {
    const now = new Date();
    const start = from ?? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    return { from: new Date(Math.floor(start.getTime() / HOUR_MS) * HOUR_MS), to: to ?? now };
  })
  .refine((q) => q.from.getTime() < q.to.getTime(), { message: 'from must be before to', path: ['from'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= MAX_RANGE_MS, { message: 'at most 366 days at a time', path: ['to'] });

export type UsageQuery = z.infer<typeof usageQuerySchema>;

export interface UsageView {
  accountId: string;
  publicKey: string;
  from: string;
  to: string;
  totals: UsageCounters;
  hourly: HourlyUsage[];
  /** The effective monthly quotas (-1 unlimited) and whether the worker holds the account's publishers. */
  quota: QuotaState;
  /** Leaf node connections: the peak in the range (totals.leafNodes) and the account's `leaf` limit (-1 unlimited). */
  leafNodes: { peak: number; limit: number };
}

const counters = {
  msgsIn: z.number(),
  msgsOut: z.number(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  connections: z.number(),
  subscriptions: z.number(),
  throttledMs: z.number(),
  connectionsOpened: z.number(),
  leafNodes: z.number(),
  jsMemory: z.number(),
  jsStorage: z.number(),
  jsStreams: z.number(),
  jsConsumers: z.number(),
};
export const usageViewSchema: z.ZodType<UsageView> = z.object({
  accountId: z.string(),
  publicKey: z.string(),
  from: z.string(),
  to: z.string(),
  totals: z.object(counters),
  hourly: z.array(z.object({ ...counters, period: z.string() })),
  quota: z.object({ monthlyMsgs: z.number(), monthlyBytes: z.number(), overQuota: z.boolean() }),
  leafNodes: z.object({ peak: z.number(), limit: z.number() }),
});
