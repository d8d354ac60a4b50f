import { isSubsetMatch, subjectIsLiteral, type SubscriptionLike } from '@switchboard/subjects';
import type { ServiceExport } from './export.js';
import { Transform, tokenizeWildcards, untokenizeWildcards } from './transform.js';

/**
 * A stream import: messages published in `exporter` on `from` appear in the importing account
 * on `to`. Subscriptions in the importer that overlap `to` get a shadow subscription in the
 * exporter on the matching exporter-side subject (`shadowSubject`).
 */
export class StreamImport<A> {
  /** Maps an exporter subject to the local one when `from` has wildcards and `to` differs. */
  readonly tr: Transform | null;
  /** `to` equals a wildcard `from`: messages keep their published subject. */
  readonly usePub: boolean;
  private rtr: Transform | null = null;

  constructor(
    readonly exporter: A,
    readonly from: string,
    readonly to: string,
  ) {
    const wild = !subjectIsLiteral(from);
    this.usePub = wild && to === from;
    this.tr = wild && !this.usePub ? new Transform(from, tokenizeWildcards(to)) : null;
  }

  /** The importer-side subject of a message published on `subject` in the exporter. */
  localSubject(subject: string): string {
    if (this.tr !== null) return this.tr.apply(subject);
    return this.usePub ? subject : this.to;
  }

  /**
   * The exporter-side subject a subscription on `sub` (importer side) listens to through this
   * import, or null when they do not overlap (nats-server's addShadowSubscriptions).
   */
  shadowSubject(sub: string): string | null {
    if (sub === this.to) return this.from;
    if (isSubsetMatch(sub, this.to)) return this.dynamic(sub);
    if (subjectIsLiteral(sub)) return null;
    if (isSubsetMatch(this.to, sub)) return this.from;
    const overlap = overlapOf(sub, this.to);
    return overlap !== null ? this.dynamic(overlap) : null;
  }

  private dynamic(sub: string): string {
    if (!this.usePub && this.tr !== null) return (this.rtr ??= this.tr.reverse()).apply(sub);
    return this.usePub ? sub : this.from;
  }
}

/** The narrower subject where wildcard `sub` and `imp` overlap, as nats-server builds it. */
function overlapOf(sub: string, imp: string): string | null {
  const t = sub.split('.');
  const it = imp.split('.');
  for (let i = 0; i < t.length && i < it.length; i++) if (t[i] === '*' && it[i] !== '>') t[i] = it[i]!;
  const last = t.length - 1;
  if (t[last] === '>' && it.length >= t.length) {
    t[last] = it[last]!;
    t.push(...it.slice(t.length));
  }
  const o = t.join('.');
  return isSubsetMatch(o, imp) ? o : null;
}

/**
 * A service import: requests published in the importing account on `from` (local subject) are
 * routed into `exporter` on `to`, with their reply subject mapped (see Responses). Stored in
 * the importer's service-import index, so it is subscription-like on `from`.
 */
export class ServiceImport<A> implements SubscriptionLike {
  readonly queue = '';
  readonly tr: Transform | null;
  readonly usePub: boolean;

  constructor(
    readonly importer: A,
    readonly exporter: A,
    /** Local subject in the importer. */
    readonly from: string,
    /** Subject in the exporter. */
    readonly to: string,
    readonly exp: ServiceExport,
    /** Share the requester's details with the exporter (Nats-Request-Info). */
    readonly share: boolean,
  ) {
    const wild = !subjectIsLiteral(to);
    this.usePub = wild && to === from;
    // As nats-server: a transform from the local subject's wildcards into the exporter's.
    this.tr = wild && !this.usePub ? new Transform(from, tokenizeWildcards(untokenizeWildcards(to))) : null;
  }

  get subject(): string {
    return this.from;
  }

  /** The exporter-side subject for a request published on `subject`. */
  remoteSubject(subject: string): string {
    if (this.tr !== null) return this.tr.apply(subject);
    return this.usePub ? subject : this.to;
  }
}
