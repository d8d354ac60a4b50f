import { checkActivation, type AccountClaims } from '@switchboard/nats-jwt';
import type { Account } from './account.js';
import type { ActivationVerifier } from './exports-imports.js';

/**
 * Activation checks for JWT accounts: an import of a `token_req` export must carry an
 * activation JWT that the exporting account (or one of its signing keys) issued to the
 * importer, for a subject within the export, not expired and not revoked by the export.
 * Accounts are named by their public keys; `claimsOf` gives an exporter's current claims.
 */
export function jwtActivations<A extends Account>(
  claimsOf: (account: string) => AccountClaims | undefined,
  now: () => number = Date.now,
): ActivationVerifier<A> {
  return (imp, exporter, importer) => {
    const claims = claimsOf(exporter.name);
    return claims !== undefined && checkActivation({ importer: importer.name, import: imp, exporter: claims, now: now() }).ok;
  };
}
