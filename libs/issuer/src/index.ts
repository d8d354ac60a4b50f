export { IssuerError, type IssuerErrorCode } from './errors.js';
export { newSealedKey, openSigner, type SealedKey, type KeyKind, type Bytes } from './keys.js';
export {
  FLAG_LIMIT_KEYS,
  INT32_LIMIT_KEYS,
  LIMIT_KEYS,
  UNLIMITED,
  effectiveLimits,
  isFlagLimit,
  limitTags,
  limitsOf,
  natsLimits,
  type CountLimitKey,
  type FlagLimitKey,
  type Limits,
} from './limits.js';
export { durationField } from './duration.js';
export { accountClaims, type AccountSpec, type ExportSpec, type ImportSpec, type ExportKind } from './account.js';
export {
  signAccount,
  resignAccount,
  lockAccount,
  accountSpecOf,
  accountLimits,
  type AccountRows,
  type SignedAccount,
  type SignAccountOptions,
  type Tx,
} from './account-jwt.js';
export { loadOperatorSigner, loadSystemCreds, OperatorKeysError, type OperatorSigner } from './operator-keys.js';
export { bootstrapOperator, apiTokenKeyContext, SYSTEM_ACCOUNT_NAME, SYSTEM_USER_NAME, type OperatorBootstrap, type OperatorOptions } from './operator.js';
export { checkUserPublicKey, checkAccountPublicKey, expiryOf, issueUserJwt, type UserSpec, type UserPermissionsInput } from './user.js';
export { issueActivation, type ActivationSpec } from './activation.js';
export { ApiTokenSigner, ROLES, type Role, type ApiTokenClaims } from './api-token.js';
export {
  RecordingPropagationQueue,
  isInspectable,
  type InspectableQueue,
  type QueueCounts,
  type DeadLetterView,
  type PropagationQueue,
} from './propagation.js';
export {
  accountDeletionProblem,
  accountLimitProblem,
  importProblem,
  isSuspended,
  signingKeyRevocationProblem,
  tenantScopeProblem,
  type ImportRequest,
  type TenantStatus,
} from './rules.js';
export { issueKvReader, kvReaderPermissions, KV_BUCKET, KV_KEY, KV_READER_TTL_MS, type KvReader } from './kv-reader.js';
