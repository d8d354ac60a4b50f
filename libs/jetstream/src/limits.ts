import type { AccountJs, AccountLimits } from './account-js.js';
import { JSErr, apiError, type ApiError } from './errors.js';
import type { JetStream } from './jetstream.js';
import type { Stream } from './stream.js';
import type { StreamConfig } from './stream-config.js';

/**
 * An account's JetStream limits, read as nats-server 2.9.10 reads them (accounts.go from the
 * account JWT, opts.go from a config-file account), and checked where its jsAccount checks them:
 * stream create/update (10120, 10027, 10026, 10028/10047 reservations, 10113, 10122), publish
 * (10002) and consumer create (max_ack_pending 10121, consumers per stream 10026, through the
 * `consumerLimits` hook). Streams are R1 here, so usage of tier R1 is the account's usage.
 */

/** nats-server's JetStreamAccountLimits. -1 = unlimited; the per-stream caps and max ack pending: ≤ 0 = none. */
export interface JsTierLimits {
  maxMemory: number;
  maxStore: number;
  maxStreams: number;
  maxConsumers: number;
  maxAckPending: number;
  memoryMaxStreamBytes: number;
  storeMaxStreamBytes: number;
  maxBytesRequired: boolean;
}

/** Limits by tier: `''` holds plain (untiered) limits that apply to every stream, else `R1`, `R3`… */
export type JsLimitTiers = ReadonlyMap<string, JsTierLimits>;

/** `jetstream: enabled` (config file) and the global account: everything unlimited. */
export const DEFAULT_TIER_LIMITS: Readonly<JsTierLimits> = Object.freeze({
  maxMemory: -1,
  maxStore: -1,
  maxStreams: -1,
  maxConsumers: -1,
  maxAckPending: -1,
  memoryMaxStreamBytes: -1,
  storeMaxStreamBytes: -1,
  maxBytesRequired: false,
});

export const DEFAULT_TIERS: JsLimitTiers = new Map([['', DEFAULT_TIER_LIMITS]]);

/** The JetStream part of an account JWT's `limits` (nats-io/jwt JetStreamLimits). */
export interface JwtJetStreamLimits {
  mem_storage?: number;
  disk_storage?: number;
  streams?: number;
  consumer?: number;
  max_ack_pending?: number;
  mem_max_stream_bytes?: number;
  disk_max_stream_bytes?: number;
  max_bytes_required?: boolean;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0);
/** nats-server's toUnlimited: a positive value stays, anything else is -1. */
const toUnlimited = (v: unknown): number => (num(v) > 0 ? num(v) : -1);

function tierFromJwt(l: JwtJetStreamLimits): JsTierLimits {
  return {
    maxMemory: num(l.mem_storage),
    maxStore: num(l.disk_storage),
    maxStreams: num(l.streams),
    maxConsumers: num(l.consumer),
    maxAckPending: toUnlimited(l.max_ack_pending),
    memoryMaxStreamBytes: toUnlimited(l.mem_max_stream_bytes),
    storeMaxStreamBytes: toUnlimited(l.disk_max_stream_bytes),
    maxBytesRequired: l.max_bytes_required === true,
  };
}

const jsOn = (l: JwtJetStreamLimits | undefined) => l !== undefined && l !== null && (num(l.mem_storage) !== 0 || num(l.disk_storage) !== 0);

/**
 * The account's tiers from its JWT `limits`, or null when JetStream is off for it (nats-io/jwt's
 * IsJSEnabled: mem or disk storage ≠ 0, in the plain limits or, when tiers exist, in a tier).
 * Plain limits win when they enable JetStream, as nats-server 2.9.10 takes them.
 */
