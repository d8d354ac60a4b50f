import type { ClaimsData, GenericFields } from './claims.js';

export interface Operator extends GenericFields {
  signing_keys?: string[];
  account_server_url?: string;
  operator_service_urls?: string[];
  system_account?: string;
  assert_server_version?: string;
  strict_signing_key_usage?: boolean;
}

export type OperatorClaims = ClaimsData<Operator>;

/** Operator claims for `subject` (an O… key), self-issued, as nats-io/jwt's NewOperatorClaims. */
export function newOperatorClaims(subject: string, name?: string): OperatorClaims {
  const c: OperatorClaims = { sub: subject, nats: { type: 'operator', version: 2 } };
  if (name !== undefined) c.name = name;
  return c;
}
