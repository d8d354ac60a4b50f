import type { ConsumerState, SimpleState, StoreLimits, StoredMsg, StreamState } from './types.js';

/**
 * A stream's storage, modelled on nats-server's StreamStore (server/store.go). Everything but
 * `flushed()` is synchronous: the index is in memory and reads of the file store are page-cache
 * reads, as nats-server's are.
 *
 * `append` is the one way in: it assigns the sequence, so a replicated log can later be put
 * under it (the leader appends, followers apply the same records). Limits are enforced there.
 * Durability is separate from appending: appends of one I/O turn are written together, and the
 * caller awaits `flushed()` before acking a publish.
 */
export interface StreamStore {
  readonly kind: 'file' | 'memory';

  /**
   * Store a message; returns its sequence. Throws StoreError ('msg-too-large', 'max-msgs',
   * 'max-bytes', 'max-msgs-per-subject' with discard new; 'closed').
   * The buffers are copied: the caller may reuse them. `ts` (ns since the epoch) replaces the
   * clock for a copy that keeps its origin's time (a mirror); times never go back.
   */
  append(subject: string, hdr: Uint8Array | null, data: Uint8Array, ts?: bigint): number;

  /**
   * The next append gets `seq` (nats-server's SkipMsg, repeated): the sequences in between are
   * used and hold nothing, as a mirror keeps its origin's numbering. No-op when seq <= last + 1.
   */
  skipTo(seq: number): void;

  /**
   * Resolves when every append and removal made so far is in the OS (file store, sync interval)
   * or on disk (sync 'always'); at once for the memory store. Rejects if the write failed.
   */
  flushed(): Promise<void>;

  /** The message at `seq`, or null (never stored, deleted, purged or expired). */
  load(seq: number): StoredMsg | null;
  /** The last message on a subject, from the per-subject index (no scan); a filter takes the latest of its subjects. */
  loadLast(subject: string): StoredMsg | null;
  /** The first message at or after `start` whose subject matches `filter` (wildcards ok; '' or '>' = any). */
  loadNext(filter: string, start: number): StoredMsg | null;
  /** The subject of the message at `seq`, or null. */
  subjectOf(seq: number): string | null;

  /** Remove one message; false if it was not there. */
  remove(seq: number): boolean;
  /** Remove one message and overwrite its bytes on the medium. */
  erase(seq: number): boolean;
  /** Remove everything; the next sequence continues. Returns how many were removed. */
  purge(): number;
  /**
   * nats-server's PurgeEx: subject filter ('' = all), up to (not including) `seq` (0 = no bound),
   * keep the last `keep` (0 = none; with a filter, the last `keep` matching). seq > 1 with keep > 0
   * is refused. Returns how many were removed.
   */
  purgeEx(subject: string, seq: number, keep: number): number;
  /** Remove every message below `seq`; past the end, the next append gets `seq`. */
  compact(seq: number): number;

  state(): StreamState;
  /** Messages matching `filter` at or after `start`. */
  filteredState(start: number, filter: string): SimpleState;
  /** Per-subject state of the subjects matching `filter` ('' = all). */
  subjectsState(filter: string): Map<string, SimpleState>;
  /** The first sequence whose timestamp is >= `ts` (ns); last + 1 when none. */
  seqForTime(ts: bigint): number;

  /**
   * Called with the change in messages and bytes on every append and removal, including the
   * ones limits and max_age make on their own (nats-server's RegisterStorageUpdates): what an
   * account's storage usage follows. One callback; null removes it.
   */
  onUsage(cb: ((msgs: number, bytes: number) => void) | null): void;

  /** The limits in force. */
  limits(): Required<StoreLimits>;
  /** Change limits; lowered limits are enforced at once (discard policy aside, as nats-server). */
  updateLimits(limits: StoreLimits): void;

  /** The consumer-state store of a consumer of this stream (created when missing). */
  consumer(name: string): ConsumerStore;
  /** Names of the consumers with stored state. */
  consumerNames(): string[];

  /** Flush, sync and release files and timers. */
  close(): Promise<void>;
  /** Close and remove everything, consumers included. */
  delete(): Promise<void>;
}

/** A consumer's durable progress (nats-server's ConsumerStore, state only). */
export interface ConsumerStore {
  readonly name: string;
  /** The last stored state (empty state when none). */
  state(): ConsumerState;
  /**
   * Replace the state; written within the current I/O turn (a crash leaves this or the previous
   * state whole). The store keeps `state`: the caller passes a fresh object and leaves it alone.
   */
  update(state: ConsumerState): void;
  /** Resolves when the last update is written (and synced, with sync 'always'). */
  flushed(): Promise<void>;
  /** Remove the stored state. */
  delete(): Promise<void>;
}
