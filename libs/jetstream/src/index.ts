// JetStream on the broker: per-account streams and consumers on @switchboard/stream-store,
// answering the $JS.API subjects as nats-server 2.9 does. See README.md.
export { ApiError, JSErr, apiError, apiErrorUnless, type ApiErrorDef, type ApiErrorJSON } from './errors.js';
export { wallClockNs, type HostHandler, type HostSubscription, type JsAccountHost, type JsServerHost } from './host.js';
export {
  ApiRouter,
  ApiRoutes,
  MAX_PENDING_API,
  isEmptyRequest,
  parseRequest,
  type ApiCounters,
  type ApiHandler,
  type ApiRequest,
  type ApiRoute,
} from './api.js';
export { AccountJs, UNLIMITED, type AccountLimits, type JsUsage } from './account-js.js';
export { JetStream, type ConsumersFactory, type JetStreamOptions } from './jetstream.js';
export { Stream, storeLimits, transformSubject, type PubResult, type StreamConsumers, type StreamLinkView, type StreamOwner } from './stream.js';
export { defaultConsumers } from './stream-consumers.js';
export {
  checkStreamConfig,
  checkStreamUpdate,
  decodeStreamConfig,
  isValidName,
  streamConfigJSON,
  type Discard,
  type Retention,
  type Storage,
  type StreamConfig,
  type StreamSource,
} from './stream-config.js';
export { accountInfo } from './api-account.js';
export {
  DEFAULT_TIERS,
  DEFAULT_TIER_LIMITS,
  TieredAccountLimits,
  applyAccountLimits,
  insufficientResources,
  jsLimitsFromClaims,
  jsLimitsFromConfig,
  tierLimitsJSON,
  type JsLimitTiers,
  type JsTierLimits,
  type JwtJetStreamLimits,
} from './limits.js';
export { LIST_LIMIT, NAMES_LIMIT, streamInfoJSON } from './api-streams.js';
export { consumerDetailJSON } from './api-consumers.js';
export { appendHeaders, getHeader, getUintHeader, removeHeader } from './headers.js';
export { parseRfc3339, rfc3339Nano, ZERO_TIME } from './json-time.js';
