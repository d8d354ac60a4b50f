import { isSubsetMatch, Sublist, subjectIsLiteral, type SubscriptionLike } from '@switchboard/subjects';

/** Allow and deny lists of one direction (nats-server's SubjectPermission). */
export interface SubjectPermission {
  /** Absent = everything allowed (the deny list may still refuse). */
  allow?: string[];
  deny?: string[];
}

/** A user's permissions as configured (nats-server's Permissions). */
export interface PermissionsConfig {
  publish?: SubjectPermission;
  /** Entries may be `subject` or `subject queue`. */
  subscribe?: SubjectPermission;
}

interface Entry extends SubscriptionLike {}

/** Verdicts kept per published subject; bounded like nats-server's pcache. */
const PUB_CACHE_MAX = 1024;

/**
 * Enforces a user's publish/subscribe permissions the way nats-server does: the allow list
 * (when present) must match, then the deny list must not. A wildcard subscription that passes
 * but overlaps a denied subject turns on per-message filtering (`deniesDelivery`).
 */
export class Permissions {
  private readonly pubAllow: Sublist<Entry> | null;
  private readonly pubDeny: Sublist<Entry> | null;
  private readonly subAllow: Sublist<Entry> | null;
  private readonly subDeny: Sublist<Entry> | null;
  private readonly subDenyList: readonly string[];
  private readonly pubCache = new Map<string, boolean>();

  constructor(readonly config: PermissionsConfig) {
    const p = config.publish;
    const s = config.subscribe;
    this.pubAllow = p?.allow ? list(p.allow) : null;
    this.pubDeny = p?.deny?.length ? list(p.deny) : null;
    this.subAllow = s?.allow?.length ? list(s.allow) : null;
    this.subDeny = s?.deny?.length ? list(s.deny) : null;
    this.subDenyList = s?.deny ?? [];
  }

  canPublish(subject: string): boolean {
    if (this.pubAllow === null && this.pubDeny === null) return true;
    const cached = this.pubCache.get(subject);
    if (cached !== undefined) return cached;
    let allowed = this.pubAllow === null || this.pubAllow.match(subject).psubs.length > 0;
    if (allowed && this.pubDeny !== null) allowed = this.pubDeny.match(subject).psubs.length === 0;
    if (this.pubCache.size >= PUB_CACHE_MAX) this.pubCache.clear();
    this.pubCache.set(subject, allowed);
    return allowed;
  }

  /** `subject` may hold wildcards: its tokens are matched against the lists as written. */
  canSubscribe(subject: string, queue: string): boolean {
    let allowed = true;
    if (this.subAllow !== null) {
      const r = this.subAllow.match(subject);
      allowed = r.psubs.length > 0;
      if (queue !== '' && r.qsubs.length > 0) allowed = queueMatches(queue, r.qsubs);
    }
    if (allowed && this.subDeny !== null) {
      const r = this.subDeny.match(subject);
      allowed = r.psubs.length === 0;
      if (queue !== '' && r.qsubs.length > 0) allowed = !queueMatches(queue, r.qsubs);
    }
    return allowed;
  }

  /** Whether a wildcard subscription on `subject` could receive denied subjects. */
  overlapsDeny(subject: string): boolean {
    if (subjectIsLiteral(subject)) return false;
    for (const d of this.subDenyList) if (isSubsetMatch(entry(d).subject, subject)) return true;
    return false;
  }

  /** A message on literal `subject` must not reach this user's wildcard subscriptions. */
  deniesDelivery(subject: string): boolean {
    return this.subDeny !== null && this.subDeny.match(subject).psubs.length > 0;
  }
}

function entry(text: string): Entry {
  // nats-server's splitSubjectQueue: "subject" or "subject queue".
  const [subject = '', queue = ''] = text.trim().split(/\s+/);
  return { subject, queue };
}

function list(subjects: readonly string[]): Sublist<Entry> {
  const sl = new Sublist<Entry>();
  for (const s of subjects) sl.insert(entry(s));
  return sl;
}

function queueMatches(queue: string, qsubs: readonly (readonly Entry[])[]): boolean {
  for (const g of qsubs) {
    const name = g[0]!.queue;
    if (queue === name || (!subjectIsLiteral(name) && isSubsetMatch(queue, name))) return true;
  }
  return false;
}
