export type { UsageSample } from '@switchboard/accounts';
export { UsageStore, HOUR_MS, type UsageCounters, type HourlyUsage, type UsageReport } from './usage-store.js';
export { UsageCollector, type UsageCollectorOptions } from './collector.js';
export { QuotaCheck, monthStart, overQuota, type QuotaCheckOptions, type QuotaChanges, type QuotaState } from './quota.js';
