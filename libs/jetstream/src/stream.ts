import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { StoreError, fileMsgSize, memoryMsgSize, type StoredMsg, type StreamStore, type StreamState, type StoreLimits } from '@switchboard/stream-store';
import { isSubsetMatch } from '@switchboard/subjects';
import { ApiError, JSErr, apiError } from './errors.js';
import {
  HDR_EXPECTED_LAST_MSG_ID,
  HDR_EXPECTED_LAST_SEQ,
  HDR_EXPECTED_LAST_SUBJ_SEQ,
  HDR_EXPECTED_STREAM,
  HDR_LAST_SEQUENCE,
  HDR_MSG_ID,
  HDR_REQUEST_INFO,
  HDR_ROLLUP,
  HDR_SEQUENCE,
  HDR_STREAM,
  HDR_STREAM_SOURCE,
  HDR_SUBJECT,
  HDR_TIME_STAMP,
  appendHeaders,
  getHeader,
  getUintHeader,
  removeHeader,
} from './headers.js';
import type { HostSubscription, JsAccountHost } from './host.js';
import { rfc3339Nano } from './json-time.js';
import type { StreamConfig } from './stream-config.js';
import type { Link, SourceLink } from './stream-source.js';

/**
 * One stream: its config and store, the capture of its subjects, and the ONE append entry
 * point (`append`): every message that enters the store — a client's publish, a mirror's or a
 * source's copy — goes through it, so the sequence is assigned in one place (the store) and a
 * replicated log can later be put under it (leader proposes, followers apply).
 *
 * Consumers attach as one `StreamConsumers` (consumer/set.ts's ConsumerSet), told of appends,
 * removals and purges; the stream is their `StreamLink` (view(), removeMsg()).
 */

/**
 * The consumers of a stream, as the stream sees them: told of appends, removals and purges,
 * asked whether a message is still needed (interest retention). `consumer/set.ts`'s
 * ConsumerSet implements it; the stream implements its `StreamLink` (name, store, view(),
 * removeMsg) in return.
 */
export interface StreamConsumers {
  readonly size: number;
  /** Without direct consumers (those of mirrors/sources of other accounts): consumer_count. */
  readonly publicSize?: number;
  /** A message was stored (synchronously after the append, before its publish ack). */
  onAppend(seq: number, subject: string): void;
  /** A message was removed by a request (MSG.DELETE) or by retention. */
  onRemove(seq: number, subject: string): void;
  /** The stream was purged: `seq` is the first sequence left (matching the filter), `lastSeq` the stream's last. */
  onPurge(seq: number, lastSeq: number): void;
  /** Interest retention: does any consumer still need `seq`? */
  needed(seq: number, subject: string): boolean;
  /** Interest retention at publish: is any consumer's filter matching `subject`? (absent: any consumer) */
  wants?(subject: string): boolean;
  /** Broker shutdown: stop, keep state. */
  stop(): Promise<void>;
  /** Stream deleted: stop and forget. */
  destroy(): Promise<void>;
}

/** What the consumer set reads of the stream config (consumer/config.ts's StreamView plus max_consumers). */
export interface StreamLinkView {
  subjects: string[];
  retention: 'limits' | 'interest' | 'workqueue';
  replicas: number;
  maxConsumers: number;
}

/** A publish ack or its error, in nats-server's shape. */
export type PubResult = { seq: number; duplicate?: boolean } | ApiError;

/** Where a mirror's copy goes: its origin's sequence and time (ns). */
export interface MirrorAt {
  seq: number;
  ts: bigint;
}

// A copy refused for these stops its link, which retries (a store's own limits drop the copy).
const RESOURCE_ERRORS = new Set<number>([
  JSErr.JSAccountResourcesExceededErr.errCode,
  JSErr.JSInsufficientResourcesErr.errCode,
  JSErr.JSMemoryResourcesExceededErr.errCode,
  JSErr.JSStorageResourcesExceededErr.errCode,
]);

