/**
 * One JetStream consumer: what it has delivered, what awaits an ack, what to redeliver, and
 * delivery to a push subject or to waiting pull requests. Behaviour follows nats-server
 * 2.9.10 (server/consumer.go); the engine is synchronous and driven by its stream (new
 * messages), by acks and pull requests, and by one timer.
 */
import type { ConsumerState, ConsumerStore, StoredMsg, StreamStore } from '@switchboard/stream-store';
import { subjectMatches, subjectIsLiteral } from '@switchboard/subjects';
import { type AckInfo, ackKind, formatGoDuration, nakDelayNs, nextRequestOf, parseAckSubject } from './ack.js';
import type { Clock } from './clock.js';
import { type ConsumerConfig, type StreamView, configJson, formatRfc3339, isPush, parseRfc3339 } from './config.js';
import { type PullRequest, WaitQueue, parsePullRequest } from './pull.js';
import * as S from './status.js';

/** What a consumer needs from the broker: sending into its account and asking about interest. */
export interface ConsumerHost {
  /**
   * Publish in the consumer's account: routed on `to`, shown to the subscriber with `subject`
   * (the stream message's own subject; nats-server's pa.deliver) and `reply`. `hdr` is a whole
   * header block (`NATS/1.0…\r\n\r\n`) or null.
   */
  deliver(to: string, subject: string, reply: string, hdr: Uint8Array | null, data: Uint8Array | null): void;
  /** Has anyone in the account subscribed to a subject matching `subject`? */
  hasInterest(subject: string): boolean;
  log?(level: 'INF' | 'WRN' | 'ERR', text: string): void;
}

/** What a consumer needs from its stream. */
export interface ConsumerStream {
  readonly name: string;
  readonly store: StreamStore;
  view(): StreamView;
  /** Interest/workqueue retention: the consumer has acked `seq` (the stream decides removal). */
  ackMsg(seq: number): void;
  /** The consumer removed itself (ephemeral or inactive_threshold expired). */
  consumerGone(c: Consumer): void;
}

export interface ConsumerOptions {
  stream: ConsumerStream;
  host: ConsumerHost;
  clock: Clock;
  name: string;
  config: ConsumerConfig;
  /** The consumer's state store; null for no persistence. */
  store: ConsumerStore | null;
  /** Creation time (ns); now when absent. */
  created?: bigint;
  /** Restore from the store's state instead of choosing a start. */
  restore?: boolean;
}

interface Pending {
  dseq: number;
  /** When it was (re)delivered, clock ms; ack wait runs from here. */
  ts: number;
}

