/**
 * Per-account limits. -1 means unlimited, as in nats-server's account JWT claims.
 *
 * nats-server's own (from the account JWT's `nats.limits`): `conn` (connections of the account
 * on this server), `subs` and `payload` (applied per connection, checked against nats-server 2.9).
 * Switchboard's additions ride in the JWT's `tags` (nats-server keeps tags and ignores them, so
 * the same JWT still works there) or, for config-file accounts, a `switchboard { }` block:
 *   sb:subs_total=<n>   subscriptions across all of the account's connections
 *   sb:rate_msgs=<n>    messages per second published by the account (token bucket)
 *   sb:rate_bytes=<n>   payload bytes per second published by the account
 */
export interface AccountLimits {
  maxConnections: number;
  /** Per connection (nats-server's account `subs`). */
  maxSubscriptions: number;
  maxPayload: number;
  /** Across all connections of the account (Switchboard). */
  maxAccountSubscriptions: number;
  /** Publish rate of the whole account (Switchboard): messages and payload bytes per second. */
  rateMsgs: number;
  rateBytes: number;
  /** Leaf node connections bound to the account on this server (nats-server's account `leaf`). */
  maxLeafNodes: number;
}

export const UNLIMITED: Readonly<AccountLimits> = Object.freeze({
  maxConnections: -1,
  maxSubscriptions: -1,
  maxPayload: -1,
  maxAccountSubscriptions: -1,
  rateMsgs: -1,
  rateBytes: -1,
  maxLeafNodes: -1,
});

/** The Switchboard limits and their tag / config key names (one vocabulary for both). */
export const EXTENSION_KEYS = {
  subs_total: 'maxAccountSubscriptions',
  rate_msgs: 'rateMsgs',
  rate_bytes: 'rateBytes',
} as const satisfies Record<string, keyof AccountLimits>;
export type ExtensionKey = keyof typeof EXTENSION_KEYS;
const TAG_PREFIX = 'sb:';

/** What the broker reads from an account JWT's claims (`nats` section). */
export interface LimitClaims {
  limits?: { conn?: number; leaf?: number; subs?: number; payload?: number; imports?: number; exports?: number };
  tags?: unknown;
  imports?: unknown[];
  exports?: unknown[];
}

/**
 * Why nats-server 2.9 would not load this account JWT because of its own limits (its
 * validation issues, same wording), or null. Its users are then refused (Authorization Violation).
 */
export function limitViolation(nats: LimitClaims): string | null {
  const l = nats.limits ?? {};
  const imports = nats.imports?.length ?? 0;
  const exports = nats.exports ?? [];
  if (typeof l.imports === 'number' && l.imports >= 0 && imports > l.imports) return 'the account contains more imports than allowed by the operator';
  if (typeof l.exports === 'number' && l.exports >= 0 && exports.length > l.exports) return 'the account contains more exports than allowed by the operator';
  // `wildcards: false` is not enforced by nats-server 2.9 (a wildcard export still loads): matched.
  return null;
}

/**
 * Limits from an account JWT. A JWT limit that is absent is unlimited; nats-server treats an
 * absent `conn` as 0, but every JWT nsc or our issuer writes spells the limits out.
 * Malformed `sb:` tags are ignored (the JWT must stay valid for nats-server too).
 */
export function limitsFromClaims(nats: LimitClaims): AccountLimits {
  const l = nats.limits ?? {};
  const out: AccountLimits = {
    ...UNLIMITED,
    maxConnections: jwtLimit(l.conn, true),
    maxLeafNodes: jwtLimit(l.leaf, true),
    // An account's subs/payload of 0 means unset, as authorizeUser reads them.
    maxSubscriptions: jwtLimit(l.subs, false),
    maxPayload: jwtLimit(l.payload, false),
  };
  if (Array.isArray(nats.tags)) {
    for (const t of nats.tags) {
      if (typeof t !== 'string' || !t.toLowerCase().startsWith(TAG_PREFIX)) continue;
      const eq = t.indexOf('=');
      if (eq < 0) continue;
      const key = t.slice(TAG_PREFIX.length, eq).trim().toLowerCase();
      const n = parseLimit(t.slice(eq + 1).trim());
      if (n !== null && key in EXTENSION_KEYS) out[EXTENSION_KEYS[key as ExtensionKey]] = n;
    }
  }
  return out;
}

/** `sb:` tags for the Switchboard limits that are set (for issuers writing account JWTs). */
export function extensionTags(limits: Partial<AccountLimits>): string[] {
  const tags: string[] = [];
  for (const [key, field] of Object.entries(EXTENSION_KEYS)) {
    const v = limits[field];
    if (typeof v === 'number' && v >= 0) tags.push(`${TAG_PREFIX}${key}=${v}`);
  }
  return tags;
}

function jwtLimit(v: number | undefined, zeroIsLimit: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return -1;
  if (v === 0 && !zeroIsLimit) return -1;
  return Math.floor(v);
}

/** A non-negative integer, or null. */
function parseLimit(s: string): number | null {
  if (!/^\d{1,15}$/.test(s)) return null;
  return Number(s);
}