/** What a stream needs of its account (limits and usage), kept small so tests can fake it. */
export interface StreamOwner {
  /** Server/account limits at publish: an ApiError refuses the message (10023 / 10002). */
  checkPublish(stream: Stream, size: number): ApiError | null;
  log(level: 'INF' | 'WRN' | 'ERR' | 'DBG', message: string): void;
}

/** What a clean stop leaves of the duplicate window: [id, seq, ts ns] in arrival order. */
interface SavedDedup {
  last: number;
  ids: [string, number, string][];
}

interface DedupEntry {
  id: string;
  seq: number;
  ts: bigint;
}

const PUB_ACK_DUPLICATE = ',"duplicate": true}'; // nats-server writes it with that space.
const DIRECT_GET_PREFIX = '$JS.API.DIRECT.GET.';

export class Stream {
  closed = false;
  private cfg: StreamConfig;
  private readonly subs = new Map<string, HostSubscription>();
  private directSubs: HostSubscription[] = [];
  /** mirror_direct: this mirror's subscriptions to its origin's direct get subjects. */
  private mirrorDirectSubs: HostSubscription[] = [];
  /** Attached by the consumer module (AccountJs, through JetStreamOptions.consumers). */
  consumers: StreamConsumers | null = null;
  /** Its mirror or sources (stream-source.ts), copying into this stream. */
  links: Link[] = [];
  /** The links of other streams copying from this one: woken after each append. */
  readonly followers = new Set<SourceLink>();
  // Duplicate window: id → entry, and the entries in arrival order for expiry.
  private readonly dedup = new Map<string, DedupEntry>();
  private dedupQ: DedupEntry[] = [];
  private dedupHead = 0;
  private lastMsgId = '';
  // Publish acks waiting for the store's flush (one flush wait per I/O turn, not per message).
  private pendingAcks: { reply: string; body: Buffer }[] = [];
  private ackWaitQueued = false;
  private readonly pubAckPrefix: string;

  constructor(
    cfg: StreamConfig,
    readonly store: StreamStore,
    /** ns since the epoch */
    readonly created: bigint,
    readonly host: JsAccountHost,
    private readonly owner: StreamOwner,
    private readonly clock: () => bigint,
    private readonly domain = '',
    /** Where a clean stop leaves the duplicate window for the next start (file streams); null: none. */
    private readonly dedupFile: string | null = null,
  ) {
    this.cfg = cfg;
    this.pubAckPrefix = `{"stream":${JSON.stringify(cfg.name)},${domain ? `"domain":${JSON.stringify(domain)},` : ''}"seq":`;
    this.rebuildDedup();
  }

  get name(): string {
    return this.cfg.name;
  }
  get config(): StreamConfig {
    return this.cfg;
  }
  now(): bigint {
    return this.clock();
  }

  /** Subscribes the stream's subjects (and the direct get subjects when allowed). */
  start(): void {
    this.syncSubscriptions();
  }

  // ---- the one way in ----

  /**
   * Stores a message and tells the listeners. Sequence assignment happens in the store, here
   * and nowhere else. Throws StoreError from the store's limits (discard new, max size).
   */
  append(subject: string, hdr: Uint8Array | null, data: Uint8Array, at?: MirrorAt): number {
    // A mirror's copy keeps its origin's sequence and time: the store skips to it.
    if (at !== undefined) this.store.skipTo(at.seq);
    const seq = this.store.append(subject, hdr, data, at?.ts);
    if (this.consumers !== null) this.consumers.onAppend(seq, subject);
    if (this.followers.size > 0) for (const f of this.followers) f.wake();
    return seq;
  }

  // ---- copies from other streams (stream-source.ts's SourceLink) ----

