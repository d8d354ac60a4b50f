/**
 * The consumers of one stream: create / update / look up / delete as nats-server's
 * addConsumerWithAssignment does, their configs kept beside their state so they come back on
 * restart, new messages and removals passed on, and the interest / workqueue retention decision
 * (a message goes when no consumer needs it any more).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { StreamStore } from '@switchboard/stream-store';
import type { Clock } from './clock.js';
import { type ApiErrorBody, ConsumerErrors as E } from './codes.js';
import {
  type ConsumerConfig,
  type ConsumerLimits,
  MAX_NAME_LEN,
  NO_LIMITS,
  type StreamView,
  applyDefaults,
  checkConfigUpdate,
  checkConsumerConfig,
  configJson,
  decodeConsumerConfig,
  isErrorBody,
  isValidName,
} from './config.js';
import { Consumer, type ConsumerHost, type ConsumerStream } from './consumer.js';
import { subjectMatches, subjectsCollide } from '@switchboard/subjects';

/** What the set needs from its stream. */
export interface StreamLink {
  readonly name: string;
  readonly store: StreamStore;
  /** Subjects, retention, replicas, and max_consumers (<= 0 = no limit). */
  view(): StreamView & { maxConsumers: number };
  /** Interest/workqueue retention: remove this message (no consumer needs it). */
  removeMsg(seq: number): void;
}

export interface ConsumerSetOptions {
  stream: StreamLink;
  host: ConsumerHost;
  clock: Clock;
  /** Where consumer configs are kept (`<stream dir>/consumers`); null for memory streams. */
  metaDir: string | null;
  /**
   * Subscribes in the stream's account (wildcards ok): the set takes its streams's ack and flow
   * control subjects (`$JS.ACK.<stream>.>`, `$JS.FC.<stream>.>`) with it. Absent: acks come
   * through `ack()` / `flowControl()`.
   */
  subscribe?: (subject: string, handler: (subject: string, reply: string, hdr: Uint8Array | null, data: Uint8Array) => void) => { unsubscribe(): void };
  /** Server/account limits (max_ack_pending, max_request_batch, account max consumers). */
  limits?: () => ConsumerLimits & { maxConsumers: number };
}

interface Meta {
  name: string;
  created: string;
  config: Record<string, unknown>;
}

const NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class ConsumerSet implements ConsumerStream {
  readonly name: string;
  readonly store: StreamStore;
  private readonly consumers = new Map<string, Consumer>();
  private readonly link: StreamLink;
  private readonly host: ConsumerHost;
  private readonly clock: Clock;
  private readonly metaDir: string | null;
  private readonly limits: () => ConsumerLimits & { maxConsumers: number };
  private readonly subs: Array<{ unsubscribe(): void }> = [];

  constructor(o: ConsumerSetOptions) {
    this.link = o.stream;
    this.name = o.stream.name;
    this.store = o.stream.store;
    this.host = o.host;
    this.clock = o.clock;
    this.metaDir = o.metaDir;
    this.limits = o.limits ?? ((): ConsumerLimits & { maxConsumers: number } => ({ ...NO_LIMITS, maxConsumers: 0 }));
    if (this.metaDir !== null) fs.mkdirSync(this.metaDir, { recursive: true });
    if (o.subscribe) {
      // One subscription per stream and kind; the consumer name is the token after the stream.
      const ackPrefix = `$JS.ACK.${this.name}.`.length;
      const fcPrefix = `$JS.FC.${this.name}.`.length;
      this.subs.push(
        o.subscribe(`$JS.ACK.${this.name}.>`, (subject, reply, _hdr, data) => {
          const end = subject.indexOf('.', ackPrefix);
          if (end > ackPrefix) this.consumers.get(subject.slice(ackPrefix, end))?.processAck(subject, reply, data);
        }),
        o.subscribe(`$JS.FC.${this.name}.>`, (subject) => {
          const end = subject.indexOf('.', fcPrefix);
          if (end > fcPrefix) this.consumers.get(subject.slice(fcPrefix, end))?.processFlowControl(subject);
        }),
      );
    }
  }

  private unsubscribeAll(): void {
    for (const s of this.subs.splice(0)) s.unsubscribe();
  }

  // ---- ConsumerStream ----

  view(): StreamView {
    return this.link.view();
  }

  ackMsg(seq: number): void {
    const subject = this.store.subjectOf(seq);
    if (subject === null) return;
    for (const c of this.consumers.values()) if (c.needAck(seq, subject)) return;
    this.link.removeMsg(seq);
  }

  consumerGone(c: Consumer): void {
    if (this.consumers.get(c.name) === c) {
      this.consumers.delete(c.name);
      this.removeMeta(c.name);
    }
  }

  // ---- lookups ----

  get(name: string): Consumer | undefined {
    return this.consumers.get(name);
  }

  /**
   * Consumer names, sorted (NAMES/LIST order). Direct consumers (a mirror's or source's, made
   * by another stream) are not listed, as nats-server's getPublicConsumers.
   */
  names(): string[] {
    const out: string[] = [];
    for (const [name, c] of this.consumers) if (!c.cfg.direct) out.push(name);
    return out.sort();
  }

  /** All consumers, direct ones included (the account's consumer count, as nats-server's numConsumers). */
  get size(): number {
    return this.consumers.size;
  }

  /** Consumers but the direct ones (stream info's consumer_count, max_consumers). */
  get publicSize(): number {
    let n = 0;
    for (const c of this.consumers.values()) if (!c.cfg.direct) n++;
    return n;
  }

  all(): IterableIterator<Consumer> {
    return this.consumers.values();
  }

  // ---- stream events ----

  /** A message was stored (the stream's onAppend). */
  onAppend(seq: number, subject: string): void {
    for (const c of this.consumers.values()) c.signal(seq, subject);
  }

  /** A message was removed (delete, limits, retention). */
  onRemove(seq: number, subject: string): void {
    for (const c of this.consumers.values()) c.msgRemoved(seq, subject);
  }

  /** The stream was purged below `seq` (0 = all up to lastSeq). */
  onPurge(seq: number, lastSeq: number): void {
    for (const c of this.consumers.values()) c.purged(seq, lastSeq);
  }

  /** Interest retention: does any consumer still need `seq`? (With no consumers, interest streams keep nothing.) */
  needed(seq: number, subject: string): boolean {
    for (const c of this.consumers.values()) if (c.needAck(seq, subject)) return true;
    return false;
  }

  /**
   * Interest retention at publish: is any consumer's filter matching `subject`? (nats-server
   * skips storing — only takes the sequence — when none is.)
   */
  wants(subject: string): boolean {
    for (const c of this.consumers.values()) {
      const f = c.cfg.filter_subject ?? '';
      if (f === '' || subjectMatches(f, subject)) return true;
    }
    return false;
  }

  /** An ack arrived for consumer `consumer` of this stream. */
  ack(consumer: string, subject: string, reply: string, body: Uint8Array): void {
    this.consumers.get(consumer)?.processAck(subject, reply, body);
  }

  /** A flow control reply arrived for `consumer`. */
  flowControl(consumer: string, subject: string): void {
    this.consumers.get(consumer)?.processFlowControl(subject);
  }

  /** Push consumers re-check interest on their deliver subjects. */
  interestChanged(): void {
    for (const c of this.consumers.values()) c.interestChanged();
  }

  // ---- create / update ----

  /**
   * addConsumerWithAssignment: an existing consumer of that name is updated (within what may
   * change); otherwise limits, workqueue rules and the name are checked and the consumer made.
   * `cfg` is the decoded request config (defaults not yet applied).
   */
  create(cfg: ConsumerConfig): Consumer | ApiErrorBody {
    const lim = this.limits();
    applyDefaults(cfg, lim);
    const view = this.link.view();
    const err = checkConsumerConfig(cfg, view, lim);
    if (err) return err;
    const cname = cfg.durable_name || cfg.name || '';
    if (cname !== '') {
      const existing = this.consumers.get(cname);
      if (existing) return this.update(existing, cfg);
    }
    let maxc = view.maxConsumers;
    if (maxc <= 0 || (lim.maxConsumers > 0 && lim.maxConsumers < maxc)) maxc = lim.maxConsumers;
    if (maxc > 0 && this.publicSize >= maxc) return E.maxConsumers();
    if (view.retention === 'workqueue' && !cfg.direct) {
      if (cfg.ack_policy !== 'explicit') return E.wqRequiresExplicitAck();
      if (this.consumers.size > 0) {
        if (!cfg.filter_subject) return E.wqMultipleUnfiltered();
        for (const c of this.consumers.values()) {
          const f = c.cfg.filter_subject ?? '';
          if (f === '' || subjectsCollide(f, cfg.filter_subject)) return E.wqNotUnique();
        }
      }
      if (cfg.deliver_policy !== 'all') return E.wqNotDeliverAll();
    }
    let name = cname;
    if (cfg.durable_name && cfg.durable_name.length > MAX_NAME_LEN) return E.nameTooLong(MAX_NAME_LEN);
    if (name === '') {
      // Legacy ephemeral: nats-server names it but leaves the config's name empty.
      do name = randomName();
      while (this.consumers.has(name));
    }
    if (!isValidName(name)) return E.badDurableName();
    if (/[\\/]/.test(name)) return E.nameContainsPathSeparators();
    return this.make(name, cfg, null, false);
  }

  private update(c: Consumer, cfg: ConsumerConfig): Consumer | ApiErrorBody {
    // Name/durable are what the request said; keep the stamped inactive threshold of ephemerals.
    if (!cfg.durable_name && !cfg.inactive_threshold && c.cfg.inactive_threshold && !c.isDurable) cfg.inactive_threshold = c.cfg.inactive_threshold;
    const old = c.cfg;
    const interest = old.deliver_subject ? this.host.hasInterest(old.deliver_subject) : false;
    const err = checkConfigUpdate(old, cfg, interest);
    if (err) return err;
    c.updateConfig(cfg);
    this.saveMeta(c);
    return c;
  }

  private make(name: string, cfg: ConsumerConfig, created: bigint | null, restore: boolean): Consumer {
    const c = new Consumer({
      stream: this,
      host: this.host,
      clock: this.clock,
      name,
      config: cfg,
      store: this.store.consumer(name),
      created: created ?? undefined,
      restore,
    });
    this.consumers.set(name, c);
    if (!restore) this.saveMeta(c);
    return c;
  }

  /** Deletes a consumer and its stored state; false when there is none of that name. */
  async delete(name: string): Promise<boolean> {
    const c = this.consumers.get(name);
    if (!c) return false;
    this.consumers.delete(name);
    this.removeMeta(name);
    await c.delete();
    // Interest retention: messages only this consumer held may go now.
    if (this.link.view().retention !== 'limits') this.sweepInterest();
    return true;
  }

  /** Interest/workqueue retention after a consumer left: drop what nobody needs. */
  private sweepInterest(): void {
    const st = this.store.state();
    if (st.msgs === 0) return;
    for (let seq = st.firstSeq; seq <= st.lastSeq; seq++) {
      const subject = this.store.subjectOf(seq);
      if (subject !== null && !this.needed(seq, subject)) this.link.removeMsg(seq);
    }
  }

  // ---- persistence ----

  private saveMeta(c: Consumer): void {
    // A direct consumer is not kept: its stream makes a new one after a restart.
    if (this.metaDir === null || c.cfg.direct) return;
    const meta: Meta = { name: c.name, created: c.created.toString(), config: configJson(c.cfg) };
    const file = path.join(this.metaDir, `${c.name}.json`);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(meta));
    fs.renameSync(`${file}.tmp`, file);
  }

  private removeMeta(name: string): void {
    if (this.metaDir === null) return;
    fs.rmSync(path.join(this.metaDir, `${name}.json`), { force: true });
  }

  /** Brings back the consumers whose configs were saved (broker start). Returns how many. */
  restore(log?: (text: string) => void): number {
    if (this.metaDir === null) return 0;
    let n = 0;
    for (const f of fs.readdirSync(this.metaDir)) {
      if (!f.endsWith('.json')) continue;
      try {
        const meta = JSON.parse(fs.readFileSync(path.join(this.metaDir, f), 'utf8')) as Meta;
        const cfg = decodeConsumerConfig(meta.config);
        if (isErrorBody(cfg)) throw new Error(cfg.description);
        this.make(meta.name, cfg, BigInt(meta.created), true);
        n++;
      } catch (e) {
        log?.(`consumer ${f} of stream ${this.name} not restored: ${(e as Error).message}`);
      }
    }
    return n;
  }

  /** Stops every consumer, keeping their state (broker shutdown). */
  async stop(): Promise<void> {
    this.unsubscribeAll();
    await Promise.all([...this.consumers.values()].map((c) => c.stop()));
    this.consumers.clear();
  }

  /** Stops every consumer and forgets their configs (stream deleted; the store removes states). */
  async destroy(): Promise<void> {
    this.unsubscribeAll();
    for (const c of this.consumers.values()) c.closed = true;
    this.consumers.clear();
    if (this.metaDir !== null) fs.rmSync(this.metaDir, { recursive: true, force: true });
  }
}

/** An 8-character name for an ephemeral consumer (nats-server: a hash of a NUID). */
function randomName(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return s;
}
