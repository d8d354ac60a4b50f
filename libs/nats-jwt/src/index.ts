export { JwtError, type JwtErrorCode } from './errors.js';
export {
  NoLimit,
  CONNECTION_TYPES,
  isRevoked,
  cloneJson,
  type ClaimType,
  type ConnectionType,
  type GenericFields,
  type ClaimsData,
  type Info,
  type Permission,
  type Permissions,
  type ResponsePermission,
  type NatsLimits,
  type TimeRange,
  type UserLimits,
  type UserPermissionLimits,
  type RevocationList,
} from './claims.js';
export { newOperatorClaims, type Operator, type OperatorClaims } from './operator-claims.js';
export {
  newAccountClaims,
  newUserScope,
  defaultOperatorLimits,
  signingKeyOf,
  findSigningKey,
  type Account,
  type AccountClaims,
  type AccountLimits,
  type JetStreamLimits,
  type OperatorLimits,
  type Export,
  type Import,
  type ExportType,
  type ServiceLatency,
  type SigningKey,
  type UserScope,
  type WeightedMapping,
  type ExternalAuthorization,
} from './account-claims.js';
export { newUserClaims, newScopedUserClaims, userAccount, type User, type UserClaims } from './user-claims.js';
export { newActivationClaims, activationHashId, type Activation, type ActivationClaims } from './activation-claims.js';
export {
  encode,
  decode,
  verify,
  checkTimes,
  claimsHash,
  MaxTokenSize,
  type EncodeOptions,
  type VerifyOptions,
  type DecodedJwt,
  type JwtHeader,
  type ClaimsByType,
  type AnyClaims,
} from './jwt.js';
export {
  validateUser,
  validateAccount,
  accountIssues,
  jetStreamLimitsIssues,
  hasWildcards,
  validateOperator,
  validateActivation,
  subjectProblem,
  isSubjectContainedIn,
  type ClaimIssue,
} from './validate.js';
export { trustOperators, trustKeys, isTrustedIssuer, type Trust } from './trust.js';
export {
  authorizeUser,
  type AuthorizeRequest,
  type AuthResult,
  type Authorized,
  type AuthFailure,
  type AuthFailureCode,
  type EffectiveLimits,
} from './chain.js';
export { applyUserScope, isValidSubject, type TemplateContext } from './scope-template.js';
export { connectWindow } from './times.js';
export { sourceAllowed } from './src-limits.js';
export { formatCreds, parseCreds, parseDecoratedJwt, decorateJwt, decorateSeed, type Creds } from './creds.js';
export { verifySignature, isOperatorKey, isAccountKey, isUserKey, newPublicKey, signWithSeed, KeyPrefix, publicKeyOf } from './nkey.js';
export { checkActivation, type ActivationRequest, type ActivationResult, type ActivationFailureCode } from './activation-check.js';
export { checkAccount, type AccountCheck, type AccountCheckOptions, type AccountFailureCode } from './account-check.js';
