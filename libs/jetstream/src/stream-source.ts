import { isSubsetMatch } from '@switchboard/subjects';
import { type ApiError, JSErr, apiError } from './errors.js';
import { HDR_STREAM_SOURCE, getHeader } from './headers.js';
import { parseRfc3339 } from './json-time.js';
import type { StreamConfig, StreamSource } from './stream-config.js';
import { ExternalLink } from './stream-source-external.js';
import type { Stream } from './stream.js';

/** A stream's mirror or one of its sources: in process (same account) or through the account's imports. */
export type Link = SourceLink | ExternalLink;

/**
 * A stream's mirror or one of its sources, between streams of one account, in process: the
 * link reads its origin's store from the sequence after the last one it took and hands each
 * message to the target stream's copy path (`copyMirrored` / `copySourced`, both through the
 * stream's one `append`). What nats-server 2.9 does with an internal push consumer and flow
 * control is here a read loop woken by the origin's appends, in batches, one per I/O turn.
 *
 * Where to continue is never kept apart from the copies, so a restart (or a crash) neither
 * repeats nor skips: a mirror continues after its own last sequence (it keeps its origin's
 * numbering), a source after the origin sequence named by the last `Nats-Stream-Source`
 * header it stored (nats-server's startingSequenceForSources).
 */

/** Messages copied per I/O turn before yielding to the event loop. */
const BATCH = 256;
/** After a refusal of the account's limits, the next try. */
const RETRY_MS = 1000;
/** nats-server's sourceHealthCheckInterval: its heartbeats refresh `active` this often. */
const HEARTBEAT_NS = 1_000_000_000n;

export class SourceLink {
  readonly external = false;
  /** The origin stream while it exists. */
  private origin: Stream | null = null;
  /** The last origin sequence taken (copied or passed over). */
  sseq = 0;
  /** When the link last heard from its origin (ns); 0 = never. */
  private last = 0n;
  err: ApiError | null = null;
  private scheduled = false;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;
  private positioned = false;
  /** The `created` of the origin last bound (0 = none yet in this process). */
  private originCreated = 0n;

  constructor(
    readonly target: Stream,
    readonly src: StreamSource,
    readonly mirror: boolean,
  ) {}

  /** nats-server's index name: the origin's name (external origins: stream-source-external.ts). */
  get iname(): string {
    return this.src.name;
  }

  get bound(): boolean {
    return this.origin !== null;
  }

  /** The origin exists (now): start copying from where this link is. */
  bind(origin: Stream): void {
    if (this.stopped || this.origin === origin) return;
    this.unbind(null);
    // An origin deleted and created again is another stream: a source copies it from its start
    // (nats-server's consumer would start after the old origin's sequence, clamped to the new
    // one's end: what it copies depends on how soon it retries). A mirror keeps its numbering.
    if (!this.mirror && this.originCreated !== 0n && origin.created !== this.originCreated) this.sseq = 0;
    this.originCreated = origin.created;
    this.origin = origin;
    origin.followers.add(this);
    this.err = null;
    // Positioned in the first drain, after the reply to the request that made the link (as
    // nats-server's consumer is set up after its create reply).
    this.positioned = false;
    this.wake();
  }

  /** Where the copying starts: after what the link took, else as configured, not before the origin's first. */
  private position(origin: Stream): void {
    this.positioned = true;
    const ost = origin.state();
    // nats-server's consumer start (selectStartingSeqNo): 1 on an origin that never had a
    // message, else within [first, last + 1].
    const clamp = (seq: number): number => (ost.lastSeq === 0 ? 1 : Math.min(Math.max(seq, ost.firstSeq), ost.lastSeq + 1));
    if (this.mirror) {
      const last = this.target.state().lastSeq;
      // A mirror that has a numbering continues after it, even on an origin that is behind.
      const start = last === 0 ? clamp(this.configuredStart(origin)) : Math.max(last + 1, ost.firstSeq);
      // The consumer's delivered floor (start - 1): a mirror's numbering follows it.
      if (start - 1 > last) this.target.skipTo(start);
      this.sseq = Math.max(last, start - 1);
    } else {
      this.sseq = clamp(this.sseq === 0 ? this.configuredStart(origin) : this.sseq + 1) - 1;
    }
  }

  /** Does the link want messages on `subject` (its filter)? */
  wants(subject: string): boolean {
    const f = this.src.filter_subject ?? '';
    return f === '' || isSubsetMatch(subject, f);
  }

  /** Is `seq` (on `subject`) still to be taken by this link? Retention keeps it until then. */
  holds(seq: number, subject: string): boolean {
    return this.positioned && seq > this.sseq && this.wants(subject);
  }

  /** The origin went away (deleted, stopped): copying waits for one of its name. */
  unbind(err: ApiError | null): void {
    if (this.origin !== null) this.origin.followers.delete(this);
    if (this.mirror) this.target.serveMirrorDirect(false);
    this.origin = null;
    this.err = err;
  }

  stop(): void {
    this.stopped = true;
    this.unbind(null);
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
  }

