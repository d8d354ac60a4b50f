import { subjectIsLiteral, subjectMatches } from './subject.js';
import type { SublistResult, SublistStats, SubscriptionLike } from './types.js';

/**
 * The subscription index: a trie with one level per subject token. Each level holds its
 * literal children in a Map plus at most one `*` node and one `>` node. In front of the
 * trie sits a bounded cache of match results keyed by the published subject, so a
 * repeated publish costs one Map lookup. Cached results are shared and never mutated:
 * inserts replace affected entries with updated copies, removes delete affected entries.
 *
 * Once the cache has overflowed, a subject is cached on its second miss only (see `admit`).
 */

/** nats-server's bound on the match cache, and the size a sweep drains it to. */
const CACHE_MAX = 1024;
const CACHE_SWEEP = 512;

/** Slots of the admission filter (a 16 KiB Uint32Array), made when the cache first overflows. */
const SEEN_SLOTS = 4096;

/** Batches larger than this clear the whole cache instead of scanning it per subscription. */
const BATCH_SCAN_MAX = 8;

class Node<S> {
  next: Level<S> | null = null;
  psubs: Set<S> | null = null;
  qsubs: Map<string, Set<S>> | null = null;

  isEmpty(): boolean {
    return (this.psubs === null || this.psubs.size === 0) && (this.qsubs === null || this.qsubs.size === 0) && (this.next === null || this.next.isEmpty());
  }
}

class Level<S> {
  readonly nodes = new Map<string, Node<S>>();
  pwc: Node<S> | null = null;
  fwc: Node<S> | null = null;

  isEmpty(): boolean {
    return this.nodes.size === 0 && this.pwc === null && this.fwc === null;
  }

  child(token: string): Node<S> | undefined {
    if (token === '*') return this.pwc ?? undefined;
    if (token === '>') return this.fwc ?? undefined;
    return this.nodes.get(token);
  }

  addChild(token: string): Node<S> {
    const n = new Node<S>();
    if (token === '*') this.pwc = n;
    else if (token === '>') this.fwc = n;
    else this.nodes.set(token, n);
    return n;
  }

  prune(token: string): void {
    if (token === '*') this.pwc = null;
    else if (token === '>') this.fwc = null;
    else this.nodes.delete(token);
  }
}

/** A cached result; `used` gives hot subjects a second chance when the cache is swept. */
class CacheEntry<S extends SubscriptionLike> {
  used = false;
  constructor(public result: SublistResult<S>) {}
}

interface MutableResult<S> {
  psubs: S[];
  qsubs: S[][];
}

const EMPTY: SublistResult<never> = Object.freeze({ psubs: Object.freeze([]), qsubs: Object.freeze([]) });

export class Sublist<S extends SubscriptionLike> {
  private readonly root = new Level<S>();
  private readonly cache = new Map<string, CacheEntry<S>>();
  private subs = 0;
  private inserts = 0;
  private removes = 0;
  private matches = 0;
  private hits = 0;
  private readonly cacheEnabled: boolean;
  /** Per slot the hash of the last subject that missed there; null until the first sweep. */
  private seen: Uint32Array | null = null;

  /** `cache: false` matches nats-server's no_sublist_cache: every match walks the trie. */
  constructor(opts: { cache?: boolean } = {}) {
    this.cacheEnabled = opts.cache ?? true;
  }

