import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createMemoryStore, openFileStore, type StreamStore } from '@switchboard/stream-store';
import { subjectsCollide } from '@switchboard/subjects';
import { ApiRouter, type ApiCounters } from './api.js';
import { ApiError, JSErr, apiError } from './errors.js';
import type { JsAccountHost } from './host.js';
import type { JetStream } from './jetstream.js';
import { checkStreamConfig, checkStreamUpdate, type StreamConfig, type StreamLookup } from './stream-config.js';
import { Stream, storeLimits, type StreamOwner } from './stream.js';
import { linksFor, originMissing, type Link } from './stream-source.js';

/**
 * One account's JetStream: its streams, its `$JS.API` (router and counters), its storage usage
 * (followed from every store's usage callback, so it is what is stored, never a running guess)
 * and the hook through which account limits decide (`AccountLimits`, filled by limits.ts).
 */

/** Storage in use, in bytes as nats-server counts them. */
export interface JsUsage {
  memory: number;
  storage: number;
}

/**
 * The account's JetStream limits, asked at the points nats-server asks its jsAccount. The
 * default (`UNLIMITED`) lets everything through; limits.ts implements it from the account JWT
 * or the config file's `jetstream {}` block of an account.
 */
export interface AccountLimits {
  /** Stream create (`old` null) or update, after the config checks: throw ApiError (10027, 10028, 10047, 10113, 10122, 10120). */
  checkStream(acc: AccountJs, cfg: StreamConfig, old: StreamConfig | null): void;
  /** At publish, before the store, with the bytes the store will count for the message: an ApiError refuses it (10002 resource limits exceeded). */
  checkPublish(acc: AccountJs, stream: Stream, size: number): ApiError | null;
  /** The `limits` object of `$JS.API.INFO` (nats-server's JetStreamAccountLimits). */
  limitsJSON(acc: AccountJs): Record<string, unknown>;
  /** `tiers` of `$JS.API.INFO` when limits are tiered, else undefined. */
  tiersJSON?(acc: AccountJs): Record<string, unknown> | undefined;
  /**
   * Consumer create (consumer/set.ts): the account's max_ack_pending (default and bound, 10121)
   * and its max consumers, counted per stream as nats-server does (10026); 0 = no limit.
   */
  consumerLimits?(acc: AccountJs): { maxAckPending: number; maxConsumers: number };
}

export const UNLIMITED: AccountLimits = {
  checkStream() {},
  checkPublish() {
    return null;
  },
  limitsJSON() {
    return {
      max_memory: -1,
      max_storage: -1,
      max_streams: -1,
      max_consumers: -1,
      max_ack_pending: -1,
      memory_max_stream_bytes: -1,
      storage_max_stream_bytes: -1,
      max_bytes_required: false,
    };
  },
};

/** What a stream's directory holds besides the store: its config and creation time. */
interface StreamMeta {
  config: StreamConfig;
  /** ns since the epoch, as a decimal string */
  created: string;
}

const META = 'meta.json';
/** A clean stop's duplicate window (stream.ts saveDedup), beside meta.json. */
const DEDUP = 'dedup.json';

export class AccountJs implements StreamLookup, StreamOwner {
  readonly streams = new Map<string, Stream>();
  readonly usage: JsUsage = { memory: 0, storage: 0 };
  /** Bytes each stream adds to `usage`: taken back whole when the stream goes (delete, JetStream off), so usage never drifts. */
  private readonly streamBytes = new Map<Stream, number>();
  private on: boolean;
  limits: AccountLimits = UNLIMITED;
  readonly router: ApiRouter<AccountJs>;
  /** `<store_dir>/jetstream/<account>` */
  readonly dir: string;

  constructor(
    readonly js: JetStream,
    readonly host: JsAccountHost,
    enabled: boolean,
  ) {
    this.on = enabled;
    this.dir = path.join(js.storeDir, host.account);
    this.router = new ApiRouter(js.routes, host, this, { enabled: () => this.on }, (m) => js.log('WRN', m));
  }

  get name(): string {
    return this.host.account;
  }

  /** Whether the account has JetStream (config, JWT limits): when false only INFO answers (10039). */
  get enabled(): boolean {
    return this.on;
  }
  set enabled(v: boolean) {
    this.on = v;
  }
  get api(): ApiCounters {
    return this.router.counters;
  }

  config(name: string): StreamConfig | undefined {
    return this.streams.get(name)?.config;
  }

  lookup(name: string): Stream {
    const s = this.streams.get(name);
    if (s === undefined) throw apiError(JSErr.JSStreamNotFoundErr);
    return s;
  }

