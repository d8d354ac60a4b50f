import { isSubsetMatch } from '@switchboard/subjects';
import type { ServiceLatencyConfig } from './latency.js';

/** nats-server's service response types. */
export type ResponseType = 'Singleton' | 'Stream' | 'Chunked';

/** nats-server's default time a service export waits for responses (2 minutes). */
export const DEFAULT_RESPONSE_THRESHOLD = 2 * 60_000;

/**
 * Who may import an export (nats-server's exportAuth). Public when nothing is set; else the
 * importer must be named in `approved`, or sit at `accountTokenPosition` of the imported
 * subject, or (`tokenReq`) hold an activation the caller verifies
 * (activation revocations are part of that check).
 */
export interface ExportAuth {
  tokenReq: boolean;
  approved: ReadonlySet<string> | null;
  /** 1-based token of the subject that must be the importer's name; 0 = unused. */
  accountTokenPosition: number;
}

export interface StreamExport {
  readonly subject: string;
  readonly auth: ExportAuth;
}

export interface ServiceExport {
  readonly subject: string;
  readonly auth: ExportAuth;
  readonly responseType: ResponseType;
  /** How long (ms) a response mapping lives without traffic. */
  readonly responseThreshold: number;
  /** Latency tracking (`service_latency`); absent when off, and requests pay nothing for it. */
  readonly latency?: ServiceLatencyConfig;
}

/** Checks an activation for `importer` (JWT accounts); config accounts have none. */
export type ActivationCheck = (importer: string) => boolean;

export function isPublic(auth: ExportAuth): boolean {
  return !auth.tokenReq && auth.approved === null && auth.accountTokenPosition === 0;
}

/**
 * nats-server's checkAuth: may `importer` import `subject` under this export? `exact` when the
 * import names the export's subject as written (account token positions then never match, as
 * in nats-server).
 */
export function authorizes(auth: ExportAuth, importer: string, subject: string, exact: boolean, activation?: ActivationCheck): boolean {
  if (isPublic(auth)) return true;
  if (auth.accountTokenPosition > 0) {
    if (exact) return false;
    const tokens = subject.split('.');
    return auth.accountTokenPosition <= tokens.length && tokens[auth.accountTokenPosition - 1] === importer;
  }
  if (auth.tokenReq) return activation !== undefined && activation(importer);
  return auth.approved !== null && auth.approved.has(importer);
}

/**
 * The export that covers an import of `subject` (nats-server's check...ExportApproved): the one
 * written the same first, else any whose subject contains it. Undefined when none.
 */
export function findExport<E extends { subject: string }>(exports: ReadonlyMap<string, E>, subject: string): { exp: E; exact: boolean } | undefined {
  const direct = exports.get(subject);
  if (direct) return { exp: direct, exact: true };
  for (const e of exports.values()) if (isSubsetMatch(subject, e.subject)) return { exp: e, exact: false };
  return undefined;
}