  /** Adds a subscription (subject assumed valid). Inserting the same object twice is a no-op. */
  insert(sub: S): void {
    const tokens = sub.subject.split('.');
    let l = this.root;
    let n: Node<S> | undefined;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      n = l.child(t) ?? l.addChild(t);
      if (i + 1 < tokens.length) l = n.next ??= new Level<S>();
    }
    if (n === undefined) return;
    if (sub.queue === '') {
      const set = (n.psubs ??= new Set<S>());
      if (set.has(sub)) return;
      set.add(sub);
    } else {
      const groups = (n.qsubs ??= new Map<string, Set<S>>());
      let set = groups.get(sub.queue);
      if (set === undefined) groups.set(sub.queue, (set = new Set<S>()));
      if (set.has(sub)) return;
      set.add(sub);
    }
    this.subs++;
    this.inserts++;
    this.addToCache(sub);
  }

  /** Removes a subscription by identity; false when it was not in the index. */
  remove(sub: S): boolean {
    if (!this.removeFromTrie(sub)) return false;
    this.removeFromCache(sub.subject);
    return true;
  }

  /**
   * Removes many subscriptions (a closing connection). Returns how many were found. For
   * large batches the cache is cleared once instead of being scanned per subscription.
   */
  removeBatch(subs: Iterable<S>): number {
    let removed = 0;
    let wildcards: string[] | null = [];
    for (const sub of subs) {
      if (!this.removeFromTrie(sub)) continue;
      removed++;
      if (wildcards === null) continue;
      if (subjectIsLiteral(sub.subject)) this.cache.delete(sub.subject);
      else if (wildcards.push(sub.subject) > BATCH_SCAN_MAX) wildcards = null;
    }
    if (wildcards === null) this.cache.clear();
    else for (const w of wildcards) this.removeFromCache(w);
    return removed;
  }

  /**
   * Subscriptions interested in the literal `subject`. The result is shared with the
   * cache: read it, never mutate it.
   */
  match(subject: string): SublistResult<S> {
    this.matches++;
    const cached = this.cache.get(subject);
    if (cached !== undefined) {
      this.hits++;
      cached.used = true;
      return cached.result;
    }
    const tokens = splitLiteral(subject);
    if (tokens === null) return EMPTY;
    const r: MutableResult<S> = { psubs: [], qsubs: [] };
    matchLevel(this.root, tokens, 0, r);
    const result: SublistResult<S> = r.psubs.length === 0 && r.qsubs.length === 0 ? EMPTY : r;
    if (!this.cacheEnabled || !this.admit(subject)) return result;
    this.cache.set(subject, new CacheEntry(result));
    if (this.cache.size > CACHE_MAX) this.sweep();
    return result;
  }

  /** Whether anything would receive a message on `subject`, without building a result. */
  hasInterest(subject: string): boolean {
    const cached = this.cache.get(subject);
    if (cached !== undefined) {
      cached.used = true;
      return cached.result.psubs.length > 0 || cached.result.qsubs.length > 0;
    }
    const tokens = splitLiteral(subject);
    return tokens !== null && levelHasInterest(this.root, tokens, 0);
  }

  count(): number {
    return this.subs;
  }

  /** nats-server's SublistStats; fanout is counted over the cached results. */
  stats(): SublistStats {
    let total = 0;
    let max = 0;
    for (const { result: r } of this.cache.values()) {
      const f = r.psubs.length + r.qsubs.length;
      total += f;
      if (f > max) max = f;
    }
    return {
      num_subscriptions: this.subs,
      num_cache: this.cache.size,
      num_inserts: this.inserts,
      num_removes: this.removes,
      num_matches: this.matches,
      cache_hit_rate: this.matches > 0 ? this.hits / this.matches : 0,
      max_fanout: max,
      avg_fanout: total > 0 ? total / this.cache.size : 0,
    };
  }

  /** Every subscription in the index. */
  all(): S[] {
    const out: S[] = [];
    collect(this.root, out);
    return out;
  }

  private removeFromTrie(sub: S): boolean {
    const tokens = sub.subject.split('.');
    const levels: Level<S>[] = [];
    const nodes: Node<S>[] = [];
    let l: Level<S> | null = this.root;
    for (const t of tokens) {
      const n: Node<S> | undefined = l?.child(t);
      if (l === null || n === undefined) return false;
      levels.push(l);
      nodes.push(n);
      l = n.next;
    }
    const n = nodes[nodes.length - 1];
    if (n === undefined) return false;
    if (sub.queue === '') {
      if (n.psubs === null || !n.psubs.delete(sub)) return false;
    } else {
      const set = n.qsubs?.get(sub.queue);
      if (set === undefined || !set.delete(sub)) return false;
      if (set.size === 0) n.qsubs!.delete(sub.queue);
    }
    this.subs--;
    this.removes++;
    // Prune empty nodes bottom-up; a node with content keeps all its ancestors.
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      if (node.next !== null && node.next.isEmpty()) node.next = null;
      if (!node.isEmpty()) break;
      levels[i]!.prune(tokens[i]!);
    }
    return true;
  }

  /** Replaces every cached result the new subscription belongs to with an updated copy. */
  private addToCache(sub: S): void {
    if (this.cache.size === 0) return;
    const subject = sub.subject;
    if (subjectIsLiteral(subject)) {
      const e = this.cache.get(subject);
      if (e !== undefined) e.result = withSub(e.result, sub);
      return;
    }
    const prefix = literalPrefix(subject);
    for (const [key, e] of this.cache) {
      if (key.startsWith(prefix) && subjectMatches(subject, key)) e.result = withSub(e.result, sub);
    }
  }

  /** Drops every cached result a subscription on `subject` may be part of. */
  private removeFromCache(subject: string): void {
    if (this.cache.size === 0) return;
    if (subjectIsLiteral(subject)) {
      this.cache.delete(subject);
      return;
    }
    const prefix = literalPrefix(subject);
    for (const key of this.cache.keys()) {
      if (key.startsWith(prefix) && subjectMatches(subject, key)) this.cache.delete(key);
    }
  }

  /**
   * Whether a missed subject goes into the cache. Until the cache first overflows, every one
   * does (nats-server's behaviour). After that only a subject that missed before does: each
   * one-off subject (a request's reply inbox, two per request/reply) would otherwise hold an
   * entry for hundreds of matches — long enough for V8 to copy it out of the young generation,
   * so the old generation grows with request traffic and GC pauses lengthen (KV get p99).
   */
  private admit(subject: string): boolean {
    const seen = this.seen;
    if (seen === null) return true;
    const h = fnv1a(subject);
    const slot = h & (SEEN_SLOTS - 1);
    if (seen[slot] === h) return true;
    seen[slot] = h;
    return false;
  }

  /**
   * Drains the cache to CACHE_SWEEP entries, oldest first (Map keeps insertion order). An
   * entry hit since the last sweep is moved to the back once instead (second chance), so
   * hot subjects survive a stream of one-off subjects such as reply inboxes.
   */
  private sweep(): void {
    this.seen ??= new Uint32Array(SEEN_SLOTS);
    let excess = this.cache.size - CACHE_SWEEP;
    for (const [key, e] of this.cache) {
      if (excess <= 0) break;
      this.cache.delete(key);
      if (e.used) {
        e.used = false;
        this.cache.set(key, e);
      } else {
        excess--;
      }
    }
  }
}