  /**
   * A mirror's copy of its origin's message `m` (nats-server's processInboundMirrorMsg): same
   * sequence, time, subject and headers, none of the publish checks but the account's and the
   * store's limits. An ApiError of the account's limits stops the link (it retries); a store
   * refusal (discard new) drops the copy, as nats-server does.
   */
  copyMirrored(m: StoredMsg): ApiError | null {
    const hdrLen = m.hdr === null ? 0 : m.hdr.length;
    const refused = this.owner.checkPublish(this, this.storedSize(m.subject, hdrLen, m.data.length));
    if (refused !== null) return refused;
    try {
      this.append(m.subject, m.hdr, m.data, { seq: m.seq, ts: m.ts });
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      this.owner.log('DBG', `JetStream mirror '${this.host.account} > ${this.cfg.name}' dropped sequence ${m.seq}: ${e.message}`);
    }
    return null;
  }

  /**
   * A source's copy (nats-server's processInboundSourceMsg): the publish path with the origin's
   * subject, its headers plus `Nats-Stream-Source: <origin> <seq>` (a daisy-chained one
   * replaced), its own sequence and time. An ApiError of the account's or server's resources
   * stops the link (it retries); other refusals (duplicate, limits) drop the copy.
   */
  copySourced(iname: string, m: StoredMsg): ApiError | null {
    let hdr: Buffer | null = m.hdr === null ? null : Buffer.from(m.hdr.buffer, m.hdr.byteOffset, m.hdr.byteLength);
    if (hdr !== null) hdr = removeHeader(hdr, HDR_STREAM_SOURCE);
    hdr = appendHeaders(hdr, [[HDR_STREAM_SOURCE, `${iname} ${m.seq}`]]);
    const data = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
    const res = this.processPublish(m.subject, hdr, data, true);
    if (res instanceof ApiError) {
      if (RESOURCE_ERRORS.has(res.errCode)) return res;
      this.owner.log('DBG', `JetStream source '${iname}' of '${this.host.account} > ${this.cfg.name}' dropped sequence ${m.seq}: ${res.message}`);
    }
    return null;
  }

  /** A mirror follows its origin's numbering where its origin starts past its own end. */
  skipTo(seq: number): void {
    this.store.skipTo(seq);
  }

  private storedSize(subject: string, hdrLen: number, dataLen: number): number {
    const sb = Buffer.byteLength(subject);
    return this.cfg.storage === 'memory' ? memoryMsgSize(sb, hdrLen, dataLen) : fileMsgSize(sb, hdrLen, dataLen);
  }

  // ---- publish path (nats-server's processJetStreamMsg) ----

  /** A publish on one of the stream's subjects: checks, stores, acks after the store's flush. */
  private readonly onPublish = (subject: string, reply: string, hdr: Buffer | null, data: Buffer): void => {
    if (this.closed) return;
    const res = this.cfg.sealed ? apiError(JSErr.JSStreamSealedErr) : this.processPublish(subject, hdr, data);
    if (res === null || reply === '' || this.cfg.no_ack) return;
    if (res instanceof ApiError) {
      // nats-server: {"error":{…},"stream":"S","seq":0}
      const body = `{"error":${JSON.stringify(res.toJSON())},"stream":${JSON.stringify(this.cfg.name)},"seq":0}`;
      this.host.publish(reply, '', null, Buffer.from(body));
      return;
    }
    const body = this.pubAckPrefix + res.seq + (res.duplicate ? PUB_ACK_DUPLICATE : '}');
    this.pendingAcks.push({ reply, body: Buffer.from(body) });
    if (!this.ackWaitQueued) {
      this.ackWaitQueued = true;
      this.store.flushed().then(this.sendAcks, this.flushFailed);
    }
  };

  private readonly sendAcks = (): void => {
    const acks = this.pendingAcks;
    this.pendingAcks = [];
    this.ackWaitQueued = false;
    for (const a of acks) this.host.publish(a.reply, '', null, a.body);
  };

  private readonly flushFailed = (err: unknown): void => {
    // Not on disk: no ack (the client retries or times out), as when nats-server's write fails.
    this.owner.log('ERR', `JetStream failed to write stream '${this.host.account} > ${this.cfg.name}': ${(err as Error)?.message ?? String(err)}`);
    this.pendingAcks = [];
    this.ackWaitQueued = false;
  };