  /** The origin has a new message (or a retry is due): copy in the next turn. */
  wake(): void {
    if (this.scheduled || this.stopped || this.origin === null || this.retry !== null) return;
    this.scheduled = true;
    setImmediate(this.drain);
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    const o = this.origin;
    const t = this.target;
    if (o === null || this.stopped || t.closed || t.config.sealed) return;
    if (!this.positioned) this.position(o);
    const filter = this.src.filter_subject ?? '';
    for (let n = 0; n < BATCH; n++) {
      const m = o.store.loadNext(filter, this.sseq + 1);
      if (m === null) {
        this.err = null;
        this.last = t.now();
        if (this.mirror) t.serveMirrorDirect(true); // caught up
        return;
      }
      const refused = this.mirror ? t.copyMirrored(m) : t.copySourced(this.iname, m);
      if (refused !== null) {
        // The account is full: keep the message, try again later (nats-server drops it).
        this.err = refused;
        this.retry = setTimeout(this.retryNow, RETRY_MS);
        this.retry.unref();
        return;
      }
      this.err = null;
      this.sseq = m.seq;
      o.copied(m.seq, m.subject);
    }
    this.last = t.now();
    this.wake();
  };

  private readonly retryNow = (): void => {
    this.retry = null;
    this.wake();
  };

  /** Where a link with no history starts: opt_start_seq, opt_start_time, else the origin's first. */
  private configuredStart(origin: Stream): number {
    if (this.src.opt_start_seq) return this.src.opt_start_seq;
    if (this.src.opt_start_time) {
      const ts = parseRfc3339(this.src.opt_start_time);
      if (ts !== null) return origin.store.seqForTime(ts);
    }
    return 1;
  }

  /** StreamSourceInfo as nats-server marshals it: name, lag, active (ns, -1 never), error. */
  infoJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = { name: this.src.name };
    o.lag = this.lag();
    if (this.last === 0n) o.active = -1;
    else {
      const since = this.target.now() - this.last;
      // In process a bound link is never silent; nats-server's 1 s heartbeats bound it there.
      o.active = Number(this.origin !== null ? since % HEARTBEAT_NS : since);
    }
    if (this.err !== null) o.error = this.err;
    return o;
  }

  /** Origin messages after the last one taken (matching the filter). */
  private lag(): number {
    const o = this.origin;
    if (o === null) return 0;
    const st = o.state();
    if (this.sseq >= st.lastSeq) return 0;
    const filter = this.src.filter_subject ?? '';
    // Unfiltered: the sequences after the last taken, bounded by what the origin holds (deleted
    // ones inside that range are counted; a scan per INFO of a far-behind link is not worth it).
    if (filter === '') return Math.min(st.msgs, st.lastSeq - this.sseq);
    return o.store.filteredState(this.sseq + 1, filter).msgs;
  }
}

/**
 * The links a stream's config asks for (an `external` origin through the account's imports):
 * those of `running` whose source is unchanged go on, the others are new, positioned from the
 * stream's last `Nats-Stream-Source` headers.
 */
export function linksFor(stream: Stream, cfg: StreamConfig, running: readonly Link[] = []): Link[] {
  const make = (src: StreamSource, mirror: boolean): Link => (src.external ? new ExternalLink(stream, src, mirror) : new SourceLink(stream, src, mirror));
  if (cfg.mirror) return [make(cfg.mirror, true)]; // a mirror cannot change (10055)
  const keep = new Map(running.map((l) => [JSON.stringify(l.src), l]));
  const out: Link[] = [];
  const fresh: Link[] = [];
  const seen = new Set<string>();
  for (const s of cfg.sources ?? []) {
    const l0 = make(s, false);
    if (seen.has(l0.iname)) continue; // nats-server keys them by index name: one per origin
    seen.add(l0.iname);
    let l = keep.get(JSON.stringify(s));
    if (l === undefined) fresh.push((l = l0));
    out.push(l);
  }
  startingSequences(stream, fresh);
  return out;
}

/**
 * nats-server's startingSequenceForSources: from the stream's last message back, the first
 * `Nats-Stream-Source` header of each source gives the origin sequence it had reached.
 */
function startingSequences(stream: Stream, links: Link[]): void {
  if (links.length === 0) return;
  const st = stream.state();
  if (st.msgs === 0) return;
  const want = new Map(links.map((l) => [l.iname, l]));
  for (let seq = st.lastSeq; seq >= st.firstSeq && want.size > 0; seq--) {
    const m = stream.store.load(seq);
    if (m === null || m.hdr === null) continue;
    const v = getHeader(m.hdr, HDR_STREAM_SOURCE);
    if (v === null) continue;
    const sp = v.lastIndexOf(' ');
    const link = want.get(v.slice(0, sp));
    const n = Number(v.slice(sp + 1));
    if (link === undefined || sp < 0 || !Number.isInteger(n)) continue;
    link.sseq = n;
    want.delete(link.iname);
  }
}

/** The error a link shows while its origin does not exist. */
export function originMissing(): ApiError {
  return apiError(JSErr.JSStreamNotFoundErr);
}
