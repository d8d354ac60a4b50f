/**
 * JetStream API errors as nats-server 2.9.10 sends them (its server/errors.json: HTTP-like `code`,
 * `err_code`, description). Clients match on err_code and on the description text, so both are
 * API. `{name}` in a description is filled from the arguments of `apiError`.
 */

export interface ApiErrorDef {
  readonly code: number;
  readonly errCode: number;
  readonly description: string;
}

/** The error object inside a JetStream API response: `{"code","err_code","description"}`. */
export interface ApiErrorJSON {
  code: number;
  err_code: number;
  description: string;
}

export class ApiError extends Error {
  readonly code: number;
  readonly errCode: number;
  constructor(code: number, errCode: number, description: string) {
    super(description);
    this.name = 'ApiError';
    this.code = code;
    this.errCode = errCode;
  }
  get description(): string {
    return this.message;
  }
  toJSON(): ApiErrorJSON {
    return { code: this.code, err_code: this.errCode, description: this.message };
  }
}

/** An ApiError from a table entry, `{placeholders}` filled from `args` (nats-server's NewJS…Error). */
export function apiError(def: ApiErrorDef, args?: Record<string, string | number | Error>): ApiError {
  let text = def.description;
  if (args) text = text.replace(/\{(\w+)\}/g, (m, k: string) => (k in args ? String(args[k] instanceof Error ? (args[k] as Error).message : args[k]) : m));
  return new ApiError(def.code, def.errCode, text);
}

/** `err` itself when it already is an ApiError (nats-server's Unless option), else `def` with {err}. */
export function apiErrorUnless(def: ApiErrorDef, err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return apiError(def, { err: err instanceof Error ? err.message : String(err) });
}