  /**
   * The checks and the store of one publish. Returns the ack, an ApiError for the ack, or null
   * when nats-server sends nothing (an unknown rollup value).
   */
  processPublish(subject: string, hdrIn: Buffer | null, data: Buffer, copy = false): PubResult | null {
    const cfg = this.cfg;
    let hdr = hdrIn;
    if (hdr !== null && hdr.length > 0) hdr = removeHeader(hdr, HDR_REQUEST_INFO);
    let msgId = '';
    let rollup = '';
    if (copy && hdr !== null && hdr.length > 0) {
      // A source's copy: the expectations were the origin's (nats-server 2.9 checks them again
      // here and retries the copy forever); dedup and rollup apply.
      msgId = getHeader(hdr, HDR_MSG_ID) ?? '';
      if (msgId !== '' && this.checkMsgId(msgId) !== null) return null;
      rollup = getHeader(hdr, HDR_ROLLUP) ?? '';
      if (rollup !== '' && (!cfg.allow_rollup_hdrs || cfg.deny_purge || (rollup !== 'sub' && rollup !== 'all'))) rollup = '';
    } else if (hdr !== null && hdr.length > 0) {
      const expStream = getHeader(hdr, HDR_EXPECTED_STREAM);
      if (expStream !== null && expStream !== '' && expStream !== cfg.name) return apiError(JSErr.JSStreamNotMatchErr);
      msgId = getHeader(hdr, HDR_MSG_ID) ?? '';
      if (msgId !== '') {
        const d = this.checkMsgId(msgId);
        if (d !== null) return { seq: d.seq, duplicate: true };
      }
      const subjSeq = getUintHeader(hdr, HDR_EXPECTED_LAST_SUBJ_SEQ);
      if (subjSeq !== null) {
        const last = this.store.loadLast(subject);
        const fseq = last === null ? 0 : last.seq;
        if (fseq !== subjSeq) return apiError(JSErr.JSStreamWrongLastSequenceErrF, { seq: fseq });
      }
      const lastSeq = getUintHeader(hdr, HDR_EXPECTED_LAST_SEQ);
      if (lastSeq !== null) {
        const mlseq = this.store.state().lastSeq;
        if (lastSeq !== mlseq) return apiError(JSErr.JSStreamWrongLastSequenceErrF, { seq: mlseq });
      }
      const lastId = getHeader(hdr, HDR_EXPECTED_LAST_MSG_ID);
      if (lastId !== null && lastId !== '' && lastId !== this.lastMsgId) return apiError(JSErr.JSStreamWrongLastMsgIDErrF, { id: this.lastMsgId });
      rollup = getHeader(hdr, HDR_ROLLUP) ?? '';
      if (rollup !== '') {
        if (!cfg.allow_rollup_hdrs || cfg.deny_purge) return apiError(JSErr.JSStreamRollupFailedF, { err: 'rollup not permitted' });
        if (rollup !== 'sub' && rollup !== 'all') return null;
      }
    }
    const hdrLen = hdr === null ? 0 : hdr.length;
    const maxMsgSize = cfg.max_msg_size ?? -1;
    if (maxMsgSize >= 0 && hdrLen + data.length > maxMsgSize) return apiError(JSErr.JSStreamMessageExceedsMaximumErr);
    if (hdrLen > 0xffff) return apiError(JSErr.JSStreamHeaderExceedsMaximumErr);
    // The bytes the store will count for it (nats-server checks account usage with the message stored).
    const refused = this.owner.checkPublish(this, this.storedSize(subject, hdrLen, data.length));
    if (refused !== null) return refused;

    if (cfg.retention === 'interest' && !this.anyInterest(subject)) {
      // No consumer wants it: the sequence is used, nothing is kept (nats-server's SkipMsg).
      const seq = this.storeOrError(subject, hdr, data);
      if (seq instanceof ApiError) return seq;
      this.store.remove(seq);
      this.lastMsgId = msgId;
      if (msgId !== '') this.storeMsgId(msgId, seq);
      return { seq };
    }
    // Republish carries the subject's previous sequence: read it before the append.
    const tlseq = cfg.republish ? (this.store.loadLast(subject)?.seq ?? 0) : 0;
    const seq = this.storeOrError(subject, hdr, data);
    if (seq instanceof ApiError) return seq;
    this.lastMsgId = msgId;
    if (msgId !== '') this.storeMsgId(msgId, seq);
    if (rollup === 'sub') this.purgeEx(subject, 0, 1);
    else if (rollup === 'all') this.purgeEx('', 0, 1);
    if (cfg.republish) this.republish(subject, hdr, data, seq, tlseq);
    return { seq };
  }

