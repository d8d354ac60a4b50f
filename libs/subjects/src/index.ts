export type { SublistResult, SublistStats, SubscriptionLike } from './types.js';
export {
  isSubsetMatch,
  isValidLiteralSubject,
  isValidPublishSubject,
  isValidQueueName,
  isValidSubject,
  numTokens,
  subjectIsLiteral,
  subjectMatches,
  subjectsCollide,
  tokenAt,
} from './subject.js';
export { Sublist } from './sublist.js';
