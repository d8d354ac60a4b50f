import os from 'node:os';
import path from 'node:path';
import { ApiRoutes } from './api.js';
import { AccountJs } from './account-js.js';
import { registerAccountApi } from './api-account.js';
import { registerConsumerApi } from './api-consumers.js';
import { registerStreamApi } from './api-streams.js';
import { ApiError, JSErr, apiError } from './errors.js';
import type { JsServerHost } from './host.js';
import type { Storage, StreamConfig } from './stream-config.js';
import type { Stream, StreamConsumers } from './stream.js';
import { defaultConsumers } from './stream-consumers.js';

/**
 * The server's JetStream: where streams are stored, the server-wide memory/storage limits
 * (`max_memory_store` / `max_file_store`: reservations of streams with max_bytes, and usage at
 * publish, as nats-server's jetStream), and the accounts that have it.
 */

export interface JetStreamOptions {
  /** nats-server's store_dir; streams go to `<storeDir>/jetstream/<account>/streams/<name>`. */
  storeDir: string;
  /** Bytes; <= 0 = nats-server's default (75% of RAM, we take the same rule). */
  maxMemory?: number;
  /** Bytes; <= 0 = default (1 TB, as nats-server when it cannot stat the disk). */
  maxStore?: number;
  /** File store sync: interval in ms (default 60 s, nats-server 2.9's) or 'always'. */
  sync?: number | 'always';
  domain?: string;
  /** Extra API modules (the consumer API registers here). */
  apis?: ((routes: ApiRoutes<AccountJs>) => void)[];
  /**
   * Makes a stream's consumer set when the stream is created or recovered (`metaDir`: where
   * consumer configs are kept, null for memory streams). Default: consumer/set.ts's ConsumerSet.
   */
  consumers?: ConsumersFactory | null;
}

export type ConsumersFactory = (stream: Stream, acc: AccountJs, metaDir: string | null) => StreamConsumers | null;

export class JetStream {
  readonly storeDir: string;
  readonly maxMemory: number;
  readonly maxStore: number;
  readonly sync: number | 'always' | undefined;
  readonly domain: string;
  readonly routes = new ApiRoutes<AccountJs>();
  readonly accounts = new Map<string, AccountJs>();
  private readonly consumersFactory: ConsumersFactory | null;
  memUsed = 0;
  storeUsed = 0;
  memReserved = 0;
  storeReserved = 0;

  constructor(
    readonly host: JsServerHost,
    opts: JetStreamOptions,
  ) {
    this.storeDir = path.join(path.resolve(opts.storeDir), 'jetstream');
    this.maxMemory = opts.maxMemory && opts.maxMemory > 0 ? opts.maxMemory : defaultMaxMemory();
    this.maxStore = opts.maxStore && opts.maxStore > 0 ? opts.maxStore : 1024 ** 4;
    this.sync = opts.sync;
    this.domain = opts.domain ?? '';
    this.consumersFactory = opts.consumers === undefined ? defaultConsumers : opts.consumers;
    registerAccountApi(this.routes);
    registerStreamApi(this.routes);
    registerConsumerApi(this.routes);
    for (const f of opts.apis ?? []) f(this.routes);
  }

  /** The consumer set of a new or recovered stream. */
  consumersFor(stream: Stream, acc: AccountJs, metaDir: string | null): StreamConsumers | null {
    return this.consumersFactory === null ? null : this.consumersFactory(stream, acc, metaDir);
  }

  now(): bigint {
    return this.host.now();
  }

  log(level: 'INF' | 'WRN' | 'ERR' | 'DBG', message: string): void {
    this.host.log(level, message);
  }

  /**
   * The account's JetStream, made (its API subscribed, its streams recovered from disk) on the
   * first call. `enabled` false: the API answers 10039 until `setEnabled(name, true)`.
   */
  account(name: string, enabled = true): AccountJs {
    let a = this.accounts.get(name);
    if (a === undefined) {
      a = new AccountJs(this, this.host.account(name), enabled);
      this.accounts.set(name, a);
      if (enabled) a.recover();
    }
    return a;
  }

  /** Turns an account's JetStream on (recovering its streams) or off (its streams stop, files stay). */
  async setEnabled(name: string, enabled: boolean): Promise<void> {
    const a = this.account(name, enabled);
    if (a.enabled === enabled) return;
    a.enabled = enabled;
    if (enabled) a.recover();
    else {
      const streams = [...a.streams.values()];
      a.streams.clear();
      for (const s of streams) {
        a.forget(s);
        this.release(s.config);
      }
      await Promise.all(streams.map((s) => s.stop(false)));
    }
  }

  // ---- server-wide resources (nats-server's checkLimits / reserveStreamResources / limitsExceeded) ----

  usageChanged(kind: Storage, bytes: number): void {
    if (kind === 'memory') this.memUsed += bytes;
    else this.storeUsed += bytes;
  }

  /** At publish: 10023 when the server's memory or storage is used up. */
  checkPublish(kind: Storage): ApiError | null {
    if (kind === 'memory' ? this.memUsed > this.maxMemory : this.storeUsed > this.maxStore) return apiError(JSErr.JSInsufficientResourcesErr);
    return null;
  }

  /** At create/update: a stream's max_bytes must fit in what the server has left (10028 / 10047). */
  checkReservation(cfg: StreamConfig, old: StreamConfig | null): void {
    if (cfg.max_bytes <= 0) return;
    const oldBytes = old && old.storage === cfg.storage && old.max_bytes > 0 ? old.max_bytes : 0;
    const need = cfg.max_bytes - oldBytes;
    if (cfg.storage === 'memory') {
      if (cfg.max_bytes > this.maxMemory || this.memReserved + need > this.maxMemory) throw apiError(JSErr.JSMemoryResourcesExceededErr);
    } else if (cfg.max_bytes > this.maxStore || this.storeReserved + need > this.maxStore) {
      throw apiError(JSErr.JSStorageResourcesExceededErr);
    }
  }

  reserve(cfg: StreamConfig): void {
    if (cfg.max_bytes <= 0) return;
    if (cfg.storage === 'memory') this.memReserved += cfg.max_bytes;
    else this.storeReserved += cfg.max_bytes;
  }

  release(cfg: StreamConfig): void {
    if (cfg.max_bytes <= 0) return;
    if (cfg.storage === 'memory') this.memReserved -= cfg.max_bytes;
    else this.storeReserved -= cfg.max_bytes;
  }

  /** Server shutdown: every stream flushed and closed. */
  async stop(): Promise<void> {
    const accs = [...this.accounts.values()];
    this.accounts.clear();
    await Promise.all(accs.map((a) => a.stop()));
  }

  /** /varz `jetstream.config` and INFO-side facts. */
  configJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = { max_memory: this.maxMemory, max_storage: this.maxStore, store_dir: path.dirname(this.storeDir) };
    if (this.domain) o.domain = this.domain;
    return o;
  }
}

/** nats-server: 75% of system memory when max_memory_store is not set. */
function defaultMaxMemory(): number {
  return Math.floor((os.totalmem() * 3) / 4);
}