  private storeOrError(subject: string, hdr: Buffer | null, data: Buffer): number | ApiError {
    try {
      return this.append(subject, hdr, data);
    } catch (e) {
      if (e instanceof StoreError) {
        if (e.code !== 'max-msgs' && e.code !== 'max-bytes' && e.code !== 'max-msgs-per-subject' && e.code !== 'msg-too-large' && e.code !== 'closed')
          this.owner.log('ERR', `JetStream failed to store a msg on stream '${this.host.account} > ${this.cfg.name}': ${e.message}`);
        return apiError(JSErr.JSStreamStoreFailedF, { err: e.message });
      }
      throw e;
    }
  }

  private republish(subject: string, hdr: Buffer | null, data: Buffer, seq: number, lastBefore: number): void {
    const rp = this.cfg.republish!;
    const dest = transformSubject(rp.src ?? '>', rp.dest, subject);
    if (dest === null) return;
    const pairs: [string, string][] = [
      [HDR_STREAM, this.cfg.name],
      [HDR_SUBJECT, subject],
      [HDR_SEQUENCE, String(seq)],
      [HDR_LAST_SEQUENCE, String(lastBefore)],
    ];
    if (rp.headers_only) pairs.push(['Nats-Msg-Size', String(data.length)]);
    this.host.publish(dest, '', appendHeaders(hdr, pairs), rp.headers_only ? Buffer.alloc(0) : data);
  }

  // ---- duplicate window ----

  private checkMsgId(id: string): DedupEntry | null {
    this.expireMsgIds();
    return this.dedup.get(id) ?? null;
  }

  private storeMsgId(id: string, seq: number): void {
    const e = { id, seq, ts: this.clock() };
    this.dedup.set(id, e);
    this.dedupQ.push(e);
  }

  private expireMsgIds(): void {
    const window = BigInt(this.cfg.duplicate_window ?? 0);
    const cutoff = this.clock() - window;
    const q = this.dedupQ;
    while (this.dedupHead < q.length && q[this.dedupHead]!.ts < cutoff) {
      const e = q[this.dedupHead++]!;
      if (this.dedup.get(e.id) === e) this.dedup.delete(e.id);
    }
    if (this.dedupHead > 1024 && this.dedupHead * 2 > q.length) {
      this.dedupQ = q.slice(this.dedupHead);
      this.dedupHead = 0;
    }
  }

  /**
   * After a restart: the ids of the messages still inside the window. From what a clean stop
   * saved when it is there and names the store's last sequence; else read from the messages
   * inside the window (nats-server's rebuildDedupe), which takes time in proportion to them.
   */
  private rebuildDedup(): void {
    const saved = this.takeSavedDedup();
    const window = BigInt(this.cfg.duplicate_window ?? 0);
    if (window <= 0n) return;
    const st = this.store.state();
    if (st.msgs === 0) return;
    if (saved !== null && saved.last === st.lastSeq) {
      const cutoff = this.clock() - window;
      for (const [id, seq, ts] of saved.ids) {
        const e = { id, seq, ts: BigInt(ts) };
        if (e.ts < cutoff) continue;
        this.dedup.set(id, e);
        this.dedupQ.push(e);
      }
      // As the read would: the last id inside the window (nats-server's rebuildDedupe).
      if (this.dedupQ.length > 0) this.lastMsgId = this.dedupQ[this.dedupQ.length - 1]!.id;
      return;
    }
    const start = this.store.seqForTime(this.clock() - window);
    for (let m = this.store.loadNext('', start); m !== null; m = this.store.loadNext('', m.seq + 1)) {
      const id = getHeader(m.hdr, HDR_MSG_ID);
      if (id === null || id === '') continue;
      const e = { id, seq: m.seq, ts: m.ts };
      this.dedup.set(id, e);
      this.dedupQ.push(e);
      this.lastMsgId = id;
    }
  }

