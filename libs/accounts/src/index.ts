export { Account, GLOBAL_ACCOUNT } from './account.js';
export { UNLIMITED, type AccountLimits } from './limits.js';
export { Permissions, type PermissionsConfig, type SubjectPermission } from './permissions.js';
export { authorizes, findExport, isPublic, DEFAULT_RESPONSE_THRESHOLD, type ExportAuth, type ResponseType, type ServiceExport, type StreamExport, type ActivationCheck } from './export.js';
export { StreamImport, ServiceImport } from './import.js';
export { Responses, ResponseImport, REPLY_PREFIX } from './service-import.js';
export { Transform, TransformError, tokenizeWildcards, untokenizeWildcards } from './transform.js';
export { applyAccountClaims, setExports, setImports, SharingError, type ExportDecl, type SharingClaims, type ActivationVerifier, type RefusedImport } from './sharing.js';
export { jwtActivations } from './activation.js';
