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
export {
  BullPropagationQueue,
  InvalidAccountKeyError,
  ACCOUNT_JWT_QUEUE,
  DEAD_LETTER_QUEUE,
  type PropagationQueue,
  type DeadLetter,
  type RetryPolicy,
  type BullQueueOptions,
} from './bull-queue.js';
export { PropagationWorker, type PropagationWorkerOptions, type Logger } from './propagation-worker.js';
export { redisConnection } from './redis.js';
export { enqueueAllAccounts } from './resync.js';