export function jsLimitsFromClaims(
  limits: (JwtJetStreamLimits & { tiered_limits?: Record<string, JwtJetStreamLimits> }) | undefined | null,
): JsLimitTiers | null {
  if (!limits || typeof limits !== 'object') return null;
  const tiers = limits.tiered_limits && typeof limits.tiered_limits === 'object' ? Object.entries(limits.tiered_limits) : [];
  const enabled = tiers.length > 0 ? tiers.some(([, l]) => jsOn(l)) : jsOn(limits);
  if (!enabled) return null;
  if (jsOn(limits)) return new Map([['', tierFromJwt(limits)]]);
  return new Map(tiers.filter(([, l]) => l && typeof l === 'object').map(([t, l]) => [t, tierFromJwt(l)]));
}

/**
 * A config-file account's `jetstream` value (nats-server's parseJetStreamForAccount): true /
 * "enabled" / "enable" → unlimited, false / "disabled" / "disable" → off (null), or a map of
 * limits (unset ones unlimited). Throws an Error with nats-server's message on anything else.
 */
export function jsLimitsFromConfig(v: unknown): JsLimitTiers | null {
  if (typeof v === 'boolean') return v ? DEFAULT_TIERS : null;
  if (typeof v === 'string') {
    switch (v.toLowerCase()) {
      case 'enabled':
      case 'enable':
        return DEFAULT_TIERS;
      case 'disabled':
      case 'disable':
        return null;
      default:
        throw new Error(`Expected 'enabled' or 'disabled' for string value, got '${v}'`);
    }
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`Expected map, bool or string to define JetStream, got ${typeof v}`);
  const l: JsTierLimits = { ...DEFAULT_TIER_LIMITS };
  for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
    const k = key.toLowerCase();
    const field = CONFIG_KEYS[k];
    if (field === undefined) throw new Error(`unknown field "${key}"`);
    if (field === 'maxBytesRequired') {
      if (typeof value !== 'boolean') throw new Error(`Expected a parseable bool for "${key}", got ${String(value)}`);
      l.maxBytesRequired = value;
    } else {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`Expected a parseable size for "${key}", got ${String(value)}`);
      l[field] = value;
    }
  }
  return new Map([['', l]]);
}

/** nats-server's names for each limit in an account's `jetstream {}` block. */
const CONFIG_KEYS: Record<string, keyof JsTierLimits> = {
  max_memory: 'maxMemory',
  max_mem: 'maxMemory',
  mem: 'maxMemory',
  memory: 'maxMemory',
  max_store: 'maxStore',
  max_file: 'maxStore',
  max_disk: 'maxStore',
  store: 'maxStore',
  disk: 'maxStore',
  max_streams: 'maxStreams',
  streams: 'maxStreams',
  max_consumers: 'maxConsumers',
  consumers: 'maxConsumers',
  max_bytes_required: 'maxBytesRequired',
  max_stream_bytes: 'maxBytesRequired',
  max_bytes: 'maxBytesRequired',
  mem_max_stream_bytes: 'memoryMaxStreamBytes',
  memory_max_stream_bytes: 'memoryMaxStreamBytes',
  disk_max_stream_bytes: 'storeMaxStreamBytes',
  store_max_stream_bytes: 'storeMaxStreamBytes',
  max_ack_pending: 'maxAckPending',
};

/** nats-server's JetStreamAccountLimits as JSON. */
export function tierLimitsJSON(l: JsTierLimits): Record<string, unknown> {
  return {
    max_memory: l.maxMemory,
    max_storage: l.maxStore,
    max_streams: l.maxStreams,
    max_consumers: l.maxConsumers,
    max_ack_pending: l.maxAckPending,
    memory_max_stream_bytes: l.memoryMaxStreamBytes,
    storage_max_stream_bytes: l.storeMaxStreamBytes,
    max_bytes_required: l.maxBytesRequired,
  };
}

/** Go's zero JetStreamAccountLimits: the top-level `limits` of `$JS.API.INFO` when limits are tiered. */
const ZERO_LIMITS: JsTierLimits = {
  maxMemory: 0,
  maxStore: 0,
  maxStreams: 0,
  maxConsumers: 0,
  maxAckPending: 0,
  memoryMaxStreamBytes: 0,
  storeMaxStreamBytes: 0,
  maxBytesRequired: false,
};