const MS_NS = 1e6;
const EMPTY = new Uint8Array(0);
/** Flow control window: nats-server's JsFlowControlMaxPending, starting at 1/16 of it. */
const FC_MAX_PENDING = 32 * 1024 * 1024;
/** Deliveries per run before yielding to I/O (the run continues in the next turn). */
const RUN_BUDGET = 2048;
const ACK_WAIT_DELAY_MS = 1;
const FC_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export class Consumer {
  readonly name: string;
  readonly stream: ConsumerStream;
  cfg: ConsumerConfig;
  readonly created: bigint;
  closed = false;

  private readonly host: ConsumerHost;
  private readonly clock: Clock;
  private readonly store: StreamStore;
  private readonly cstore: ConsumerStore | null;
  private readonly ackPrefix: string;
  private readonly filter: string;
  private readonly filterWc: boolean;
  /** The stream's retention (fixed for a stream's life): limits needs no ack reports. */
  private readonly reportsAcks: boolean;

  /** Next stream sequence to look at; next consumer sequence to hand out. */
  private sseq = 1;
  private dseq = 1;
  private adflr = 0;
  private asflr = 0;
  private pending = new Map<number, Pending>();
  private rdq: number[] = [];
  private rdqi = new Set<number>();
  private rdc = new Map<number, number>();
  /** num_pending cache and the highest sequence counted in it (nats-server npc/npcm). */
  private npc = 0;
  private npcm = 0;
  /** deliver last_per_subject: sequences still to send, then where to resume. */
  private lss: { resume: number; seqs: number[] } | null = null;
  /** How to put back a message taken from the skip list. */
  private lssUndo: { sseq: number; lss: { resume: number; seqs: number[] } } | null = null;

  private active = true;
  private waiting: WaitQueue | null = null;
  private ldt = 0;
  private lat = 0;
  /** Flow control: bytes outstanding, window, the open request's reply and size. */
  private pbytes = 0;
  private maxpb = 0;
  private pblimit = 0;
  private fcid = '';
  private fcsz = 0;
  /** Replay original: timestamp of the last delivered message, held next message time. */
  private replay = false;
  private replayLast = 0n;
  private replayAt = 0;
  private replayLseq = 0;
  /** rate_limit_bps as a token bucket in bytes. */
  private rateBytesPerMs = 0;
  private rateTokens = 0;
  private rateStamp = 0;
  private rateAt = 0;

  /** Inactivity delete threshold (ms) and when it is due. */
  private dthresh = 0;
  private deleteAt = 0;
  private ackCheckAt = 0;
  private hbMs = 0;
  private lastSent = 0;
  /**
   * Push without interest: when to look again. The broker does not notify consumers of new
   * subscriptions, and clients often subscribe right after creating (nats.js v3 ordered
   * consumers): look soon, then back off to once a second.
   */
  private interestPollMs = 0;
  private interestAt = 0;
  /** The last nextMsg() stopped at max_ack_pending (not at the end of the stream). */
  private stalled = false;

  private timer: unknown = null;
  private wakeAt = Infinity;
  private runScheduled = false;
  private dirty = false;
  private readonly ai: AckInfo = { deliveries: 0, sseq: 0, dseq: 0 };
  private readonly runBound = (): void => this.run();
  private readonly tickBound = (): void => this.tick();
  private readonly flushBound = (): void => this.flushState();

  constructor(o: ConsumerOptions) {
    this.name = o.name;
    this.stream = o.stream;
    this.host = o.host;
    this.clock = o.clock;
    this.store = o.stream.store;
    this.cstore = o.store;
    this.cfg = o.config;
    this.created = o.created ?? BigInt(o.clock.now()) * 1_000_000n;
    this.ackPrefix = `$JS.ACK.${o.stream.name}.${o.name}.`;
    this.filter = o.config.filter_subject ?? '';
    this.filterWc = this.filter !== '' && !subjectIsLiteral(this.filter);
    this.reportsAcks = o.stream.view().retention !== 'limits';
    if (!isPush(o.config)) this.waiting = new WaitQueue(o.config.max_waiting || 512);
    this.hbMs = (o.config.idle_heartbeat ?? 0) / MS_NS;
    this.lastSent = o.clock.now();
    if (o.config.flow_control) {
      this.pblimit = FC_MAX_PENDING;
      this.maxpb = FC_MAX_PENDING / 16;
    }
    if (o.config.rate_limit_bps) this.setRateLimit(o.config.rate_limit_bps);
    this.updateInactiveThreshold();
    if (o.restore && this.cstore) this.applyState(this.cstore.state());
    else this.selectStartingSeqNo();
    if (o.config.replay_policy === 'original') {
      this.replay = true;
      this.replayLseq = this.store.state().lastSeq;
    }
    this.streamNumPending();
    if (isPush(o.config)) {
      this.checkInterest(this.clock.now());
    } else if (this.dthresh > 0) {
      this.waiting!.last = this.clock.now();
      this.deleteAt = this.clock.now() + this.dthresh;
    }
    if (!o.restore) this.markDirty();
    this.rearm();
    this.kick();
  }

  get isPull(): boolean {
    return this.waiting !== null;
  }
  get isDurable(): boolean {
    return !!this.cfg.durable_name;
  }

  // ---- starting point and state ----

  private selectStartingSeqNo(): void {
    const st = this.store.state();
    const c = this.cfg;
    let sseq: number;
    if (c.opt_start_seq) sseq = c.opt_start_seq;
    else if (c.deliver_policy === 'all') sseq = st.firstSeq;
    else if (c.deliver_policy === 'last') {
      sseq = st.lastSeq;
      if (this.filter) sseq = this.store.filteredState(1, this.filter).last;
    } else if (c.deliver_policy === 'last_per_subject') {
      const mss = this.store.subjectsState(this.filter);
      if (mss.size > 0) {
        const seqs = [...mss.values()].map((s) => s.last).sort((a, b) => a - b);
        this.lss = { resume: st.lastSeq, seqs };
        sseq = seqs[0]!;
      } else sseq = st.lastSeq;
    } else if (c.opt_start_time !== undefined) sseq = this.store.seqForTime(parseRfc3339(c.opt_start_time) ?? 0n);
    else sseq = st.lastSeq + 1;
    if (st.lastSeq === 0) sseq = 1;
    else if (sseq < st.firstSeq) sseq = st.firstSeq;
    else if (sseq > st.lastSeq) sseq = st.lastSeq + 1;
    this.sseq = sseq;
    this.dseq = 1;
    this.adflr = 0;
    this.asflr = sseq - 1;
  }

  private applyState(s: ConsumerState): void {
    if (this.sseq <= s.delivered.stream) this.sseq = s.delivered.stream + 1;
    this.dseq = s.delivered.consumer + 1;
    this.adflr = s.ackFloor.consumer;
    this.asflr = s.ackFloor.stream;
    const now = this.clock.now();
    for (const [sseq, p] of s.pending) this.pending.set(sseq, { dseq: p.sequence, ts: Math.min(now, Number(p.ts / 1_000_000n)) });
    for (const [sseq, n] of s.redelivered) this.rdc.set(sseq, n);
    const last = this.store.state().lastSeq;
    for (const sseq of this.rdc.keys()) if (sseq < this.asflr || sseq > last) this.rdc.delete(sseq);
    if (this.pending.size > 0) {
      // After a restart check soon (nats-server: 0.5–1.5 s, or the ack wait if shorter).
      const ackWaitMs = (this.cfg.ack_wait ?? 0) / MS_NS;
      this.ackCheckAt = now + Math.min(500 + Math.floor(Math.random() * 1000), ackWaitMs + ACK_WAIT_DELAY_MS);
    }
  }

  /** The state as ConsumerStore keeps it. */
  state(): ConsumerState {
    const pending = new Map<number, { sequence: number; ts: bigint }>();
    for (const [sseq, p] of this.pending) pending.set(sseq, { sequence: p.dseq, ts: BigInt(Math.round(p.ts)) * 1_000_000n });
    return {
      delivered: { consumer: this.dseq - 1, stream: this.sseq - 1 },
      ackFloor: { consumer: this.adflr, stream: this.asflr },
      pending,
      redelivered: new Map(this.rdc),
    };
  }

  /**
   * State goes to the store once per read chunk (a microtask after the handler): an ack is
   * handed to the store's write before the next request is read, so a reply sent after it
   * (consumer info) never reports state that a crash right then would lose.
   */
  private markDirty(): void {
    if (this.dirty || this.cstore === null) return;
    this.dirty = true;
    this.clock.soon(this.flushBound);
  }

  private flushState(): void {
    this.dirty = false;
    if (this.closed || this.cstore === null) return;
    this.cstore.update(this.state());
  }

  /** Resolves when the consumer's state so far is written. */
  async flushed(): Promise<void> {
    if (this.dirty) this.flushState();
    await this.cstore?.flushed();
  }

  // ---- num_pending ----

  private streamNumPending(): number {
    if (this.cfg.deliver_policy === 'last_per_subject') {
      this.npc = 0;
      this.npcm = 0;
      for (const ss of this.store.subjectsState(this.filter).values()) {
        if (this.sseq <= ss.last) {
          this.npc++;
          if (ss.last > this.npcm) this.npcm = ss.last;
        }
      }
    } else if (this.filter === '' && this.store.state().numDeleted === 0) {
      // No gaps: count without a scan.
      const st = this.store.state();
      this.npc = st.msgs === 0 ? 0 : Math.max(0, st.lastSeq - Math.max(this.sseq, st.firstSeq) + 1);
      this.npcm = st.lastSeq;
    } else {
      const ss = this.store.filteredState(this.sseq, this.filter);
      this.npc = ss.msgs;
      this.npcm = ss.last;
    }
    return this.npc;
  }

  numPending(): number {
    if (this.npcm === 0) this.streamNumPending();
    return this.npc < 0 ? 0 : this.npc;
  }

  private matches(subject: string): boolean {
    if (this.filter === '') return true;
    return this.filterWc ? subjectMatches(this.filter, subject) : subject === this.filter;
  }

  // ---- signals from the stream ----

  /** A message was stored at `seq` (the stream's onAppend). */
  signal(seq: number, subject: string): void {
    if (this.closed) return;
    if (seq > this.npcm && this.matches(subject)) this.npc++;
    if (seq < this.sseq) return;
    // Push: run() checks interest again (a subscriber may have come back).
    if (this.waiting === null || this.waiting.length > 0) this.kick();
  }

  /** A message left the stream on its own (delete, limits): counts and pending follow. */
  msgRemoved(seq: number, subject: string): void {
    if (this.closed) return;
    if (seq > this.npcm && seq >= this.sseq && this.matches(subject)) this.npc--;
    const p = this.pending.get(seq);
    if (p) this.processTerm(seq, p.dseq);
  }

  /** The stream was purged up to `seq` (0 = everything up to `lastSeq`). */
  purged(seq: number, lastSeq: number): void {
    if (this.closed) return;
    if (seq === 0) seq = lastSeq + 1;
    if (this.sseq < seq) this.sseq = seq;
    if (this.asflr < seq) {
      this.asflr = seq - 1;
      if (this.dseq > 0) this.adflr = this.dseq - 1;
    }
    this.pending.clear();
    const keep = this.rdq.filter((s) => s >= this.sseq);
    this.rdq = keep;
    this.rdqi = new Set(keep);
    this.lss = null;
    this.streamNumPending();
    this.markDirty();
  }

  /** Interest retention: does this consumer still need the message at `seq`? */
  needAck(seq: number, subject: string): boolean {
    if (this.filter !== '' && !this.matches(subject)) return false;
    switch (this.cfg.ack_policy) {
      case 'none':
      case 'all':
        return seq > this.asflr;
      default:
        if (seq <= this.asflr) return false;
        return seq >= this.sseq || this.pending.has(seq);
    }
  }

  // ---- delivery ----

  /** Schedules a delivery run at the end of this I/O turn (one per turn however often called). */
  kick(): void {
    if (this.runScheduled || this.closed) return;
    this.runScheduled = true;
    this.clock.defer(this.runBound);
  }

  private hasRedeliveries(): boolean {
    return this.rdq.length > 0;
  }

  private nextToRedeliver(): number {
    const seq = this.rdq.shift();
    if (seq === undefined) return 0;
    this.rdqi.delete(seq);
    return seq;
  }

  private addToRedeliverQueue(seq: number): void {
    this.rdq.push(seq);
    this.rdqi.add(seq);
  }

  private removeFromRedeliverQueue(seq: number): void {
    if (!this.rdqi.delete(seq)) return;
    const i = this.rdq.indexOf(seq);
    if (i >= 0) this.rdq.splice(i, 1);
  }

  /** The next message and its delivery count, or null (nothing, or max_ack_pending reached). */
  private nextMsg(): { msg: StoredMsg; dc: number } | null {
    const maxdc = this.cfg.max_deliver ?? -1;
    while (this.rdq.length > 0) {
      const seq = this.nextToRedeliver();
      const dc = (this.rdc.get(seq) ?? 0) + 1;
      this.rdc.set(seq, dc);
      if (maxdc > 0 && dc + 1 > maxdc) {
        // Past max_deliver: it stays unacked but is no longer tracked (nats-server drops it from pending).
        this.pending.delete(seq);
        continue;
      }
      const msg = this.store.load(seq);
      if (msg !== null) return { msg, dc: dc + 1 };
      this.pending.delete(seq);
      this.rdc.delete(seq);
    }
    let seq = this.sseq;
    this.lssUndo = null;
    if (this.lss !== null && this.lss.seqs.length > 0) {
      this.lssUndo = { sseq: this.sseq, lss: { resume: this.lss.resume, seqs: this.lss.seqs.slice() } };
      seq = this.lss.seqs[0]!;
      if (this.lss.seqs.length === 1) {
        this.sseq = this.lss.resume;
        this.lss = null;
      } else this.lss.seqs.shift();
    }
    const maxp = this.cfg.max_ack_pending ?? 0;
    if (maxp > 0 && this.pending.size >= maxp) {
      this.stalled = true;
      return null;
    }
    const msg = this.store.loadNext(this.filter, seq);
    if (msg === null) {
      const last = this.store.state().lastSeq;
      if (last >= this.sseq) this.sseq = last + 1;
      return null;
    }
    if (msg.seq >= this.sseq) this.sseq = msg.seq + 1;
    return { msg, dc: 1 };
  }

  /** Puts a message taken by nextMsg back (no pull request for it, or a delay). */
  private unget(seq: number, dc: number): void {
    if (dc > 1) {
      this.rdc.set(seq, dc - 2 > 0 ? dc - 2 : 0);
      if ((this.rdc.get(seq) ?? 0) === 0) this.rdc.delete(seq);
      this.rdq.unshift(seq);
      this.rdqi.add(seq);
    } else if (this.lssUndo !== null) {
      this.sseq = this.lssUndo.sseq;
      this.lss = this.lssUndo.lss;
    } else this.sseq = seq;
  }

  private run(): void {
    this.runScheduled = false;
    if (this.closed) return;
    const now = this.clock.now();
    if (this.replayAt > now || this.rateAt > now) return this.rearm();
    if (isPush(this.cfg)) this.checkInterest(now);
    let budget = RUN_BUDGET;
    this.stalled = false;
    while (budget-- > 0) {
      if (this.waiting === null) {
        if (!this.active || (this.maxpb > 0 && this.pbytes > this.maxpb)) break;
      } else if (this.waiting.length === 0) break;
      const next = this.nextMsg();
      if (next === null) break;
      const { msg, dc } = next;
      if (this.replay && this.replayLast > 0n && this.replayAt === 0) {
        const delayMs = Number(msg.ts - this.replayLast) / MS_NS;
        if (delayMs > 1) {
          this.unget(msg.seq, dc);
          this.replayAt = this.clock.now() + delayMs;
          break;
        }
      }
      if (dc === 1 && this.npcm > 0) this.npc--;
      const ackReply = this.ackReply(msg.seq, this.dseq, dc, msg.ts, this.numPending());
      let hdr = msg.hdr;
      let data = msg.data;
      if (this.cfg.headers_only) {
        hdr = S.headersOnly(hdr, data.length);
        data = EMPTY;
      }
      const sz = msg.subject.length + ackReply.length + (hdr?.length ?? 0) + data.length;
      if (this.rateBytesPerMs > 0 && !this.takeRate(sz)) {
        if (dc === 1 && this.npcm > 0) this.npc++;
        this.unget(msg.seq, dc);
        break;
      }
      let to: string;
      if (this.waiting === null) to = this.cfg.deliver_subject!;
      else {
        const wr = this.nextWaiting(sz);
        if (wr === undefined) {
          if (dc === 1 && this.npcm > 0) this.npc++;
          this.unget(msg.seq, dc);
          break;
        }
        to = wr.reply;
        if (wr.n > 0 && wr.hb > 0) wr.hbt = this.clock.now() + wr.hb;
      }
      this.replayAt = 0;
      this.replayLast = msg.ts;
      this.deliverMsg(to, ackReply, msg, hdr, data, dc);
    }
    if (budget < 0) this.kick();
    if (this.replay && this.sseq > this.replayLseq) this.replay = false;
    if (this.waiting !== null) this.processWaiting(budget >= 0 && !this.stalled);
    this.rearm();
  }

  private ackReply(sseq: number, dseq: number, dc: number, ts: bigint, pending: number): string {
    return `${this.ackPrefix}${dc}.${sseq}.${dseq}.${ts}.${pending}`;
  }

  private deliverMsg(to: string, ackReply: string, msg: StoredMsg, hdr: Uint8Array | null, data: Uint8Array, dc: number): void {
    const dseq = this.dseq++;
    const now = this.clock.now();
    this.host.deliver(to, msg.subject, ackReply, hdr, data);
    this.lastSent = now;
    this.ldt = now;
    const ap = this.cfg.ack_policy;
    if (ap === 'explicit' || ap === 'all') this.trackPending(msg.seq, dseq, now);
    else {
      this.adflr = dseq;
      this.asflr = msg.seq;
    }
    if (this.maxpb > 0) {
      const psz = to.length + ackReply.length + (hdr?.length ?? 0) + data.length;
      this.pbytes += psz;
      if (this.needFlowControl(psz)) this.sendFlowControl();
    }
    if (this.waiting !== null && this.dthresh > 0) this.waiting.last = now;
    if (dc > 1) this.rdc.set(msg.seq, dc - 1);
    this.markDirty();
    if (ap === 'none' && this.reportsAcks) this.stream.ackMsg(msg.seq);
  }

  private trackPending(sseq: number, dseq: number, now: number): void {
    if (this.ackCheckAt === 0) this.ackCheckAt = now + this.ackWaitMs(0);
    const p = this.pending.get(sseq);
    if (p) p.ts = now;
    else this.pending.set(sseq, { dseq, ts: now });
  }

  private ackWaitMs(nextMs: number): number {
    return (nextMs > 0 ? nextMs : (this.cfg.ack_wait ?? 0) / MS_NS) + ACK_WAIT_DELAY_MS;
  }

  // ---- rate limit ----

  private setRateLimit(bps: number): void {
    this.rateBytesPerMs = bps / 8 / 1000;
    this.rateTokens = 0;
    this.rateStamp = this.clock.now();
  }

  private takeRate(sz: number): boolean {
    const now = this.clock.now();
    const burst = Math.max(sz, 64 * 1024);
    this.rateTokens = Math.min(burst, this.rateTokens + (now - this.rateStamp) * this.rateBytesPerMs);
    this.rateStamp = now;
    if (this.rateTokens >= sz) {
      this.rateTokens -= sz;
      this.rateAt = 0;
      return true;
    }
    this.rateAt = now + Math.ceil((sz - this.rateTokens) / this.rateBytesPerMs);
    return false;
  }

  // ---- flow control and heartbeats (push) ----

  private needFlowControl(sz: number): boolean {
    if (this.fcid === '' && this.pbytes > this.maxpb / 2) return true;
    if (this.fcid !== '' && this.pbytes - this.fcsz >= this.maxpb) this.fcsz += sz;
    return false;
  }

  private sendFlowControl(): void {
    let id = '';
    for (let i = 0; i < 4; i++) id += FC_CHARS[Math.floor(Math.random() * FC_CHARS.length)];
    const reply = `$JS.FC.${this.stream.name}.${this.name}.${id}`;
    this.fcsz = this.pbytes;
    this.fcid = reply;
    this.host.deliver(this.cfg.deliver_subject!, this.cfg.deliver_subject!, reply, S.FLOW_CONTROL_REQUEST, null);
  }

  /** A reply to a flow control request arrived on `subject` (`$JS.FC.<stream>.<consumer>.<id>`). */
  processFlowControl(subject: string): void {
    if (this.closed || subject !== this.fcid) return;
    if (this.maxpb < this.pblimit) this.maxpb = Math.min(this.maxpb * 2, this.pblimit);
    this.pbytes = Math.max(0, this.pbytes - this.fcsz);
    this.fcid = '';
    this.fcsz = 0;
    this.kick();
  }

  private sendIdleHeartbeat(to: string): void {
    this.host.deliver(to, to, '', S.idleHeartbeat(this.dseq - 1, this.sseq - 1, this.fcid), null);
    this.lastSent = this.clock.now();
  }

  // ---- acks ----

  /** A message on this consumer's ack subject (`$JS.ACK.<stream>.<consumer>.…`). */
  processAck(subject: string, reply: string, body: Uint8Array): void {
    if (this.closed) return;
    const ai = this.ai;
    if (!parseAckSubject(subject, ai)) {
      ai.sseq = 0;
      ai.dseq = 0;
      ai.deliveries = 0;
    }
    const { sseq, dseq } = ai;
    let skipReply = sseq <= 0;
    switch (ackKind(body)) {
      case 'ack':
        this.processAckMsg(sseq, dseq);
        break;
      case 'next':
        this.processAckMsg(sseq, dseq);
        this.processNextRequest(reply, nextRequestOf(body));
        skipReply = true;
        break;
      case 'nak':
        this.processNak(sseq, dseq, body);
        break;
      case 'progress':
        this.progressUpdate(sseq);
        break;
      case 'term':
        this.processTerm(sseq, dseq);
        break;
      default:
        break;
    }
    if (reply !== '' && !skipReply) this.host.deliver(reply, reply, '', null, null);
  }

  private processAckMsg(sseq: number, dseq: number): void {
    if (sseq <= 0) return;
    const maxp = this.cfg.max_ack_pending ?? 0;
    let needSignal = false;
    let sagap = 0;
    switch (this.cfg.ack_policy) {
      case 'explicit': {
        const p = this.pending.get(sseq);
        if (p) {
          if (maxp > 0 && this.pending.size >= maxp) needSignal = true;
          this.pending.delete(sseq);
          dseq = p.dseq;
        }
        if (this.pending.size === 0) {
          this.adflr = this.dseq - 1;
          this.asflr = this.sseq - 1;
        } else if (dseq === this.adflr + 1) {
          this.adflr = dseq;
          this.asflr = sseq;
          for (let ss = sseq + 1; ss < this.sseq; ss++) {
            const q = this.pending.get(ss);
            if (q) {
              if (q.dseq > 0) {
                this.adflr = q.dseq - 1;
                this.asflr = ss - 1;
              }
              break;
            }
          }
        }
        this.rdc.delete(sseq);
        this.removeFromRedeliverQueue(sseq);
        break;
      }
      case 'all': {
        if (dseq <= this.adflr || sseq <= this.asflr) return;
        if (maxp > 0 && this.pending.size >= maxp) needSignal = true;
        sagap = sseq - this.asflr;
        this.adflr = dseq;
        this.asflr = sseq;
        if (sagap > this.pending.size + this.rdc.size) {
          for (const s of this.pending.keys()) if (s <= sseq) this.pending.delete(s);
          for (const s of this.rdc.keys()) if (s <= sseq) this.rdc.delete(s);
          for (const s of [...this.rdq]) if (s <= sseq) this.removeFromRedeliverQueue(s);
        } else {
          for (let s = sseq; s > sseq - sagap; s--) {
            this.pending.delete(s);
            this.rdc.delete(s);
            this.removeFromRedeliverQueue(s);
          }
        }
        break;
      }
      default:
        return;
    }
    this.lat = this.clock.now();
    this.markDirty();
    if (this.reportsAcks) {
      if (sagap > 1) for (let s = sseq; s > sseq - sagap; s--) this.stream.ackMsg(s);
      else this.stream.ackMsg(sseq);
    }
    if (needSignal) this.kick();
  }

  private processNak(sseq: number, dseq: number, body: Uint8Array): void {
    if (dseq <= this.adflr || dseq >= this.dseq) return;
    if (this.pending.size > 0 && !this.pending.has(sseq)) return;
    const delay = nakDelayNs(body);
    if (delay !== undefined) {
      this.removeFromRedeliverQueue(sseq);
      const p = this.pending.get(sseq);
      if (p) {
        // Make it due `delay` from now: its ack wait is taken as already run down.
        p.ts = this.clock.now() - (this.cfg.ack_wait ?? 0) / MS_NS + delay / MS_NS;
        this.markDirty();
        this.ackCheckAt = Math.min(this.ackCheckAt || Infinity, this.clock.now() + 10);
        this.armAt(this.ackCheckAt);
      }
      return;
    }
    if (!this.rdqi.has(sseq)) this.addToRedeliverQueue(sseq);
    this.kick();
  }

  private processTerm(sseq: number, dseq: number): void {
    this.processAckMsg(sseq, dseq);
  }

  private progressUpdate(sseq: number): void {
    const p = this.pending.get(sseq);
    if (p) {
      p.ts = this.clock.now();
      this.removeFromRedeliverQueue(sseq);
      this.markDirty();
    }
  }

  /** checkPending: finds expired deliveries (ack wait / backoff) and queues them in order. */
  private checkPending(now: number): void {
    this.ackCheckAt = 0;
    if (this.pending.size === 0) return;
    const ttl = (this.cfg.ack_wait ?? 0) / MS_NS;
    const bo = this.cfg.backoff;
    let next = bo && bo.length > 0 ? bo[bo.length - 1]! / MS_NS : this.ackWaitMs(0);
    const fseq = this.store.state().firstSeq;
    let expired: number[] | null = null;
    let changed = false;
    for (const [seq, p] of this.pending) {
      if (seq < fseq) {
        this.pending.delete(seq);
        this.rdc.delete(seq);
        this.removeFromRedeliverQueue(seq);
        changed = true;
        continue;
      }
      const elapsed = now - p.ts;
      let deadline = ttl;
      if (bo && bo.length > 0) {
        let dc = this.rdc.get(seq) ?? 0;
        let nbi = dc + 1;
        if (dc + 1 >= bo.length) {
          dc = bo.length - 1;
          nbi = dc;
        }
        deadline = bo[dc]! / MS_NS;
        const nb = bo[nbi]! / MS_NS;
        if (nb < next) next = nb;
      }
      if (elapsed >= deadline) {
        if (!this.rdqi.has(seq)) (expired ??= []).push(seq);
      } else if (deadline - elapsed < next) next = deadline - elapsed;
    }
    if (expired !== null) {
      expired.sort((a, b) => a - b);
      // Later redeliveries keep their order: stamp them with increasing times from now.
      const off = now - this.pending.get(expired[0]!)!.ts;
      for (const seq of expired) {
        this.addToRedeliverQueue(seq);
        const p = this.pending.get(seq);
        if (p) p.ts += off;
      }
      this.kick();
    }
    if (this.pending.size > 0) this.ackCheckAt = now + this.ackWaitMs(next);
    if (changed) this.markDirty();
  }

  // ---- pull requests ----

  /** A request on `$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>` (or after `+NXT`). */
  processNextRequest(reply: string, body: Uint8Array): void {
    if (this.closed || reply === '') return;
    const sendErr = (hdr: Uint8Array): void => this.host.deliver(reply, reply, '', hdr, null);
    if (this.waiting === null) return sendErr(S.PUSH_BASED);
    const req = parsePullRequest(body);
    if ('error' in req) return sendErr(S.status(400, `Bad Request - ${req.error}`));
    const now = this.clock.now();
    const c = this.cfg;
    if ((c.max_batch ?? 0) > 0 && req.batch > c.max_batch!) return sendErr(S.status(409, `Exceeded MaxRequestBatch of ${c.max_batch}`));
    if (req.expiresNs > 0 && (c.max_expires ?? 0) > 0 && req.expiresNs > c.max_expires!)
      return sendErr(S.status(409, `Exceeded MaxRequestExpires of ${formatGoDuration(c.max_expires!)}`));
    if (req.maxBytes > 0 && (c.max_bytes ?? 0) > 0 && req.maxBytes > c.max_bytes!)
      return sendErr(S.status(409, `Exceeded MaxRequestMaxBytes of ${c.max_bytes}`));
    if (this.waiting.isFull()) this.processWaiting(false);
    if (req.noWait) {
      const msgsPending = this.numPending() + this.rdq.length;
      if (msgsPending === 0 && req.expiresNs === 0) {
        this.waiting.last = now;
        return sendErr(S.NO_MESSAGES);
      }
      if (msgsPending > 0) {
        const batchPending = this.processWaiting(false);
        if (msgsPending < batchPending) {
          this.waiting.last = now;
          return sendErr(S.REQUESTS_PENDING);
        }
      }
    }
    const hb = req.hbNs / MS_NS;
    const wr: PullRequest = {
      reply,
      n: req.batch > 0 ? req.batch : 1,
      d: 0,
      b: req.maxBytes,
      expires: req.expiresNs > 0 ? now + req.expiresNs / MS_NS : 0,
      hb,
      hbt: hb > 0 ? now + hb : 0,
      noWait: req.noWait,
      received: now,
    };
    if (!this.waiting.add(wr)) return sendErr(S.EXCEEDED_MAX_WAITING);
    if (this.dthresh > 0) this.deleteAt = 0;
    if (wr.expires > 0) this.armAt(wr.expires);
    if (wr.hbt > 0) this.armAt(wr.hbt);
    this.kick();
  }

  /** The request to send a message of `sz` bytes to, dropping those that cannot take it. */
  private nextWaiting(sz: number): PullRequest | undefined {
    const wq = this.waiting!;
    const now = this.clock.now();
    for (let wr = wq.peek(); wr !== undefined; wr = wq.peek()) {
      if (wr.b > 0) {
        if (sz <= wr.b) {
          wr.b -= sz;
          if (wr.b === 0) wr.n = 1;
        } else {
          this.host.deliver(wr.reply, wr.reply, '', S.maxBytesExceeded(wr.n, wr.b), null);
          wq.removeHead();
          continue;
        }
      }
      if ((wr.expires === 0 || now < wr.expires) && this.host.hasInterest(wr.reply)) return wq.pop();
      this.host.deliver(wr.reply, wr.reply, '', S.interestExpired(wr.n, wr.b), null);
      wq.removeHead();
    }
    return undefined;
  }

  /**
   * processWaiting: ends expired requests (408 Request Timeout), at the end of the stream also
   * no_wait ones that got something, drops those whose requester is gone, sends due pull
   * heartbeats. Returns the messages still asked for.
   */
  private processWaiting(eos: boolean): number {
    const wq = this.waiting;
    if (wq === null || wq.length === 0) return 0;
    const now = this.clock.now();
    let brp = 0;
    for (let i = 0; i < wq.reqs.length;) {
      const wr = wq.reqs[i]!;
      if ((eos && wr.noWait && wr.d > 0) || (wr.expires > 0 && now >= wr.expires)) {
        this.host.deliver(wr.reply, wr.reply, '', S.requestTimeout(wr.n, wr.b), null);
        wq.reqs.splice(i, 1);
        continue;
      }
      if (eos && wr.noWait && wr.d === 0 && this.numPending() + this.rdq.length === 0 && wr.expires === 0) {
        this.host.deliver(wr.reply, wr.reply, '', S.NO_MESSAGES, null);
        wq.reqs.splice(i, 1);
        continue;
      }
      if (!this.host.hasInterest(wr.reply)) {
        wq.reqs.splice(i, 1);
        continue;
      }
      brp += wr.n;
      if (wr.hbt > 0 && now >= wr.hbt) {
        this.sendIdleHeartbeat(wr.reply);
        wr.hbt = now + wr.hb;
      }
      if (wr.hbt > 0) this.armAt(wr.hbt);
      if (wr.expires > 0) this.armAt(wr.expires);
      i++;
    }
    if (this.dthresh > 0 && wq.length === 0 && this.deleteAt === 0) this.deleteAt = Math.max(wq.last, now - this.dthresh) + this.dthresh;
    return brp;
  }

  // ---- timer ----

  private armAt(at: number): void {
    if (this.closed) return;
    if (this.timer !== null && this.wakeAt <= at) return;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.wakeAt = at;
    this.timer = this.clock.setTimer(this.tickBound, at - this.clock.now());
  }

  /** Arms the one timer for the earliest of the consumer's deadlines. */
  private rearm(): void {
    if (this.closed) return;
    if (this.ackCheckAt > 0) this.armAt(this.ackCheckAt);
    if (this.deleteAt > 0) this.armAt(this.deleteAt);
    if (this.replayAt > 0) this.armAt(this.replayAt);
    if (this.rateAt > 0) this.armAt(this.rateAt);
    if (this.hbMs > 0 && this.waiting === null) this.armAt(this.lastSent + this.hbMs);
    if (this.interestAt > 0) this.armAt(this.interestAt);
  }

  /**
   * Push: re-reads interest on the deliver subject. Without it: look again soon (backing off),
   * and start the inactivity clock. With it and an inactivity threshold: look once a second,
   * so a subscriber that went away starts the clock.
   */
  private checkInterest(now: number): void {
    this.active = this.host.hasInterest(this.cfg.deliver_subject!);
    if (this.active) {
      this.deleteAt = 0;
      this.interestPollMs = 0;
      this.interestAt = this.dthresh > 0 ? now + 1000 : 0;
      return;
    }
    if (this.dthresh > 0 && this.deleteAt === 0) this.deleteAt = now + this.dthresh;
    this.interestPollMs = this.interestPollMs === 0 ? 2 : Math.min(1000, this.interestPollMs * 2);
    this.interestAt = now + this.interestPollMs;
  }

  private tick(): void {
    this.timer = null;
    this.wakeAt = Infinity;
    if (this.closed) return;
    const now = this.clock.now();
    if (this.ackCheckAt > 0 && now >= this.ackCheckAt) this.checkPending(now);
    if (this.waiting !== null) this.processWaiting(true);
    if (this.hbMs > 0 && this.waiting === null) {
      if (now - this.lastSent >= this.hbMs - 1) {
        if (this.active) this.sendIdleHeartbeat(this.cfg.deliver_subject!);
        else this.lastSent = now;
      }
    }
    if (this.interestAt > 0 && now >= this.interestAt) {
      const was = this.active;
      this.checkInterest(now);
      if (this.active && !was) this.kick();
    }
    if (this.replayAt > 0 && now >= this.replayAt) this.kick();
    if (this.rateAt > 0 && now >= this.rateAt) {
      this.rateAt = 0;
      this.kick();
    }
    if (this.deleteAt > 0 && now >= this.deleteAt) {
      this.deleteAt = 0;
      if (this.deleteNotActive(now)) return;
    }
    this.rearm();
  }

  private updateInactiveThreshold(): void {
    const c = this.cfg;
    const it = (c.inactive_threshold ?? 0) / MS_NS;
    if (!this.isDurable && it <= 0) {
      this.dthresh = 5000 + 100 + Math.floor(Math.random() * 900);
      c.inactive_threshold = 5e9;
    } else if (it > 0) this.dthresh = this.waiting !== null ? it + 100 + Math.floor(Math.random() * 900) : it;
    else this.dthresh = 0;
  }

  /** deleteNotActive: true when the consumer removed itself. */
  private deleteNotActive(now: number): boolean {
    if (this.dthresh <= 0) return false;
    if (this.waiting === null) {
      this.active = this.host.hasInterest(this.cfg.deliver_subject!);
      if (this.active) return false;
    } else {
      const elapsed = now - this.waiting.last;
      if (elapsed <= (this.cfg.inactive_threshold ?? 0) / MS_NS) {
        this.deleteAt = now + this.dthresh - elapsed;
        return false;
      }
      this.processWaiting(true);
      if (this.waiting.length > 0) {
        this.deleteAt = now + this.dthresh;
        return false;
      }
    }
    void this.delete();
    this.stream.consumerGone(this);
    return true;
  }

  /** Push consumers: the host tells of a change of interest on the deliver subject. */
  interestChanged(): void {
    if (this.closed || this.waiting !== null) return;
    const was = this.active;
    this.active = this.host.hasInterest(this.cfg.deliver_subject!);
    if (this.active) {
      this.deleteAt = 0;
      if (!was) this.kick();
    } else if (this.dthresh > 0 && this.deleteAt === 0) {
      this.deleteAt = this.clock.now() + this.dthresh;
      this.rearm();
    }
  }

  // ---- config, info, lifecycle ----

  /** Applies an allowed update (checked by checkConfigUpdate). */
  updateConfig(next: ConsumerConfig): void {
    const old = this.cfg;
    this.cfg = next;
    if ((next.deliver_subject ?? '') !== (old.deliver_subject ?? '')) {
      // A new deliver subject: everything pending goes out again there.
      for (const seq of [...this.pending.keys()].sort((a, b) => a - b)) if (!this.rdqi.has(seq)) this.addToRedeliverQueue(seq);
      this.active = this.host.hasInterest(next.deliver_subject!);
    }
    if (next.rate_limit_bps !== old.rate_limit_bps) {
      this.rateBytesPerMs = 0;
      if (next.rate_limit_bps) this.setRateLimit(next.rate_limit_bps);
    }
    if (next.ack_wait !== old.ack_wait && this.pending.size > 0) this.ackCheckAt = this.clock.now() + 100;
    if (next.inactive_threshold !== old.inactive_threshold) {
      this.updateInactiveThreshold();
      this.deleteAt = this.dthresh > 0 && (this.waiting !== null || !this.active) ? this.clock.now() + this.dthresh : 0;
    }
    this.rearm();
    this.kick();
  }

  info(): Record<string, unknown> {
    const info: Record<string, unknown> = {
      stream_name: this.stream.name,
      name: this.name,
      created: formatRfc3339(this.created),
      config: configJson(this.cfg),
      delivered: seqInfo(this.dseq - 1, this.sseq - 1, this.ldt),
      ack_floor: seqInfo(this.adflr, this.asflr, this.lat),
      num_ack_pending: this.pending.size,
      num_redelivered: this.rdc.size,
      num_waiting: 0,
      num_pending: this.streamNumPending(),
    };
    if (this.waiting !== null) {
      this.processWaiting(false);
      info.num_waiting = this.waiting.length;
    } else if (this.active) {
      this.active = this.host.hasInterest(this.cfg.deliver_subject!);
      if (this.active) info.push_bound = true;
    }
    return info;
  }

  /** Stops delivery and timers; the stored state stays (server shutdown). */
  async stop(): Promise<void> {
    if (this.closed) return;
    await this.flushed();
    this.closed = true;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
  }

  /** Stops and removes the stored state; waiting pull requests get 409 Consumer Deleted. */
  async delete(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    if (this.waiting !== null) for (const wr of this.waiting.clear()) this.host.deliver(wr.reply, wr.reply, '', S.CONSUMER_DELETED, null);
    await this.cstore?.delete();
  }

  /** For tests and /jsz: counters that are not in info(). */
  debugState(): { sseq: number; dseq: number; rdq: number[]; timerArmed: boolean } {
    return { sseq: this.sseq, dseq: this.dseq, rdq: [...this.rdq], timerArmed: this.timer !== null };
  }
}

function seqInfo(consumer: number, stream: number, last: number): Record<string, unknown> {
  const o: Record<string, unknown> = { consumer_seq: consumer, stream_seq: stream };
  if (last > 0) o.last_active = formatRfc3339(BigInt(Math.round(last)) * 1_000_000n);
  return o;
}