/** The table, keyed by nats-server's constant names (grep them in its source). */
export const JSErr = {
  JSAccountResourcesExceededErr: { code: 400, errCode: 10002, description: 'resource limits exceeded for account' },
  JSBadRequestErr: { code: 400, errCode: 10003, description: 'bad request' },
  JSClusterIncompleteErr: { code: 503, errCode: 10004, description: 'incomplete results' },
  JSClusterNoPeersErrF: { code: 400, errCode: 10005, description: '{err}' },
  JSClusterNotActiveErr: { code: 500, errCode: 10006, description: 'JetStream not in clustered mode' },
  JSClusterNotAssignedErr: { code: 500, errCode: 10007, description: 'JetStream cluster not assigned to this server' },
  JSClusterNotAvailErr: { code: 503, errCode: 10008, description: 'JetStream system temporarily unavailable' },
  JSClusterNotLeaderErr: { code: 500, errCode: 10009, description: 'JetStream cluster can not handle request' },
  JSClusterRequiredErr: { code: 503, errCode: 10010, description: 'JetStream clustering support required' },
  JSClusterTagsErr: { code: 400, errCode: 10011, description: 'tags placement not supported for operation' },
  JSConsumerCreateErrF: { code: 500, errCode: 10012, description: '{err}' },
  JSConsumerNameExistErr: { code: 400, errCode: 10013, description: 'consumer name already in use' },
  JSConsumerNotFoundErr: { code: 404, errCode: 10014, description: 'consumer not found' },
  JSSnapshotDeliverSubjectInvalidErr: { code: 400, errCode: 10015, description: 'deliver subject not valid' },
  JSConsumerDurableNameNotInSubjectErr: { code: 400, errCode: 10016, description: 'consumer expected to be durable but no durable name set in subject' },
  JSConsumerDurableNameNotMatchSubjectErr: { code: 400, errCode: 10017, description: 'consumer name in subject does not match durable name in request' },
  JSConsumerDurableNameNotSetErr: { code: 400, errCode: 10018, description: 'consumer expected to be durable but a durable name was not set' },
  JSConsumerEphemeralWithDurableInSubjectErr: {
    code: 400,
    errCode: 10019,
    description: 'consumer expected to be ephemeral but detected a durable name set in subject',
  },
  JSConsumerEphemeralWithDurableNameErr: { code: 400, errCode: 10020, description: 'consumer expected to be ephemeral but a durable name was set in request' },
  JSStreamExternalApiOverlapErrF: { code: 400, errCode: 10021, description: 'stream external api prefix {prefix} must not overlap with {subject}' },
  JSStreamExternalDelPrefixOverlapsErrF: {
    code: 400,
    errCode: 10022,
    description: 'stream external delivery prefix {prefix} overlaps with stream subject {subject}',
  },
  JSInsufficientResourcesErr: { code: 503, errCode: 10023, description: 'insufficient resources' },
  JSStreamInvalidExternalDeliverySubjErrF: { code: 400, errCode: 10024, description: 'stream external delivery prefix {prefix} must not contain wildcards' },
  JSInvalidJSONErr: { code: 400, errCode: 10025, description: 'invalid JSON' },
  JSMaximumConsumersLimitErr: { code: 400, errCode: 10026, description: 'maximum consumers limit reached' },
  JSMaximumStreamsLimitErr: { code: 400, errCode: 10027, description: 'maximum number of streams reached' },
  JSMemoryResourcesExceededErr: { code: 500, errCode: 10028, description: 'insufficient memory resources available' },
  JSMirrorConsumerSetupFailedErrF: { code: 500, errCode: 10029, description: '{err}' },
  JSMirrorMaxMessageSizeTooBigErr: { code: 400, errCode: 10030, description: 'stream mirror must have max message size >= source' },
  JSMirrorWithSourcesErr: { code: 400, errCode: 10031, description: 'stream mirrors can not also contain other sources' },
  JSMirrorWithStartSeqAndTimeErr: { code: 400, errCode: 10032, description: 'stream mirrors can not have both start seq and start time configured' },
  JSMirrorWithSubjectFiltersErr: { code: 400, errCode: 10033, description: 'stream mirrors can not contain filtered subjects' },
  JSMirrorWithSubjectsErr: { code: 400, errCode: 10034, description: 'stream mirrors can not contain subjects' },
  JSNoAccountErr: { code: 503, errCode: 10035, description: 'account not found' },
  JSClusterUnSupportFeatureErr: { code: 503, errCode: 10036, description: 'not currently supported in clustered mode' },
  JSNoMessageFoundErr: { code: 404, errCode: 10037, description: 'no message found' },
  JSNotEmptyRequestErr: { code: 400, errCode: 10038, description: 'expected an empty request payload' },
  JSNotEnabledForAccountErr: { code: 503, errCode: 10039, description: 'JetStream not enabled for account' },
  JSClusterPeerNotMemberErr: { code: 400, errCode: 10040, description: 'peer not a member' },
  JSRaftGeneralErrF: { code: 500, errCode: 10041, description: '{err}' },
  JSRestoreSubscribeFailedErrF: { code: 500, errCode: 10042, description: 'JetStream unable to subscribe to restore snapshot {subject}: {err}' },
  JSSequenceNotFoundErrF: { code: 400, errCode: 10043, description: 'sequence {seq} not found' },
  JSClusterServerNotMemberErr: { code: 400, errCode: 10044, description: 'server is not a member of the cluster' },
  JSSourceConsumerSetupFailedErrF: { code: 500, errCode: 10045, description: '{err}' },
  JSSourceMaxMessageSizeTooBigErr: { code: 400, errCode: 10046, description: 'stream source must have max message size >= target' },
  JSStorageResourcesExceededErr: { code: 500, errCode: 10047, description: 'insufficient storage resources available' },
  JSStreamAssignmentErrF: { code: 500, errCode: 10048, description: '{err}' },
  JSStreamCreateErrF: { code: 500, errCode: 10049, description: '{err}' },
  JSStreamDeleteErrF: { code: 500, errCode: 10050, description: '{err}' },
  JSStreamGeneralErrorF: { code: 500, errCode: 10051, description: '{err}' },
  JSStreamInvalidConfigF: { code: 500, errCode: 10052, description: '{err}' },
  JSStreamLimitsErrF: { code: 500, errCode: 10053, description: '{err}' },
  JSStreamMessageExceedsMaximumErr: { code: 400, errCode: 10054, description: 'message size exceeds maximum allowed' },
  JSStreamMirrorNotUpdatableErr: { code: 400, errCode: 10055, description: 'stream mirror configuration can not be updated' },
  JSStreamMismatchErr: { code: 400, errCode: 10056, description: 'stream name in subject does not match request' },
  JSStreamMsgDeleteFailedF: { code: 500, errCode: 10057, description: '{err}' },
  JSStreamNameExistErr: { code: 400, errCode: 10058, description: 'stream name already in use with a different configuration' },
  JSStreamNotFoundErr: { code: 404, errCode: 10059, description: 'stream not found' },
  JSStreamNotMatchErr: { code: 400, errCode: 10060, description: 'expected stream does not match' },
  JSStreamReplicasNotUpdatableErr: { code: 400, errCode: 10061, description: 'Replicas configuration can not be updated' },
  JSStreamRestoreErrF: { code: 500, errCode: 10062, description: 'restore failed: {err}' },
  JSStreamSequenceNotMatchErr: { code: 503, errCode: 10063, description: 'expected stream sequence does not match' },
  JSStreamSnapshotErrF: { code: 500, errCode: 10064, description: 'snapshot failed: {err}' },
  JSStreamSubjectOverlapErr: { code: 400, errCode: 10065, description: 'subjects overlap with an existing stream' },
  JSStreamTemplateCreateErrF: { code: 500, errCode: 10066, description: '{err}' },
  JSStreamTemplateDeleteErrF: { code: 500, errCode: 10067, description: '{err}' },
  JSStreamTemplateNotFoundErr: { code: 404, errCode: 10068, description: 'template not found' },
  JSStreamUpdateErrF: { code: 500, errCode: 10069, description: '{err}' },
  JSStreamWrongLastMsgIDErrF: { code: 400, errCode: 10070, description: 'wrong last msg ID: {id}' },
  JSStreamWrongLastSequenceErrF: { code: 400, errCode: 10071, description: 'wrong last sequence: {seq}' },
  JSTempStorageFailedErr: { code: 500, errCode: 10072, description: 'JetStream unable to open temp storage for restore' },
  JSTemplateNameNotMatchSubjectErr: { code: 400, errCode: 10073, description: 'template name in subject does not match request' },
  JSStreamReplicasNotSupportedErr: { code: 500, errCode: 10074, description: 'replicas > 1 not supported in non-clustered mode' },
  JSPeerRemapErr: { code: 503, errCode: 10075, description: 'peer remap failed' },
  JSNotEnabledErr: { code: 503, errCode: 10076, description: 'JetStream not enabled' },
  JSStreamStoreFailedF: { code: 503, errCode: 10077, description: '{err}' },
  JSConsumerConfigRequiredErr: { code: 400, errCode: 10078, description: 'consumer config required' },
  JSConsumerDeliverToWildcardsErr: { code: 400, errCode: 10079, description: 'consumer deliver subject has wildcards' },
  JSConsumerPushMaxWaitingErr: { code: 400, errCode: 10080, description: 'consumer in push mode can not set max waiting' },
  JSConsumerDeliverCycleErr: { code: 400, errCode: 10081, description: 'consumer deliver subject forms a cycle' },
  JSConsumerMaxPendingAckPolicyRequiredErr: { code: 400, errCode: 10082, description: 'consumer requires ack policy for max ack pending' },
  JSConsumerSmallHeartbeatErr: { code: 400, errCode: 10083, description: 'consumer idle heartbeat needs to be >= 100ms' },
  JSConsumerPullRequiresAckErr: { code: 400, errCode: 10084, description: 'consumer in pull mode requires ack policy' },
  JSConsumerPullNotDurableErr: { code: 400, errCode: 10085, description: 'consumer in pull mode requires a durable name' },
  JSConsumerPullWithRateLimitErr: { code: 400, errCode: 10086, description: 'consumer in pull mode can not have rate limit set' },
  JSConsumerMaxWaitingNegativeErr: { code: 400, errCode: 10087, description: 'consumer max waiting needs to be positive' },
  JSConsumerHBRequiresPushErr: { code: 400, errCode: 10088, description: 'consumer idle heartbeat requires a push based consumer' },
  JSConsumerFCRequiresPushErr: { code: 400, errCode: 10089, description: 'consumer flow control requires a push based consumer' },
  JSConsumerDirectRequiresPushErr: { code: 400, errCode: 10090, description: 'consumer direct requires a push based consumer' },
  JSConsumerDirectRequiresEphemeralErr: { code: 400, errCode: 10091, description: 'consumer direct requires an ephemeral consumer' },
  JSConsumerOnMappedErr: { code: 400, errCode: 10092, description: 'consumer direct on a mapped consumer' },
  JSConsumerFilterNotSubsetErr: { code: 400, errCode: 10093, description: 'consumer filter subject is not a valid subset of the interest subjects' },
  JSConsumerInvalidPolicyErrF: { code: 400, errCode: 10094, description: '{err}' },
  JSConsumerInvalidSamplingErrF: { code: 400, errCode: 10095, description: 'failed to parse consumer sampling configuration: {err}' },
  JSStreamInvalidErr: { code: 500, errCode: 10096, description: 'stream not valid' },
  JSStreamHeaderExceedsMaximumErr: { code: 400, errCode: 10097, description: 'header size exceeds maximum allowed of 64k' },
  JSConsumerWQRequiresExplicitAckErr: { code: 400, errCode: 10098, description: 'workqueue stream requires explicit ack' },
  JSConsumerWQMultipleUnfilteredErr: { code: 400, errCode: 10099, description: 'multiple non-filtered consumers not allowed on workqueue stream' },
  JSConsumerWQConsumerNotUniqueErr: { code: 400, errCode: 10100, description: 'filtered consumer not unique on workqueue stream' },
  JSConsumerWQConsumerNotDeliverAllErr: { code: 400, errCode: 10101, description: 'consumer must be deliver all on workqueue stream' },
  JSConsumerNameTooLongErrF: { code: 400, errCode: 10102, description: 'consumer name is too long, maximum allowed is {max}' },
  JSConsumerBadDurableNameErr: { code: 400, errCode: 10103, description: "durable name can not contain '.', '*', '>'" },
  JSConsumerStoreFailedErrF: { code: 500, errCode: 10104, description: 'error creating store for consumer: {err}' },
  JSConsumerExistingActiveErr: { code: 400, errCode: 10105, description: 'consumer already exists and is still active' },
  JSConsumerReplacementWithDifferentNameErr: { code: 400, errCode: 10106, description: 'consumer replacement durable config not the same' },
  JSConsumerDescriptionTooLongErrF: { code: 400, errCode: 10107, description: 'consumer description is too long, maximum allowed is {max}' },
  JSConsumerWithFlowControlNeedsHeartbeats: { code: 400, errCode: 10108, description: 'consumer with flow control also needs heartbeats' },
  JSStreamSealedErr: { code: 400, errCode: 10109, description: 'invalid operation on sealed stream' },
  JSStreamPurgeFailedF: { code: 500, errCode: 10110, description: '{err}' },
  JSStreamRollupFailedF: { code: 500, errCode: 10111, description: '{err}' },
  JSConsumerInvalidDeliverSubject: { code: 400, errCode: 10112, description: 'invalid push consumer deliver subject' },
  JSStreamMaxBytesRequired: { code: 400, errCode: 10113, description: 'account requires a stream config to have max bytes set' },
  JSConsumerMaxRequestBatchNegativeErr: { code: 400, errCode: 10114, description: 'consumer max request batch needs to be > 0' },
  JSConsumerMaxRequestExpiresToSmall: { code: 400, errCode: 10115, description: 'consumer max request expires needs to be >= 1ms' },
  JSConsumerMaxDeliverBackoffErr: { code: 400, errCode: 10116, description: 'max deliver is required to be > length of backoff values' },
  JSStreamInfoMaxSubjectsErr: { code: 500, errCode: 10117, description: 'subject details would exceed maximum allowed' },
  JSStreamOfflineErr: { code: 500, errCode: 10118, description: 'stream is offline' },
  JSConsumerOfflineErr: { code: 500, errCode: 10119, description: 'consumer is offline' },
  JSNoLimitsErr: { code: 400, errCode: 10120, description: 'no JetStream default or applicable tiered limit present' },
  JSConsumerMaxPendingAckExcessErrF: { code: 400, errCode: 10121, description: 'consumer max ack pending exceeds system limit of {limit}' },
  JSStreamMaxStreamBytesExceeded: { code: 400, errCode: 10122, description: 'stream max bytes exceeds account limit max stream bytes' },
  JSStreamMoveAndScaleErr: { code: 400, errCode: 10123, description: 'can not move and scale a stream in a single update' },
  JSStreamMoveInProgressF: { code: 400, errCode: 10124, description: 'stream move already in progress: {msg}' },
  JSConsumerMaxRequestBatchExceededF: { code: 400, errCode: 10125, description: 'consumer max request batch exceeds server limit of {limit}' },
  JSConsumerReplicasExceedsStream: { code: 400, errCode: 10126, description: 'consumer config replica count exceeds parent stream' },
  JSConsumerNameContainsPathSeparatorsErr: { code: 400, errCode: 10127, description: 'Consumer name can not contain path separators' },
  JSStreamNameContainsPathSeparatorsErr: { code: 400, errCode: 10128, description: 'Stream name can not contain path separators' },
  JSStreamMoveNotInProgress: { code: 400, errCode: 10129, description: 'stream move not in progress' },
  JSStreamNameExistRestoreFailedErr: { code: 400, errCode: 10130, description: 'stream name already in use, cannot restore' },
  JSConsumerCreateFilterSubjectMismatchErr: {
    code: 400,
    errCode: 10131,
    description: 'Consumer create request did not match filtered subject from create subject',
  },
  JSConsumerCreateDurableAndNameMismatch: { code: 400, errCode: 10132, description: 'Consumer Durable and Name have to be equal if both are provided' },
  JSReplicasCountCannotBeNegative: { code: 400, errCode: 10133, description: 'replicas count cannot be negative' },
} as const satisfies Record<string, ApiErrorDef>;
