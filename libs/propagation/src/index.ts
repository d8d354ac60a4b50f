export { parseClaimsReply, type ClaimsReply, type ClaimsReplyServer } from './claims-reply.js';
export { ClaimsPusher, claimsUpdateSubject, type ClaimsPusherOptions, type PushOutcome } from './claims-pusher.js';
export { StaticBrokers, DbBrokers, parseBrokerList, BrokerListError, type BrokerDirectory } from './brokers.js';
export { DbJwtSource, type AccountJwtSource, type CurrentJwt } from './jwt-source.js';
export {
  propagateAccount,
  jwtHash,
  PropagationError,
  type AccountJobData,
  type BrokerFailure,
  type PropagationDeps,
  type PropagationResult,
  type Pusher,
} from './propagate.js';
export { InvalidAccountKeyError } from './account-key.js';
export { runAttempt, backoffDelay, type AttemptOutcome, type DeadLetter, type RetryPolicy } from './attempt.js';
export { BullPropagationQueue, ACCOUNT_JWT_QUEUE, DEAD_LETTER_QUEUE, type PropagationQueue, type BullQueueOptions } from './bull-queue.js';
export { PropagationWorker, type PropagationWorkerOptions } from './propagation-worker.js';
export { InProcessPropagationQueue, type InProcessQueueOptions } from './in-process-queue.js';
export { redisConnection } from './redis.js';
export { enqueueAllAccounts } from './resync.js';
export { ObservedPusher, type PushObserver } from './observed-pusher.js';
export { PushMetrics, registerQueueGauges } from './push-metrics.js';
