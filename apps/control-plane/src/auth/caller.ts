// Who is calling: resolved once per request by AuthGuard from the bearer token.
import { createParamDecorator, NotFoundException, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Role } from '@switchboard/issuer';

export interface Caller {
  role: Role;
  /** Tenant id for tenant roles; undefined for operator admins. */
  tenantId?: string;
  /** Member id when the token belongs to a member. */
  memberId?: string;
  /** The api_tokens row, absent for the fixed SWITCHBOARD_ADMIN_TOKEN. */
  tokenId?: string;
  /** For the audit log: "member:<id>", "token:<id>", "person:<id>" (operators) or "admin-token". */
  actor: string;
  /** Set when the caller came with a console session cookie rather than a bearer token. */
  session?: { id: string; personId: string; csrfToken: string };
}

export const ROLES_KEY = 'switchboard:roles';
export const PUBLIC_KEY = 'switchboard:public';

/** Only these roles may call the route (default: any authenticated caller). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** No token needed (signup). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
export const READ_ONLY_OK_KEY = 'switchboard:read-only-ok';
/** Read-only roles (viewers) may call this changing route too: it changes only their own session. */
export const ReadOnlyOk = () => SetMetadata(READ_ONLY_OK_KEY, true);

export const CallerParam = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  return ctx.switchToHttp().getRequest<{ caller?: Caller }>().caller!;
});

export const isOperator = (c: Caller) => c.role === 'operator_admin';

/** Prisma `where` fragment limiting rows to the caller's tenant (operators see all). */
export function tenantScope(c: Caller): { tenantId?: string } {
  return isOperator(c) ? {} : { tenantId: c.tenantId! };
}

/** Another tenant's object answers as if it did not exist. */
export function notFound(what: string): NotFoundException {
  return new NotFoundException(`${what} not found`);
}
