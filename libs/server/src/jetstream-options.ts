import os from 'node:os';
import path from 'node:path';
import { parseSize } from '@switchboard/config';
import { configError } from './config-values.js';

/**
 * JetStream in a nats-server config and on the command line: `-js`, `-sd <dir>`, top-level
 * `store_dir`, `jetstream: enabled|disabled|true|false` or `jetstream { store_dir, max_memory_store,
 * max_file_store, domain, enabled }` (nats-server 2.9.10's parseJetStream), plus `sync_interval`
 * (a 2.10 key: `always` or a duration); and an account's `jetstream` (parseJetStreamForAccount).
 */

export interface JetStreamServerOptions {
  enabled: boolean;
  /** '' = nats-server's default, `<tmp>/nats`. */
  storeDir: string;
  /** Bytes; -1 = default (75% of RAM). */
  maxMemory: number;
  /** Bytes; -1 = default. */
  maxStore: number;
  domain: string;
  /** File store fsync: interval in ms (default 60 s, nats-server 2.9.10's) or 'always'. */
  syncInterval: number | 'always';
}

/** An account's JetStream limits in nats-server's JetStreamAccountLimits names; -1 = unlimited. */
export interface AccountJetStreamLimits {
  max_memory: number;
  max_storage: number;
  max_streams: number;
  max_consumers: number;
  max_ack_pending: number;
  memory_max_stream_bytes: number;
  storage_max_stream_bytes: number;
  max_bytes_required: boolean;
}

/** `accounts { A: { jetstream: … } }`: enabled with nats-server's defaults (all -1) or the given limits. */
export interface AccountJetStreamConfig {
  enabled: boolean;
  limits: AccountJetStreamLimits;
}

export function defaultJetStreamOptions(): JetStreamServerOptions {
  return { enabled: false, storeDir: '', maxMemory: -1, maxStore: -1, domain: '', syncInterval: 60_000 };
}

/** nats-server's default store directory when none is given. */
export function resolveStoreDir(o: JetStreamServerOptions): string {
  return o.storeDir || path.join(os.tmpdir(), 'nats');
}

/** nats-server's getStorageSize: an integer, or a string ending in K, M, G or T (powers of 1024). */
function storageSize(v: unknown, key: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v !== 'string') throw configError(`${key} must be int64 or string`);
  if (v === '') return 0;
  const m = /^(-?\d+)([KMGT])$/.exec(v);
  if (!m) throw configError(`${key} sizes defined as strings must end in K, M, G, T`);
  return Number(m[1]) * 1024 ** ('KMGT'.indexOf(m[2]!) + 1);
}

function syncInterval(v: unknown): number | 'always' {
  if (typeof v === 'string' && v.toLowerCase() === 'always') return 'always';
  if (typeof v === 'number' && v > 0) return v * 1000;
  if (typeof v === 'string') {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v.trim());
    if (m) return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  }
  throw configError(`sync_interval: expected "always" or a duration, got ${JSON.stringify(v)}`);
}

/** Top-level `jetstream` value onto `o`. */
export function applyJetStreamConfig(v: unknown, o: JetStreamServerOptions): void {
  if (typeof v === 'boolean') {
    o.enabled = v;
    return;
  }
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (s === 'enabled' || s === 'enable') o.enabled = true;
    else if (s === 'disabled' || s === 'disable') o.enabled = false;
    else throw configError(`Expected 'enabled' or 'disabled' for string value, got '${v}'`);
    return;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw configError(`Expected map, bool or string to define JetStream, got ${typeof v}`);
  let enable = true;
  for (const [rawKey, mv] of Object.entries(v as Record<string, unknown>)) {
    switch (rawKey.toLowerCase()) {
      case 'store':
      case 'store_dir':
      case 'storedir':
        if (o.storeDir !== '') throw configError("Duplicate 'store_dir' configuration");
        if (typeof mv !== 'string') throw configError('store_dir: expected a string');
        o.storeDir = mv;
        break;
      case 'max_memory_store':
      case 'max_mem_store':
      case 'max_mem':
        o.maxMemory = storageSize(mv, 'max_mem_store');
        break;
      case 'max_file_store':
      case 'max_file':
        o.maxStore = storageSize(mv, 'max_file_store');
        break;
      case 'domain':
        if (typeof mv !== 'string') throw configError('domain: expected a string');
        o.domain = mv;
        break;
      case 'enable':
      case 'enabled':
        if (typeof mv !== 'boolean') throw configError(`${rawKey}: expected true or false`);
        enable = mv;
        break;
      case 'sync_interval':
      case 'sync':
        o.syncInterval = syncInterval(mv);
        break;
      default:
        throw configError(`unknown field "${rawKey}"`);
    }
  }
  o.enabled = enable;
}

