/**
 * What the subscription index needs to know about a subscription. The broker's own
 * subscription class implements this; the index stores the objects it is given.
 */
export interface SubscriptionLike {
  /** Subject filter, may contain `*` and `>` tokens. */
  readonly subject: string;
  /** Queue group name, '' when not a queue subscription. */
  readonly queue: string;
}

/**
 * Result of a match. Shared between calls through the match cache: callers must treat it
 * as read-only. `qsubs` holds one array per queue group (members of that group).
 */
export interface SublistResult<S extends SubscriptionLike> {
  readonly psubs: readonly S[];
  readonly qsubs: readonly (readonly S[])[];
}

/** Field names as nats-server's /subsz (SublistStats). */
export interface SublistStats {
  num_subscriptions: number;
  num_cache: number;
  num_inserts: number;
  num_removes: number;
  num_matches: number;
  cache_hit_rate: number;
  max_fanout: number;
  avg_fanout: number;
}