const tierName = (cfg: StreamConfig) => `R${cfg.num_replicas > 0 ? cfg.num_replicas : 1}`;

/** The AccountLimits hook of an account with JetStream limits; `tiers` may be replaced live (JWT update). */
export class TieredAccountLimits implements AccountLimits {
  constructor(public tiers: JsLimitTiers) {}

  /** nats-server's selectLimits: the plain limits, else the stream's tier; none → 10120. */
  select(cfg: StreamConfig): JsTierLimits | null {
    return this.tiers.get('') ?? this.tiers.get(tierName(cfg)) ?? null;
  }

  checkStream(acc: AccountJs, cfg: StreamConfig, old: StreamConfig | null): void {
    const l = this.select(cfg) ?? (old ? this.select(old) : null);
    if (l === null) throw apiError(JSErr.JSNoLimitsErr);
    // jsNonClusteredStreamLimitsCheck (create only), then checkLimits.
    if (old === null && l.maxStreams > 0 && this.countStreams(acc, cfg) >= l.maxStreams) throw apiError(JSErr.JSMaximumStreamsLimitErr);
    if (cfg.max_consumers > 0 && l.maxConsumers > 0 && cfg.max_consumers > l.maxConsumers) throw apiError(JSErr.JSMaximumConsumersLimitErr);
    let reserved = this.reservation(acc, cfg);
    let add: number;
    if (old === null) add = cfg.max_bytes < 0 ? 1 : cfg.max_bytes;
    else {
      // An update reserves only what max_bytes grows by (the stream's old reservation counted once).
      reserved += old.num_replicas * old.max_bytes;
      add = Math.max(0, cfg.max_bytes - old.max_bytes);
    }
    const total = reserved + add * Math.max(1, cfg.num_replicas);
    if (cfg.storage === 'memory') {
      if (l.maxMemory >= 0 && total > l.maxMemory) throw apiError(JSErr.JSMemoryResourcesExceededErr);
    } else if (l.maxStore >= 0 && total > l.maxStore) throw apiError(JSErr.JSStorageResourcesExceededErr);
    // checkStreamCfg's maxBytesLimits.
    const cap = cfg.storage === 'memory' ? l.memoryMaxStreamBytes : l.storeMaxStreamBytes;
    if (l.maxBytesRequired && cfg.max_bytes <= 0) throw apiError(JSErr.JSStreamMaxBytesRequired);
    if (cap > 0 && cfg.max_bytes > cap) throw apiError(JSErr.JSStreamMaxStreamBytesExceeded);
  }

  /**
   * nats-server's limitsExceeded, which it asks with the message stored (and then removes it):
   * refused when the account's usage of that storage with this message (`size`, as the store
   * counts it) is over its limit, or over the per-stream cap, which nats-server 2.9.10 compares
   * with the account's total too. Asked before storing here, so a stream's own discard-old limits
   * are not credited first.
   */
  checkPublish(acc: AccountJs, stream: Stream, size: number): ApiError | null {
    const l = this.select(stream.config);
    if (l === null) return apiError(JSErr.JSNoLimitsErr);
    if (stream.config.storage === 'memory') {
      const used = acc.usage.memory + size;
      if ((l.memoryMaxStreamBytes > 0 && used > l.memoryMaxStreamBytes) || (l.maxMemory >= 0 && used > l.maxMemory)) {
        return apiError(JSErr.JSAccountResourcesExceededErr);
      }
    } else {
      const used = acc.usage.storage + size;
      if ((l.storeMaxStreamBytes > 0 && used > l.storeMaxStreamBytes) || (l.maxStore >= 0 && used > l.maxStore)) {
        return apiError(JSErr.JSAccountResourcesExceededErr);
      }
    }
    return null;
  }

  limitsJSON(): Record<string, unknown> {
    return tierLimitsJSON(this.tiers.get('') ?? ZERO_LIMITS);
  }