/** Top-level `store_dir`. */
export function applyStoreDir(v: unknown, o: JetStreamServerOptions): void {
  if (o.storeDir !== '') throw configError("Duplicate 'store_dir' configuration");
  if (typeof v !== 'string') throw configError('store_dir: expected a string');
  o.storeDir = v;
}

const UNLIMITED: AccountJetStreamLimits = {
  max_memory: -1,
  max_storage: -1,
  max_streams: -1,
  max_consumers: -1,
  max_ack_pending: -1,
  memory_max_stream_bytes: -1,
  storage_max_stream_bytes: -1,
  max_bytes_required: false,
};

/** An account's `jetstream` value (nats-server's parseJetStreamForAccount). */
export function accountJetStreamFromConfig(v: unknown): AccountJetStreamConfig {
  if (typeof v === 'boolean') return { enabled: v, limits: { ...UNLIMITED } };
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (s === 'enabled' || s === 'enable') return { enabled: true, limits: { ...UNLIMITED } };
    if (s === 'disabled' || s === 'disable') return { enabled: false, limits: { ...UNLIMITED } };
    throw configError(`Expected 'enabled' or 'disabled' for string value, got '${v}'`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw configError(`Expected map, bool or string to define JetStream, got ${typeof v}`);
  const limits = { ...UNLIMITED };
  const size = (mk: string, mv: unknown): number => {
    if (typeof mv === 'number' && Number.isInteger(mv)) return mv;
    if (typeof mv === 'string') {
      try {
        return parseSize(mv);
      } catch {
        /* fall through */
      }
    }
    throw configError(`Expected a parseable size for "${mk}", got ${String(mv)}`);
  };
  for (const [mk, mv] of Object.entries(v as Record<string, unknown>)) {
    switch (mk.toLowerCase()) {
      case 'max_memory':
      case 'max_mem':
      case 'mem':
      case 'memory':
        limits.max_memory = size(mk, mv);
        break;
      case 'max_store':
      case 'max_file':
      case 'max_disk':
      case 'store':
      case 'disk':
        limits.max_storage = size(mk, mv);
        break;
      case 'max_streams':
      case 'streams':
        limits.max_streams = size(mk, mv);
        break;
      case 'max_consumers':
      case 'consumers':
        limits.max_consumers = size(mk, mv);
        break;
      case 'max_bytes_required':
      case 'max_stream_bytes':
      case 'max_bytes':
        if (typeof mv !== 'boolean') throw configError(`Expected a parseable bool for "${mk}", got ${String(mv)}`);
        limits.max_bytes_required = mv;
        break;
      case 'mem_max_stream_bytes':
      case 'memory_max_stream_bytes':
        limits.memory_max_stream_bytes = size(mk, mv);
        break;
      case 'disk_max_stream_bytes':
      case 'store_max_stream_bytes':
        limits.storage_max_stream_bytes = size(mk, mv);
        break;
      case 'max_ack_pending':
        limits.max_ack_pending = size(mk, mv);
        break;
      default:
        throw configError(`unknown field "${mk}"`);
    }
  }
  return { enabled: true, limits };
}
