export { hashPassword, verifyPassword, passwordProblem, decoyHash, PASSWORD_MIN, PASSWORD_MAX } from './password.js';
export { newSecret, hashSecret, sameSecret } from './secret.js';
export {
  MEMBER_ROLES,
  ASSIGNABLE_ROLES,
  apiRoleOf,
  memberChangeProblem,
  READ_ONLY_ROLES,
  SAFE_METHODS,
  type MemberRole,
  type AssignableRole,
  type ApiRole,
} from './roles.js';
export { SignInLimiter, DEFAULT_SIGN_IN_LIMITS, type SignInLimits } from './sign-in-limiter.js';
