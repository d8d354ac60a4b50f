/**
 * The API errors consumers answer with: nats-server 2.9.10's code (HTTP-like), err_code and
 * description (server/errors.json). Clients match on err_code and on the description text,
 * so both are API.
 */
export interface ApiErrorBody {
  code: number;
  err_code: number;
  description: string;
}

const e = (code: number, err_code: number, description: string): ApiErrorBody => ({ code, err_code, description });

export const ConsumerErrors = {
  invalidJson: () => e(400, 10025, 'invalid JSON'),
  streamNotFound: () => e(404, 10059, 'stream not found'),
  streamMismatch: () => e(400, 10056, 'stream name in subject does not match request'),
  notFound: () => e(404, 10014, 'consumer not found'),
  notEmptyRequest: () => e(400, 10038, 'expected an empty request payload'),
  configRequired: () => e(400, 10078, 'consumer config required'),
  nameExist: () => e(400, 10013, 'consumer name already in use'),
  maxConsumers: () => e(400, 10026, 'maximum consumers limit reached'),
  createF: (err: string) => e(500, 10012, err),
  durableNameNotInSubject: () => e(400, 10016, 'consumer expected to be durable but no durable name set in subject'),
  durableNameNotMatchSubject: () => e(400, 10017, 'consumer name in subject does not match durable name in request'),
  durableNameNotSet: () => e(400, 10018, 'consumer expected to be durable but a durable name was not set'),
  ephemeralWithDurableName: () => e(400, 10020, 'consumer expected to be ephemeral but a durable name was set in request'),
  deliverToWildcards: () => e(400, 10079, 'consumer deliver subject has wildcards'),
  pushMaxWaiting: () => e(400, 10080, 'consumer in push mode can not set max waiting'),
  deliverCycle: () => e(400, 10081, 'consumer deliver subject forms a cycle'),
  maxPendingAckPolicyRequired: () => e(400, 10082, 'consumer requires ack policy for max ack pending'),
  smallHeartbeat: () => e(400, 10083, 'consumer idle heartbeat needs to be >= 100ms'),
  pullRequiresAck: () => e(400, 10084, 'consumer in pull mode requires ack policy'),
  pullWithRateLimit: () => e(400, 10086, 'consumer in pull mode can not have rate limit set'),
  maxWaitingNegative: () => e(400, 10087, 'consumer max waiting needs to be positive'),
  hbRequiresPush: () => e(400, 10088, 'consumer idle heartbeat requires a push based consumer'),
  fcRequiresPush: () => e(400, 10089, 'consumer flow control requires a push based consumer'),
  directRequiresPush: () => e(400, 10090, 'consumer direct requires a push based consumer'),
  directRequiresEphemeral: () => e(400, 10091, 'consumer direct requires an ephemeral consumer'),
  filterNotSubset: () => e(400, 10093, 'consumer filter subject is not a valid subset of the interest subjects'),
  invalidPolicy: (err: string) => e(400, 10094, err),
  invalidSampling: (err: string) => e(400, 10095, `failed to parse consumer sampling configuration: ${err}`),
  wqRequiresExplicitAck: () => e(400, 10098, 'workqueue stream requires explicit ack'),
  wqMultipleUnfiltered: () => e(400, 10099, 'multiple non-filtered consumers not allowed on workqueue stream'),
  wqNotUnique: () => e(400, 10100, 'filtered consumer not unique on workqueue stream'),
  wqNotDeliverAll: () => e(400, 10101, 'consumer must be deliver all on workqueue stream'),
  nameTooLong: (max: number) => e(400, 10102, `consumer name is too long, maximum allowed is ${max}`),
  badDurableName: () => e(400, 10103, "durable name can not contain '.', '*', '>'"),
  existingActive: () => e(400, 10105, 'consumer already exists and is still active'),
  replacementWithDifferentName: () => e(400, 10106, 'consumer replacement durable config not the same'),
  descriptionTooLong: (max: number) => e(400, 10107, `consumer description is too long, maximum allowed is ${max}`),
  fcNeedsHeartbeats: () => e(400, 10108, 'consumer with flow control also needs heartbeats'),
  invalidDeliverSubject: () => e(400, 10112, 'invalid push consumer deliver subject'),
  maxRequestBatchNegative: () => e(400, 10114, 'consumer max request batch needs to be > 0'),
  maxRequestExpiresTooSmall: () => e(400, 10115, 'consumer max request expires needs to be >= 1ms'),
  maxDeliverBackoff: () => e(400, 10116, 'max deliver is required to be > length of backoff values'),
  maxPendingAckExcess: (limit: number) => e(400, 10121, `consumer max ack pending exceeds system limit of ${limit}`),
  maxRequestBatchExceeded: (limit: number) => e(400, 10125, `consumer max request batch exceeds server limit of ${limit}`),
  replicasExceedsStream: () => e(400, 10126, 'consumer config replica count exceeds parent stream'),
  replicasNegative: () => e(400, 10133, 'replicas count cannot be negative'),
  replicasNotSupported: () => e(500, 10074, 'replicas > 1 not supported in non-clustered mode'),
  nameContainsPathSeparators: () => e(400, 10127, 'Consumer name can not contain path separators'),
  createFilterSubjectMismatch: () => e(400, 10131, 'Consumer create request did not match filtered subject from create subject'),
  durableAndNameMismatch: () => e(400, 10132, 'Consumer Durable and Name have to be equal if both are provided'),
  notEnabledForAccount: () => e(503, 10039, 'JetStream not enabled for account'),
} as const;

/** Thrown inside the consumer layer; the API turns it into `{"error":…}`. */
export class ConsumerApiError extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(body.description);
  }
}
