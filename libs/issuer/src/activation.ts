// Activation tokens let one account import another's token-required export.
import type { KeyPair } from '@nats-io/nkeys';
import { encode, newActivationClaims } from '@switchboard/nats-jwt';
import type { ExportKind } from './account.js';
import { checkAccountPublicKey } from './user.js';

export interface ActivationSpec {
  /** Importing account's public key. */
  importer: string;
  /** The exported subject (as declared by the export). */
  subject: string;
  type: ExportKind;
  name?: string;
  expiresAt?: Date | null;
}

/** Signed by the exporting account's own key (its public key becomes `iss`). */
export function issueActivation(spec: ActivationSpec, exporter: KeyPair, now = Date.now()): string {
  checkAccountPublicKey(spec.importer, 'importer');
  const c = newActivationClaims(spec.importer, spec.subject, spec.type, spec.name);
  if (spec.expiresAt) c.exp = Math.floor(spec.expiresAt.getTime() / 1000);
  return encode(c, exporter, { now });
}