  /**
   * Consumers of all streams (the js-consumers module attaches them), plus one per mirror/source
   * link bound to its origin: nats-server counts the internal consumer each of those has.
   */
  consumerCount(): number {
    let n = 0;
    for (const s of this.streams.values()) {
      n += s.consumers?.size ?? 0;
      for (const l of s.links) if (l.bound) n++;
    }
    return n;
  }

  log(level: 'INF' | 'WRN' | 'ERR' | 'DBG', message: string): void {
    this.js.log(level, message);
  }

  checkPublish(stream: Stream, size: number): ApiError | null {
    const server = this.js.checkPublish(stream.config.storage);
    if (server !== null) return server;
    return this.limits.checkPublish(this, stream, size);
  }

  // ---- streams ----

  /** nats-server's addStream (non-clustered): returns the stream and whether it was made now. */
  addStream(input: StreamConfig): { stream: Stream; created: boolean } {
    const cfg = checkStreamConfig(input, this);
    if (cfg.num_replicas > 1) throw apiError(JSErr.JSStreamReplicasNotSupportedErr);
    const existing = this.streams.get(cfg.name);
    if (existing) {
      if (JSON.stringify(existing.config) === JSON.stringify(cfg)) return { stream: existing, created: false };
      throw apiError(JSErr.JSStreamNameExistErr);
    }
    this.limits.checkStream(this, cfg, null);
    this.js.checkReservation(cfg, null);
    if (this.subjectsOverlap(cfg.subjects ?? [], null)) throw apiError(JSErr.JSStreamSubjectOverlapErr);
    const created = this.js.now();
    const store = this.openStore(cfg);
    if (cfg.storage === 'file') {
      try {
        this.writeMeta(cfg, created);
      } catch (e) {
        void store.delete();
        throw apiError(JSErr.JSStreamCreateErrF, { err: (e as Error).message });
      }
    }
    const stream = this.attach(cfg, store, created);
    this.js.reserve(cfg);
    return { stream, created: true };
  }

  /** nats-server's mset.update (non-clustered). */
  updateStream(input: StreamConfig): Stream {
    const stream = this.streams.get(input.name);
    if (stream === undefined) throw apiError(JSErr.JSStreamNotFoundErr);
    let cfg: StreamConfig;
    try {
      cfg = checkStreamUpdate(stream.config, input, this);
      if (cfg.num_replicas > 1) throw apiError(JSErr.JSStreamReplicasNotSupportedErr);
      this.limits.checkStream(this, cfg, stream.config);
      this.js.checkReservation(cfg, stream.config);
    } catch (e) {
      throw e instanceof ApiError ? e : apiError(JSErr.JSStreamInvalidConfigF, { err: (e as Error).message });
    }
    if (this.subjectsOverlap(cfg.subjects ?? [], stream)) throw apiError(JSErr.JSStreamSubjectOverlapErr);
    const old = stream.config;
    stream.update(cfg);
    if (JSON.stringify(old.sources) !== JSON.stringify(cfg.sources)) {
      // Sources added, removed or changed: unchanged links go on; the others start from their
      // last header (or as configured).
      const running = stream.links;
      stream.links = linksFor(stream, cfg, running);
      for (const l of running) if (!stream.links.includes(l)) l.stop();
      for (const l of stream.links) if (!running.includes(l)) this.bindLink(l);
    }
    this.js.release(old);
    this.js.reserve(cfg);
    if (cfg.storage === 'file') this.writeMeta(cfg, stream.created);
    return stream;
  }

  async deleteStream(name: string): Promise<void> {
    const stream = this.lookup(name);
    this.streams.delete(name);
    for (const f of [...stream.followers]) f.unbind(originMissing());
    this.forget(stream);
    this.js.release(stream.config);
    await stream.stop(true);
    if (stream.config.storage === 'file') rmSync(this.streamDir(name), { recursive: true, force: true });
  }

