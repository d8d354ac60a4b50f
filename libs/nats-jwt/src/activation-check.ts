import type { AccountClaims, Import } from './account-claims.js';
import { findSigningKey } from './account-claims.js';
import type { ActivationClaims } from './activation-claims.js';
import { isRevoked } from './claims.js';
import { JwtError } from './errors.js';
import { verify } from './jwt.js';
import { isSubjectContainedIn, validateActivation } from './validate.js';

// nats-server's checkActivation (server/accounts.go) with nats-io/jwt's Import.Validate: may the
// importing account use an export that requires a token, given the activation JWT in its import?

export type ActivationFailureCode =
  | 'activation_missing'
  | 'activation_invalid'
  | 'activation_expired'
  | 'activation_not_yet_valid'
  | 'activation_wrong_account'
  | 'activation_wrong_type'
  | 'activation_wrong_subject'
  | 'activation_not_trusted'
  | 'activation_revoked';

export type ActivationResult = { ok: true; claims: ActivationClaims; expiresAt?: number } | { ok: false; code: ActivationFailureCode; reason: string };

export interface ActivationRequest {
  /** Public key of the account holding the import. */
  importer: string;
  /** The import as it appears in the importer's account JWT (its `token` is the activation). */
  import: Import;
  /** The exporting account's claims (already verified by the caller). */
  exporter: AccountClaims;
  /** Epoch ms (default Date.now()). */
  now?: number;
}

export function checkActivation(req: ActivationRequest): ActivationResult {
  const imp = req.import;
  const exporter = req.exporter.sub;
  if (!imp?.token)
    return { ok: false, code: 'activation_missing', reason: `import ${JSON.stringify(String(imp?.subject)).slice(0, 80)} has no activation token` };
  let act: ActivationClaims;
  try {
    act = verify(imp.token, { type: 'activation', now: req.now ?? Date.now() }).claims;
  } catch (e) {
    const code =
      e instanceof JwtError && e.code === 'expired'
        ? 'activation_expired'
        : e instanceof JwtError && e.code === 'not_yet_valid'
          ? 'activation_not_yet_valid'
          : 'activation_invalid';
    return { ok: false, code, reason: `activation for ${req.importer} not valid: ${e instanceof JwtError ? e.message : 'malformed'}` };
  }
  const problems = validateActivation(act);
  if (problems.length > 0) return { ok: false, code: 'activation_invalid', reason: `activation for ${req.importer} not valid: ${problems[0]}` };
  if (act.sub !== req.importer) return { ok: false, code: 'activation_wrong_account', reason: `activation is for ${act.sub}, not ${req.importer}` };
  if (imp.account !== exporter || (act.iss !== exporter && act.nats.issuer_account !== exporter)) {
    return { ok: false, code: 'activation_wrong_account', reason: `activation for ${req.importer} was not issued by the exporting account ${exporter}` };
  }
  // Issued by the exporter itself, or by one of its signing keys naming it as issuer_account.
  if (act.iss !== exporter && !(act.nats.issuer_account === exporter && findSigningKey(req.exporter.nats, act.iss!) !== undefined)) {
    return { ok: false, code: 'activation_not_trusted', reason: `activation issuer ${act.iss} is not a signing key of ${exporter}` };
  }
  if (act.nats.kind !== imp.type)
    return { ok: false, code: 'activation_wrong_type', reason: `activation is for a ${act.nats.kind}, import is a ${String(imp.type)}` };
  const subject = imp.type === 'service' && imp.to ? imp.to : imp.subject;
  if (typeof subject !== 'string' || !isSubjectContainedIn(subject, act.nats.subject!)) {
    return {
      ok: false,
      code: 'activation_wrong_subject',
      reason: `activation subject ${JSON.stringify(act.nats.subject)} does not cover import ${JSON.stringify(String(subject)).slice(0, 80)}`,
    };
  }
  // Export revocations are keyed by the importing account (or "*").
  const exp = (req.exporter.nats.exports ?? []).find(
    (e) => e && e.type === imp.type && typeof e.subject === 'string' && isSubjectContainedIn(act.nats.subject!, e.subject),
  );
  if (exp && isRevoked(exp.revocations, req.importer, act.iat))
    return { ok: false, code: 'activation_revoked', reason: `activation for ${req.importer} revoked by ${exporter}` };
  return act.exp ? { ok: true, claims: act, expiresAt: act.exp * 1000 } : { ok: true, claims: act };
}
