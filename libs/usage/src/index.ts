export { parseUsageEvent, USAGE_SUBJECT, USAGE_EVENT_TYPE, type UsageSample } from './usage-event.js';
export { UsageStore, HOUR_MS, type UsageCounters, type HourlyUsage, type UsageReport } from './usage-store.js';
export { UsageCollector, type UsageCollectorOptions } from './collector.js';
export { QuotaCheck, monthStart, overQuota, type QuotaCheckOptions, type QuotaChanges, type QuotaState } from './quota.js';