  /** Streams whose subjects collide with `filter` ('' = all), sorted by name. */
  filteredStreams(filter: string): Stream[] {
    const out: Stream[] = [];
    for (const s of this.streams.values()) {
      if (filter === '' || (s.config.subjects ?? [s.config.name]).some((subj) => subjectsCollide(filter, subj))) out.push(s);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Opens the file streams found under the account's directory (after a restart). */
  recover(): void {
    let names: string[];
    try {
      names = readdirSync(path.join(this.dir, 'streams'));
    } catch {
      return;
    }
    for (const dir of names) {
      let meta: StreamMeta;
      try {
        meta = JSON.parse(readFileSync(path.join(this.dir, 'streams', dir, META), 'utf8')) as StreamMeta;
      } catch (e) {
        this.log('WRN', `JetStream: skipped stream directory '${this.name} > ${dir}': ${(e as Error).message}`);
        continue;
      }
      try {
        const store = this.openStore(meta.config);
        this.attach(meta.config, store, BigInt(meta.created));
        this.js.reserve(meta.config);
        const st = store.state();
        this.log('INF', `  Restored ${st.msgs} messages for stream '${this.name} > ${meta.config.name}'`);
      } catch (e) {
        this.log('ERR', `JetStream: could not restore stream '${this.name} > ${meta.config.name}': ${(e as Error).message}`);
      }
    }
  }

  /** Stops every stream (server shutdown); files stay. */
  async stop(): Promise<void> {
    this.router.stop();
    const streams = [...this.streams.values()];
    this.streams.clear();
    for (const s of streams) this.forget(s);
    await Promise.all(streams.map((s) => s.stop(false)));
  }

  /** Takes a stream's bytes out of the usage and stops following its store (before it is deleted or closed). */
  forget(stream: Stream): void {
    const bytes = this.streamBytes.get(stream);
    if (bytes === undefined) return;
    this.streamBytes.delete(stream);
    stream.store.onUsage(null);
    this.addUsage(stream.config.storage, -bytes);
  }

  /**
   * Usage recounted from what the stores hold now (nats-server's users see drift; this shows
   * there is none): `{ memory, storage }` as stored, and whether `usage` differs from it.
   */
  storedUsage(): JsUsage & { drift: boolean } {
    const out = { memory: 0, storage: 0 };
    for (const s of this.streams.values()) {
      const b = s.store.state().bytes;
      if (s.config.storage === 'memory') out.memory += b;
      else out.storage += b;
    }
    return { ...out, drift: out.memory !== this.usage.memory || out.storage !== this.usage.storage };
  }

  private addUsage(kind: StreamConfig['storage'], bytes: number): void {
    if (kind === 'memory') this.usage.memory += bytes;
    else this.usage.storage += bytes;
    this.js.usageChanged(kind, bytes);
  }

  private attach(cfg: StreamConfig, store: StreamStore, created: bigint): Stream {
    const dedupFile = cfg.storage === 'file' ? path.join(this.streamDir(cfg.name), DEDUP) : null;
    const stream = new Stream(cfg, store, created, this.host, this, () => this.js.now(), this.js.domain, dedupFile);
    stream.consumers = this.js.consumersFor(stream, this, cfg.storage === 'file' ? path.join(this.streamDir(cfg.name), 'consumers') : null);
    const kind = cfg.storage;
    // Reconciled from the store at start (what it holds), then followed on every append/removal.
    const start = store.state().bytes;
    this.streamBytes.set(stream, start);
    store.onUsage((_msgs, bytes) => {
      this.streamBytes.set(stream, (this.streamBytes.get(stream) ?? 0) + bytes);
      this.addUsage(kind, bytes);
    });
    this.addUsage(kind, start);
    this.streams.set(cfg.name, stream);
    stream.start();
    this.link(stream);
    return stream;
  }

  /** Starts a new stream's mirror/sources, and the links of other streams waiting for it. */
  private link(stream: Stream): void {
    stream.links = linksFor(stream, stream.config);
    for (const l of stream.links) this.bindLink(l);
    for (const other of this.streams.values()) {
      for (const l of other.links) if (!l.external && !l.bound && l.iname === stream.name) l.bind(stream);
    }
  }

  private bindLink(l: Link): void {
    if (l.external) {
      l.start();
      return;
    }
    const origin = this.streams.get(l.iname);
    if (origin !== undefined) l.bind(origin);
    else l.unbind(originMissing());
  }

  private openStore(cfg: StreamConfig): StreamStore {
    const limits = storeLimits(cfg);
    if (cfg.storage === 'memory') return createMemoryStore({ limits });
    return openFileStore({ dir: this.streamDir(cfg.name), limits, sync: this.js.sync });
  }

  private streamDir(name: string): string {
    return path.join(this.dir, 'streams', name);
  }

  private writeMeta(cfg: StreamConfig, created: bigint): void {
    const dir = this.streamDir(cfg.name);
    mkdirSync(dir, { recursive: true });
    const meta: StreamMeta = { config: cfg, created: created.toString() };
    const tmp = path.join(dir, `${META}.tmp`);
    writeFileSync(tmp, JSON.stringify(meta));
    renameSync(tmp, path.join(dir, META));
  }

  private subjectsOverlap(subjects: string[], self: Stream | null): boolean {
    for (const s of this.streams.values()) {
      if (s === self) continue;
      for (const a of s.config.subjects ?? []) for (const b of subjects) if (subjectsCollide(a, b)) return true;
    }
    return false;
  }
}