/**
 * The tokens of a wildcard filter before its first wildcard, with the trailing dot: every
 * subject it matches starts with this, and a native startsWith rejects most cache keys
 * faster than a full match.
 */
function literalPrefix(filter: string): string {
  let start = 0;
  for (let i = 0; i <= filter.length; i++) {
    if (i < filter.length && filter.charCodeAt(i) !== 0x2e) continue;
    if (i - start === 1) {
      const c = filter.charCodeAt(start);
      if (c === 0x2a || c === 0x3e) return filter.slice(0, start);
    }
    start = i + 1;
  }
  return filter;
}

/** 32-bit FNV-1a of the UTF-16 code units: cheap, and spreads similar inboxes over the slots. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Tokens of a published subject, or null when it has an empty token (matches nothing). */
function splitLiteral(subject: string): string[] | null {
  const tokens = subject.split('.');
  for (const t of tokens) if (t.length === 0) return null;
  return tokens;
}

function matchLevel<S extends SubscriptionLike>(l: Level<S> | null, tokens: string[], i: number, r: MutableResult<S>): void {
  let n: Node<S> | undefined;
  let pwc: Node<S> | null = null;
  for (; i < tokens.length; i++) {
    if (l === null) return;
    if (l.fwc !== null) addNode(l.fwc, r);
    pwc = l.pwc;
    if (pwc !== null) matchLevel(pwc.next, tokens, i + 1, r);
    n = l.nodes.get(tokens[i]!);
    l = n === undefined ? null : n.next;
  }
  if (n !== undefined) addNode(n, r);
  if (pwc !== null) addNode(pwc, r);
}

function addNode<S extends SubscriptionLike>(n: Node<S>, r: MutableResult<S>): void {
  if (n.psubs !== null) for (const s of n.psubs) r.psubs.push(s);
  if (n.qsubs === null) return;
  for (const [queue, members] of n.qsubs) {
    const slot = findGroup(r.qsubs, queue);
    if (slot === undefined) r.qsubs.push([...members]);
    else for (const s of members) slot.push(s);
  }
}

/** Groups per result are few: a linear scan beats a Map here (as in nats-server). */
function findGroup<S extends SubscriptionLike>(groups: readonly (readonly S[])[], queue: string): S[] | undefined {
  for (const g of groups) if (g[0]!.queue === queue) return g as S[];
  return undefined;
}

function withSub<S extends SubscriptionLike>(r: SublistResult<S>, sub: S): SublistResult<S> {
  if (sub.queue === '') return { psubs: [...r.psubs, sub], qsubs: r.qsubs };
  const qsubs = r.qsubs.slice();
  const i = qsubs.findIndex((g) => g[0]!.queue === sub.queue);
  if (i < 0) qsubs.push([sub]);
  else qsubs[i] = [...qsubs[i]!, sub];
  return { psubs: r.psubs, qsubs };
}

function nodeHasSubs<S>(n: Node<S>): boolean {
  return (n.psubs !== null && n.psubs.size > 0) || (n.qsubs !== null && n.qsubs.size > 0);
}

function levelHasInterest<S>(l: Level<S> | null, tokens: string[], i: number): boolean {
  let n: Node<S> | undefined;
  let pwc: Node<S> | null = null;
  for (; i < tokens.length; i++) {
    if (l === null) return false;
    if (l.fwc !== null && nodeHasSubs(l.fwc)) return true;
    pwc = l.pwc;
    if (pwc !== null && levelHasInterest(pwc.next, tokens, i + 1)) return true;
    n = l.nodes.get(tokens[i]!);
    l = n === undefined ? null : n.next;
  }
  return (n !== undefined && nodeHasSubs(n)) || (pwc !== null && nodeHasSubs(pwc));
}

function collect<S>(l: Level<S>, out: S[]): void {
  const visit = (n: Node<S>): void => {
    if (n.psubs !== null) for (const s of n.psubs) out.push(s);
    if (n.qsubs !== null) for (const g of n.qsubs.values()) for (const s of g) out.push(s);
    if (n.next !== null) collect(n.next, out);
  };
  for (const n of l.nodes.values()) visit(n);
  if (l.pwc !== null) visit(l.pwc);
  if (l.fwc !== null) visit(l.fwc);
}
