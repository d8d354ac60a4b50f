// Tenancy rules the control plane enforces, as pure functions: each answers why a change is refused
// (a message for the API's error) or undefined when it is allowed. Services load the rows (under the
// locks that make the answer hold) and turn a refusal into their HTTP error.
import { isSubsetMatch } from '@switchboard/subjects';

export type TenantStatus = 'active' | 'suspended';

/** A suspended tenant's API tokens are refused (403) and its account JWTs revoke every user ("*"). */
export function isSuspended(status: string): boolean {
  return status !== 'active';
}

/** A plan caps the NATS accounts of a tenant (counted under the tenant's row lock). */
export function accountLimitProblem(plan: { name: string; maxAccounts: number }, accounts: number): string | undefined {
  return accounts >= plan.maxAccounts ? `plan ${plan.name} allows ${plan.maxAccounts} account(s)` : undefined;
}

/** The system account belongs to the operator (no tenant): brokers need it, so it is never deleted. */
export function accountDeletionProblem(account: { tenantId: string | null }): string | undefined {
  return account.tenantId === null ? 'the system account cannot be deleted' : undefined;
}

/**
 * Revoking an account signing key: it must be one of the active ones ('unknown': answer 404), and
 * not the last (users could no longer be issued; rotate instead).
 */
export function signingKeyRevocationProblem(active: readonly string[], publicKey: string): 'unknown' | string | undefined {
  if (!active.includes(publicKey)) return 'unknown';
  if (active.length === 1) return 'cannot remove the last signing key: add a new one first (or POST with ?rotate=true)';
  return undefined;
}

/** A tenant's API token makes tokens (and members) for its own tenant only; operators name any. */
export function tenantScopeProblem(callerTenant: string | undefined, requested: string | undefined): string | undefined {
  if (callerTenant === undefined || requested === undefined || requested === callerTenant) return undefined;
  return 'a tenant can only act on itself';
}

export interface ImportRequest {
  importer: string;
  exporter: string;
  subject: string;
  type: 'stream' | 'service';
  token?: string;
}

/**
 * Whether an import can ever work, as far as this control plane knows the exporter: not from itself,
 * and with an activation token when the export it falls under requires one (nats-server refuses such
 * an import without a token, so storing it would only make a broken account). `exports` are the
 * exporter's, when it is one of ours (else the broker decides). Field and message for the 400.
 */
export function importProblem(
  i: ImportRequest,
  exports: readonly { subject: string; type: string; tokenRequired: boolean }[],
): { field: 'account' | 'token'; message: string } | undefined {
  if (i.importer === i.exporter) return { field: 'account', message: 'an account cannot import from itself' };
  const covering = exports.filter((e) => e.type === i.type && isSubsetMatch(i.subject, e.subject));
  if (!i.token && covering.length > 0 && covering.every((e) => e.tokenRequired)) {
    return {
      field: 'token',
      message: `export ${covering[0]!.subject} requires an activation token: a token is needed for this import (the exporter issues it)`,
    };
  }
  return undefined;
}