  tiersJSON(acc: AccountJs): Record<string, unknown> | undefined {
    if (this.tiers.has('')) return undefined;
    const out: Record<string, unknown> = {};
    for (const [t, l] of this.tiers) {
      // Streams are R1 on this server: tier R1 holds every stream and all usage.
      const r1 = t === 'R1';
      out[t] = {
        memory: r1 ? acc.usage.memory : 0,
        storage: r1 ? acc.usage.storage : 0,
        streams: r1 ? acc.streams.size : 0,
        consumers: r1 ? acc.consumerCount() : 0,
        limits: tierLimitsJSON(l),
      };
    }
    return out;
  }

  consumerLimits(): { maxAckPending: number; maxConsumers: number } {
    const l = this.tiers.get('') ?? this.tiers.get('R1');
    return { maxAckPending: Math.max(0, l?.maxAckPending ?? 0), maxConsumers: Math.max(0, l?.maxConsumers ?? 0) };
  }

  private countStreams(acc: AccountJs, cfg: StreamConfig): number {
    if (this.tiers.has('')) return acc.streams.size;
    let n = 0;
    for (const s of acc.streams.values()) if (tierName(s.config) === tierName(cfg)) n++;
    return n;
  }

  /** nats-server's tieredReservation: max_bytes × replicas of the account's other streams of the same storage (or tier). */
  private reservation(acc: AccountJs, cfg: StreamConfig): number {
    const plain = this.tiers.has('');
    let r = 0;
    for (const s of acc.streams.values()) {
      const c = s.config;
      if (c.max_bytes <= 0 || c.name === cfg.name) continue;
      if (plain ? c.storage === cfg.storage : c.num_replicas === cfg.num_replicas) r += c.num_replicas * c.max_bytes;
    }
    return r;
  }
}

/**
 * nats-server's sufficientResources (standalone): the positive memory/storage limits of every
 * account with JetStream, this one's new ones included, must fit in the server's max_memory_store
 * / max_file_store, else the account's JetStream is not enabled. The message is nats-server's.
 */
export function insufficientResources(js: JetStream, account: string, tiers: JsLimitTiers): string | null {
  const sum = (t: JsLimitTiers) => {
    let mem = 0;
    let store = 0;
    for (const l of t.values()) {
      if (l.maxMemory > 0) mem += l.maxMemory;
      if (l.maxStore > 0) store += l.maxStore;
    }
    return { mem, store };
  };
  const mine = sum(tiers);
  if (js.memReserved + mine.mem > js.maxMemory) return 'insufficient memory resources available';
  if (js.storeReserved + mine.store > js.maxStore) return 'insufficient storage resources available';
  let mem = mine.mem;
  let store = mine.store;
  for (const [name, a] of js.accounts) {
    if (name === account || !a.enabled || !(a.limits instanceof TieredAccountLimits)) continue;
    const s = sum(a.limits.tiers);
    mem += s.mem;
    store += s.store;
  }
  if (mem > js.maxMemory) return 'insufficient memory resources available';
  if (store > js.maxStore) return 'insufficient storage resources available';
  return null;
}

/**
 * Applies an account's limits (null = JetStream off) now: the first time it makes the account's
 * JetStream (recovering its streams), later it swaps the limits live, as a JWT update does on
 * nats-server. Streams stay when limits go down; only new requests see the new limits. Returns
 * whether JetStream is on for the account afterwards.
 */
export async function applyAccountLimits(js: JetStream, account: string, tiers: JsLimitTiers | null): Promise<boolean> {
  if (tiers === null) {
    if (js.accounts.has(account)) await js.setEnabled(account, false);
    return false;
  }
  const short = insufficientResources(js, account, tiers);
  if (short !== null) {
    js.log('ERR', `Error configuring jetstream for account [${account}]: ${short}`);
    if (js.accounts.has(account)) await js.setEnabled(account, false);
    return false;
  }
  const existing = js.accounts.get(account);
  const acc = existing ?? js.account(account, false);
  if (acc.limits instanceof TieredAccountLimits) acc.limits.tiers = tiers;
  else acc.limits = new TieredAccountLimits(tiers);
  await js.setEnabled(account, true);
  return true;
}