  /**
   * Clean stop: the window's ids, in arrival order, with the store's last sequence they are
   * valid for. Written after the last append and taken (removed) at the next start, so a crash
   * later never finds a stale one: that start reads the messages again.
   */
  private saveDedup(): void {
    const file = this.dedupFile;
    if (file === null || BigInt(this.cfg.duplicate_window ?? 0) <= 0n) return;
    this.expireMsgIds();
    const ids: [string, number, string][] = [];
    const q = this.dedupQ;
    for (let i = this.dedupHead; i < q.length; i++) {
      const e = q[i]!;
      if (this.dedup.get(e.id) === e) ids.push([e.id, e.seq, e.ts.toString()]);
    }
    try {
      writeFileSync(`${file}.tmp`, JSON.stringify({ last: this.store.state().lastSeq, ids }));
      renameSync(`${file}.tmp`, file);
    } catch (e) {
      this.owner.log('WRN', `JetStream could not save the duplicate window of '${this.host.account} > ${this.cfg.name}': ${(e as Error).message}`);
    }
  }

  /** The duplicate window a clean stop saved (removed as it is read), or null. */
  private takeSavedDedup(): SavedDedup | null {
    const file = this.dedupFile;
    if (file === null) return null;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return null;
    }
    rmSync(file, { force: true });
    try {
      const o = JSON.parse(text) as SavedDedup;
      return typeof o.last === 'number' && Array.isArray(o.ids) ? o : null;
    } catch {
      return null;
    }
  }

  // ---- consumers (consumer/set.ts's StreamLink) ----

  view(): StreamLinkView {
    const c = this.cfg;
    return { subjects: c.subjects ?? [], retention: c.retention, replicas: c.num_replicas, maxConsumers: c.max_consumers };
  }

  /**
   * Retention removal asked by the consumers (no one needs `seq` any more). A mirror/source that
   * has not taken it yet keeps it (nats-server counts their internal consumers as interest); it
   * goes when they have (`copied`).
   */
  removeMsg(seq: number): void {
    if (this.followers.size > 0 && this.heldByFollower(seq, this.store.subjectOf(seq))) return;
    this.store.remove(seq);
  }

  /** A mirror/source took `seq`: under interest or workqueue retention it goes once nobody needs it. */
  copied(seq: number, subject: string): void {
    if (this.cfg.retention === 'limits') return;
    if (this.consumers !== null && this.consumers.needed(seq, subject)) return;
    if (this.heldByFollower(seq, subject)) return;
    this.store.remove(seq);
  }

  private heldByFollower(seq: number, subject: string | null): boolean {
    if (subject === null) return false;
    for (const f of this.followers) if (f.holds(seq, subject)) return true;
    return false;
  }

  /** MSG.DELETE: removes (or erases) one message and tells the consumers. */
  deleteMsg(seq: number, erase: boolean): boolean {
    const subject = this.store.subjectOf(seq);
    const removed = erase ? this.store.erase(seq) : this.store.remove(seq);
    if (removed && subject !== null && this.consumers !== null) this.consumers.onRemove(seq, subject);
    return removed;
  }

  private anyInterest(subject: string): boolean {
    if (this.followers.size > 0) for (const f of this.followers) if (f.wants(subject)) return true;
    const cs = this.consumers;
    if (cs === null || cs.size === 0) return false;
    return cs.wants ? cs.wants(subject) : true;
  }

  // ---- operations of the API ----

  state(): StreamState {
    return this.store.state();
  }

  /** nats-server's mset.purge: store PurgeEx, then consumers whose filter the purge touches move on. */
  purgeEx(filter: string, seq: number, keep: number): number {
    const purged = filter === '' && seq === 0 && keep === 0 ? this.store.purge() : this.store.purgeEx(filter, seq, keep);
    if (this.consumers !== null && this.consumers.size > 0) {
      const st = this.store.state();
      let fseq = st.firstSeq;
      if (filter !== '') fseq = this.store.filteredState(st.firstSeq, filter).first;
      this.consumers.onPurge(fseq, st.lastSeq);
    }
    return purged;
  }

  /** Replaces the config (already checked): subscriptions, limits, duplicate window. */
  update(cfg: StreamConfig): void {
    this.cfg = cfg;
    this.store.updateLimits(storeLimits(cfg));
    this.syncSubscriptions();
    this.expireMsgIds();
  }

  /** Unsubscribes and stops consumers; with `remove`, the store's files go too. */
  async stop(remove: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.links) l.stop();
    this.links = [];
    for (const s of this.subs.values()) s.unsubscribe();
    this.subs.clear();
    for (const s of this.directSubs) s.unsubscribe();
    this.directSubs = [];
    this.serveMirrorDirect(false);
    const cons = this.consumers;
    this.consumers = null;
    if (cons !== null) await (remove ? cons.destroy() : cons.stop());
    if (this.pendingAcks.length > 0) {
      await this.store.flushed().catch(() => {});
      this.sendAcks();
    }
    if (remove) await this.store.delete();
    else {
      this.saveDedup();
      await this.store.close();
    }
  }

  private syncSubscriptions(): void {
    const want = new Set(this.cfg.subjects ?? []);
    for (const [subj, sub] of this.subs) {
      if (!want.has(subj)) {
        sub.unsubscribe();
        this.subs.delete(subj);
      }
    }
    for (const subj of want) if (!this.subs.has(subj)) this.subs.set(subj, this.host.subscribeViews(subj, this.onPublish));
    const direct = this.cfg.allow_direct;
    if (direct && this.directSubs.length === 0) {
      const base = `${DIRECT_GET_PREFIX}${this.cfg.name}`;
      this.directSubs.push(this.host.subscribe(base, this.onDirectGet, '_sys_'));
      this.directSubs.push(this.host.subscribe(`${base}.>`, this.onDirectGetLast, '_sys_'));
    } else if (!direct && this.directSubs.length > 0) {
      for (const s of this.directSubs) s.unsubscribe();
      this.directSubs = [];
    }
  }

  /**
   * mirror_direct (nats-server's subscribeToMirrorDirect): a mirror that has (nearly) caught up
   * answers direct gets of its origin too, in the origin's queue group, from its own store and
   * under its own name; its link turns this off when it loses the origin.
   */
  serveMirrorDirect(on: boolean): void {
    const origin = this.cfg.mirror?.name;
    if (on && origin !== undefined && this.cfg.mirror_direct && !this.closed && this.mirrorDirectSubs.length === 0) {
      const base = `${DIRECT_GET_PREFIX}${origin}`;
      this.mirrorDirectSubs.push(this.host.subscribe(base, this.onDirectGet, '_sys_'));
      this.mirrorDirectSubs.push(this.host.subscribe(`${base}.>`, this.onDirectGetLast, '_sys_'));
    } else if (!on && this.mirrorDirectSubs.length > 0) {
      for (const s of this.mirrorDirectSubs) s.unsubscribe();
      this.mirrorDirectSubs = [];
    }
  }

  // ---- direct get (nats-server's processDirectGetRequest / …LastBySubjectRequest) ----

  private readonly onDirectGet = (_subject: string, reply: string, _hdr: Buffer | null, data: Buffer): void => {
    if (reply === '') return;
    if (data.length === 0) return this.directStatus(reply, '408 Empty Request');
    let req: { seq?: unknown; last_by_subj?: unknown; next_by_subj?: unknown };
    try {
      req = JSON.parse(data.toString('utf8')) as typeof req;
      if (req === null || typeof req !== 'object') throw new Error('not an object');
    } catch {
      return this.directStatus(reply, '408 Malformed Request');
    }
    const seq = typeof req.seq === 'number' ? req.seq : 0;
    const last = typeof req.last_by_subj === 'string' ? req.last_by_subj : '';
    const next = typeof req.next_by_subj === 'string' ? req.next_by_subj : '';
    if (seq === 0 && last === '' && next === '') return this.directStatus(reply, '408 Empty Request');
    if ((seq > 0 && last !== '') || (last !== '' && next !== '')) return this.directStatus(reply, '408 Bad Request');
    let m: StoredMsg | null;
    if (seq > 0 && next === '') m = this.store.load(seq);
    else if (next !== '') m = this.store.loadNext(next, seq);
    else m = this.store.loadLast(last);
    this.directReply(reply, m);
  };

  private readonly onDirectGetLast = (subject: string, reply: string, _hdr: Buffer | null, data: Buffer): void => {
    if (reply === '') return;
    if (data.length !== 0) return this.directStatus(reply, '408 Bad Request');
    // $JS.API.DIRECT.GET.<stream>.<subject…>: this stream's, or its origin's (mirror_direct)
    const key = subject.slice(subject.indexOf('.', DIRECT_GET_PREFIX.length) + 1);
    if (key === '') return this.directStatus(reply, '408 Bad Request');
    this.directReply(reply, this.store.loadLast(key));
  };

  private directStatus(reply: string, status: string): void {
    this.host.publish(reply, '', Buffer.from(`NATS/1.0 ${status}\r\n\r\n`), Buffer.alloc(0));
  }

  private directReply(reply: string, m: StoredMsg | null): void {
    if (m === null) return this.directStatus(reply, '404 Message Not Found');
    const hdr = appendHeaders(m.hdr, [
      [HDR_STREAM, this.cfg.name],
      [HDR_SUBJECT, m.subject],
      [HDR_SEQUENCE, String(m.seq)],
      [HDR_TIME_STAMP, rfc3339Nano(m.ts)],
    ]);
    this.host.publish(reply, '', hdr, m.data);
  }
}

