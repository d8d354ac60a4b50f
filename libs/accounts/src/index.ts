export { Account, GLOBAL_ACCOUNT } from './account.js';
export { UNLIMITED, type AccountLimits } from './limits.js';
export { Permissions, type PermissionsConfig, type SubjectPermission } from './permissions.js';
