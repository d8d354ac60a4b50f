export { ACK_PREFIX, ackKind, formatGoDuration, nakDelayNs, parseAckSubject, parseGoDuration, type AckInfo, type AckKind } from './ack.js';
export { FakeClock, realClock, type Clock } from './clock.js';
export { type ApiErrorBody, ConsumerApiError, ConsumerErrors } from './codes.js';
export * from './config.js';
export { Consumer, type ConsumerHost, type ConsumerOptions, type ConsumerStream } from './consumer.js';
export { WaitQueue, parsePullRequest, type PullRequest } from './pull.js';
export { ConsumerSet, type ConsumerSetOptions, type StreamLink } from './set.js';
