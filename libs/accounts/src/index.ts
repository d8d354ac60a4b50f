export { Account, GLOBAL_ACCOUNT } from './account.js';
export {
  UNLIMITED,
  EXTENSION_KEYS,
  extensionTags,
  limitsFromClaims,
  limitViolation,
  type AccountLimits,
  type ExtensionKey,
  type LimitClaims,
} from './limits.js';
export { RateLimiter, type Throttled } from './rate-limiter.js';
export { Permissions, type PermissionsConfig, type SubjectPermission } from './permissions.js';
export {
  authorizes,
  findExport,
  isPublic,
  DEFAULT_RESPONSE_THRESHOLD,
  type ExportAuth,
  type ResponseType,
  type ServiceExport,
  type StreamExport,
  type ActivationCheck,
} from './export.js';
export { StreamImport, ServiceImport } from './import.js';
export { Responses, ResponseImport, REPLY_PREFIX } from './service-import.js';
export { Transform, TransformError, tokenizeWildcards, untokenizeWildcards } from './transform.js';
export {
  applyAccountClaims,
  setExports,
  setImports,
  ExportImportError,
  type ExportDecl,
  type ExportsImports,
  type ActivationVerifier,
  type RefusedImport,
} from './exports-imports.js';
export { jwtActivations } from './activation.js';
export { AccountUsage, usageSnapshot, type UsageSnapshot } from './usage.js';
export {
  ACCOUNT_USAGE_EVENT,
  ACCOUNT_USAGE_WILDCARD,
  accountUsageSubject,
  parseUsageEvent,
  usageEvent,
  type AccountUsageEvent,
  type JetStreamUsage,
  type UsageSample,
} from './usage-event.js';
export {
  HEADERS_SAMPLING,
  SERVICE_LATENCY_TYPE,
  latencyConfig,
  latencyMetric,
  sample,
  sampledTrace,
  type LatencyEnd,
  type LatencyTrack,
  type ServiceLatencyConfig,
  type TraceHeader,
} from './latency.js';