/** The store's share of a stream config. */
export function storeLimits(cfg: StreamConfig): StoreLimits {
  return {
    maxMsgs: cfg.max_msgs,
    maxBytes: cfg.max_bytes,
    maxAge: cfg.max_age,
    maxMsgsPerSubject: cfg.max_msgs_per_subject,
    maxMsgSize: cfg.max_msg_size ?? -1,
    discard: cfg.discard,
    discardNewPerSubject: cfg.discard_new_per_subject ?? false,
  };
}

/**
 * Subject transform of republish: `src` with wildcards, `dest` may use `{{wildcard(n)}}` or, as
 * nats-server accepts, the same wildcards in the same order. Null when `subject` doesn't match.
 */
export function transformSubject(src: string, dest: string, subject: string): string | null {
  if (!isSubsetMatch(subject, src)) return null;
  const st = src.split('.');
  const tt = subject.split('.');
  const captured: string[] = [];
  for (let i = 0; i < st.length; i++) {
    if (st[i] === '*') captured.push(tt[i]!);
    else if (st[i] === '>') captured.push(tt.slice(i).join('.'));
  }
  let w = 0;
  const out = dest.split('.').map((tok) => {
    const m = /^\{\{\s*wildcard\s*\(\s*(\d+)\s*\)\s*\}\}$/i.exec(tok);
    if (m) return captured[Number(m[1]) - 1] ?? '';
    if (tok === '*' || tok === '>') return captured[w++] ?? '';
    return tok;
  });
  return out.join('.');
}
