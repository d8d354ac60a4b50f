// An account's claims are rebuilt whole from what the database holds (plan limits + overrides,
// exports, imports, revocations, signing keys): no incremental edits of a previous token, so the
// stored JWT is always a function of the rows. account-jwt.ts validates, signs and stores them.
import { newAccountClaims, type AccountClaims, type Export, type Import } from '@switchboard/nats-jwt';
import { limitTags, natsLimits, type Limits } from './limits.js';

export type ExportKind = 'stream' | 'service';

export interface ExportSpec {
  name: string;
  subject: string;
  type: ExportKind;
  tokenRequired?: boolean;
  responseType?: 'Singleton' | 'Stream' | 'Chunked' | null;
  accountTokenPosition?: number | null;
}

export interface ImportSpec {
  name: string;
  /** Exporting account's public key. */
  account: string;
  subject: string;
  localSubject?: string | null;
  type: ExportKind;
  token?: string | null;
}

export interface AccountSpec {
  publicKey: string;
  name: string;
  limits: Limits;
  /** Over its monthly quota: publishers held (`sb:rate_msgs=0`). */
  overQuota?: boolean;
  /** Its tenant is suspended: every user JWT issued up to the signing is revoked (`*`). */
  suspended?: boolean;
  signingKeys: readonly string[];
  exports?: readonly ExportSpec[];
  imports?: readonly ImportSpec[];
  /** Revoked user public key -> revocation time (tokens issued at or before it are refused). */
  revocations?: ReadonlyMap<string, Date> | Readonly<Record<string, Date>>;
}

/** The claims of `spec` (suspension is applied when signing: it needs the signing time). */
export function accountClaims(spec: AccountSpec): AccountClaims {
  const c = newAccountClaims(spec.publicKey, spec.name);
  c.nats.limits = natsLimits(spec.limits);
  const tags = limitTags(spec.limits, spec.overQuota);
  if (tags.length) c.nats.tags = tags;
  if (spec.signingKeys.length) c.nats.signing_keys = [...spec.signingKeys];
  if (spec.exports?.length) c.nats.exports = spec.exports.map(exportClaim);
  if (spec.imports?.length) c.nats.imports = spec.imports.map(importClaim);
  const revoked = spec.revocations instanceof Map ? [...spec.revocations] : Object.entries(spec.revocations ?? {});
  if (revoked.length) c.nats.revocations = Object.fromEntries(revoked.map(([k, at]) => [k, Math.floor(at.getTime() / 1000)]));
  return c;
}

function exportClaim(e: ExportSpec): Export {
  const out: Export = { name: e.name, subject: e.subject, type: e.type };
  if (e.tokenRequired) out.token_req = true;
  if (e.type === 'service' && e.responseType) out.response_type = e.responseType;
  if (e.accountTokenPosition) out.account_token_position = e.accountTokenPosition;
  return out;
}

function importClaim(i: ImportSpec): Import {
  const out: Import = { name: i.name, subject: i.subject, account: i.account, type: i.type };
  if (i.localSubject) out.local_subject = i.localSubject;
  if (i.token) out.token = i.token;
  return out;
}
