import { createHash, randomInt } from 'node:crypto';
import type { StoredMsg } from '@switchboard/stream-store';
import type { ApiError, ApiErrorJSON } from './errors.js';
import { getHeader } from './headers.js';
import type { HostSubscription } from './host.js';
import type { StreamSource } from './stream-config.js';
import type { Stream } from './stream.js';

/**
 * A stream's mirror or one source whose origin is reached through `external: { api, deliver }`
 * (another account, through its exports and this account's imports), as nats-server 2.9.10's
 * setupMirrorConsumer / setSourceConsumer do it: the link asks for a direct push consumer on
 * `<api>.CONSUMER.CREATE.<origin>` (with a filter: `...CREATE.<origin>.<name>.<filter>`),
 * published in the target's account so that the account's imports carry it; the consumer
 * delivers to `<deliver>.M.<8>` / `<deliver>.S.<8>` with flow control and 1 s heartbeats; each
 * delivery's `$JS.ACK` reply gives the origin sequence, time and pending count. What the
 * accounts do not export and import does not arrive: the link then shows no activity.
 *
 * Where to continue is, as for the in-process links, taken from what the target holds: a
 * mirror asks for its last sequence + 1, a source for the origin sequence after the last
 * `Nats-Stream-Source` header of this link (whose name is `<origin>:<hash of api prefix>`).
 */

/** nats-server's sourceHealthCheckInterval: heartbeats, and a link silent for 3 of them is set up again. */
const HEALTH_MS = 1000;
/** nats-server's sourceConsumerRetryThreshold: consumer create requests at most this often. */
const RETRY_THRESHOLD_MS = 2000;
/** How long a create request is waited for before it is sent again. */
const CREATE_TIMEOUT_MS = 5000;
const HEARTBEAT_NS = 1_000_000_000;
const ACK_WAIT_NS = 22 * 3600 * 1_000_000_000;
const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'; // nats-server's digits
const CONTROL = Buffer.from('NATS/1.0 100 ');
const EMPTY = new Uint8Array(0);

/** nats-server's getHashSize: sha256 of `name`, its first `size` bytes as base-62 digits. */
export function nameHash(name: string, size = 8): string {
  const b = createHash('sha256').update(name).digest();
  let s = '';
  for (let i = 0; i < size; i++) s += DIGITS[b[i]! % 62];
  return s;
}

/** nats-server's syncSubject suffix: 8 random base-62 digits. */
function token(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += DIGITS[randomInt(62)];
  return s;
}

/** `$JS.API` of a subject replaced by the link's api prefix (nats-server: once, then `..` → `.`). */
function withPrefix(prefix: string, subject: string): string {
  return (prefix + subject.slice('$JS.API'.length)).replaceAll('..', '.');
}

interface Delivery {
  subject: string;
  reply: string;
  hdr: Buffer | null;
  data: Buffer;
}

export class ExternalLink {
  readonly external = true;
  /** Its consumer lives in the origin's account (counted there), never bound to a stream here. */
  readonly bound = false;
  /** nats-server's index name: origin name and hash of the api prefix (the `Nats-Stream-Source` name). */
  readonly iname: string;
  /** The last origin sequence taken. */
  sseq = 0;
  /** The last delivery sequence of the current consumer. */
  private dseq = 0;
  /** The current consumer's name ('' while none). */
  private cname = '';
  private lag = 0;
  /** When the link last heard from its consumer (ns); 0 = never. */
  private last = 0n;
  err: ApiError | ApiErrorJSON | null = null;
  private sub: HostSubscription | null = null;
  private replySub: HostSubscription | null = null;
  /** When the last create request went out (ms). */
  private lreq = 0;
  /** A create request waits for its reply: deliveries wait in `queued`. */
  private sip = false;
  private queued: Delivery[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private createTimer: NodeJS.Timeout | null = null;
  private health: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Bumped by every cancel: a reply to an older request is dropped. */
  private gen = 0;

  constructor(
    readonly target: Stream,
    readonly src: StreamSource,
    readonly mirror: boolean,
  ) {
    this.iname = `${src.name}:${nameHash(src.external!.api)}`;
  }

  /** Asks for the consumer and watches the link's health. */
  start(): void {
    if (this.stopped || this.health !== null) return;
    this.health = setInterval(this.checkHealth, HEALTH_MS);
    this.health.unref();
    this.setup();
  }

  stop(): void {
    this.stopped = true;
    this.cancel();
    if (this.health !== null) clearInterval(this.health);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.health = this.retryTimer = null;
  }

  /** nats-server's cancelSourceInfo: the consumer is left to expire in its account (no interest). */
  private cancel(): void {
    this.gen++;
    this.sub?.unsubscribe();
    this.replySub?.unsubscribe();
    this.sub = this.replySub = null;
    if (this.createTimer !== null) clearTimeout(this.createTimer);
    this.createTimer = null;
    this.sip = false;
    this.cname = '';
    this.queued = [];
    if (this.mirror) this.target.serveMirrorDirect(false);
  }

  /** Cancels the consumer and asks for a new one from where the link is. */
  private retry(): void {
    this.cancel();
    this.setup();
  }

  private setup(): void {
    if (this.stopped || this.target.closed) return;
    this.cancel();
    // A mirror continues after its own last sequence (nats-server: mirror.sseq = mset.lseq).
    if (this.mirror) this.sseq = this.target.state().lastSeq;
    const now = Date.now();
    if (now - this.lreq < RETRY_THRESHOLD_MS) {
      this.scheduleRetry();
      return;
    }
    this.lreq = now;
    const ext = this.src.external!;
    const kind = this.mirror ? '.M' : '.S';
    const deliver = ext.deliver !== '' ? `${ext.deliver}${kind}.${token()}`.replaceAll('..', '.') : `$JS${kind}.${token()}`;
    const config = this.consumerConfig(deliver);
    const filter = this.src.filter_subject ?? '';
    let subject: string;
    if (filter !== '') {
      config.name = `${this.mirror ? 'mirror' : 'src'}-${nameHash(token() + token())}`;
      subject = `$JS.API.CONSUMER.CREATE.${this.src.name}.${config.name}.${filter}`;
    } else subject = `$JS.API.CONSUMER.CREATE.${this.src.name}`;
    subject = withPrefix(ext.api, subject);
    const gen = this.gen;
    const reply = `$JSC.R.${token()}`;
    const host = this.target.host;
    this.replySub = host.subscribe(reply, (_s, _r, _h, data) => this.onCreateReply(gen, data));
    this.sub = host.subscribe(deliver, this.onDelivery);
    this.sip = true;
    this.err = null;
    host.publish(subject, reply, null, Buffer.from(JSON.stringify({ stream_name: this.src.name, config: orderedConfig(config) })));
    this.createTimer = setTimeout(() => {
      if (gen !== this.gen) return;
      this.replySub?.unsubscribe();
      this.replySub = null;
      this.createTimer = null;
      this.sip = false;
      this.scheduleRetry();
    }, CREATE_TIMEOUT_MS);
    this.createTimer.unref();
  }

  /** The consumer nats-server asks for: direct, push, ack none, one delivery, heartbeats and flow control. */
  private consumerConfig(deliver: string): Record<string, unknown> {
    const c: Record<string, unknown> = { deliver_policy: 'all' };
    const src = this.src;
    if (this.mirror) {
      const st = this.target.state();
      // Only a mirror that never held anything starts as configured.
      if (st.lastSeq === 0 && st.msgs === 0) {
        if (src.opt_start_seq) Object.assign(c, { deliver_policy: 'by_start_sequence', opt_start_seq: src.opt_start_seq });
        else if (src.opt_start_time) Object.assign(c, { deliver_policy: 'by_start_time', opt_start_time: src.opt_start_time });
      } else Object.assign(c, { deliver_policy: 'by_start_sequence', opt_start_seq: st.lastSeq + 1 });
    } else if (this.sseq > 0) Object.assign(c, { deliver_policy: 'by_start_sequence', opt_start_seq: this.sseq + 1 });
    else if (src.opt_start_seq) Object.assign(c, { deliver_policy: 'by_start_sequence', opt_start_seq: src.opt_start_seq });
    else if (src.opt_start_time) Object.assign(c, { deliver_policy: 'by_start_time', opt_start_time: src.opt_start_time });
    Object.assign(c, { ack_policy: 'none', ack_wait: ACK_WAIT_NS, max_deliver: 1, replay_policy: 'instant' });
    if (src.filter_subject) c.filter_subject = src.filter_subject;
    Object.assign(c, { idle_heartbeat: HEARTBEAT_NS, flow_control: true, deliver_subject: deliver, num_replicas: 0, direct: true });
    return c;
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.stopped) return;
    const next = Math.max(0, RETRY_THRESHOLD_MS - (Date.now() - this.lreq)) + 10 + randomInt(50);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.setup();
    }, next);
    this.retryTimer.unref();
  }

  private onCreateReply(gen: number, data: Buffer): void {
    if (gen !== this.gen) return;
    this.replySub?.unsubscribe();
    this.replySub = null;
    if (this.createTimer !== null) clearTimeout(this.createTimer);
    this.createTimer = null;
    this.sip = false;
    let ccr: { error?: ApiErrorJSON; name?: string; delivered?: { stream_seq?: number } };
    try {
      ccr = JSON.parse(data.toString()) as typeof ccr;
    } catch {
      this.target.host.log?.('WRN', `JetStream bad ${this.mirror ? 'mirror' : 'source'} consumer create response: ${JSON.stringify(data.toString())}`);
      this.scheduleRetry();
      return;
    }
    if (ccr.error !== undefined || typeof ccr.name !== 'string') {
      this.err = ccr.error ?? null;
      this.scheduleRetry();
      return;
    }
    const delivered = ccr.delivered?.stream_seq ?? 0;
    // The consumer's floor: origin messages before it are gone, a mirror's numbering skips them.
    if (this.mirror && delivered > this.target.state().lastSeq) this.target.skipTo(delivered + 1);
    this.sseq = Math.max(this.mirror ? this.target.state().lastSeq : this.sseq, delivered);
    this.cname = ccr.name;
    this.dseq = 0;
    this.last = this.target.now();
    const queued = this.queued;
    this.queued = [];
    for (const d of queued) if (!this.process(d) || this.cname === '') break;
  }

  private readonly onDelivery = (subject: string, reply: string, hdr: Buffer | null, data: Buffer): void => {
    if (this.stopped) return;
    const d = { subject, reply, hdr, data };
    if (this.sip) this.queued.push(d);
    else this.process(d);
  };

  /** nats-server's processInboundMirrorMsg / processInboundSourceMsg. False: stop this batch. */
  private process(d: Delivery): boolean {
    const t = this.target;
    if (t.closed || t.config.sealed) return false;
    const { hdr, data, reply } = d;
    const control = data.length === 0 && hdr !== null && hdr.subarray(0, CONTROL.length).equals(CONTROL);
    // Deliveries of an older consumer (the consumer name is the ack reply's 4th token).
    if (!control && (this.cname === '' || !reply.startsWith('$JS.ACK.') || reply.split('.')[3] !== this.cname)) return false;
    this.last = t.now();
    const host = t.host;
    if (control) {
      if (reply !== '') {
        host.publish(reply, '', null, EMPTY); // flow control: answered through the imports
        return true;
      }
      const ld = Number(getHeader(hdr, 'Nats-Last-Consumer') ?? '0');
      if (ld > 0 && ld !== this.dseq) {
        this.retry(); // a delivery was missed
        return false;
      }
      const stalled = getHeader(hdr, 'Nats-Consumer-Stalled');
      if (stalled) host.publish(stalled, '', null, EMPTY);
      return true;
    }
    const tk = reply.split('.');
    if (tk.length !== 9) return false;
    const dc = Number(tk[4]);
    const sseq = Number(tk[5]);
    const dseq = Number(tk[6]);
    const pending = Number(tk[8]);
    if (dc > 1) return false;
    if (this.mirror) {
      if (sseq <= this.sseq) return true; // older
      // Past the next one: fine when no delivery was missed (the origin deleted or filtered them).
      if (sseq !== this.sseq + 1 && dseq !== this.dseq + 1) {
        this.retry();
        return false;
      }
    } else if (dseq !== this.dseq + 1) {
      this.retry();
      return false;
    }
    this.lag = pending === 0 ? 0 : pending - 1;
    // Mostly caught up (nats-server's dgetCaughtUpThresh): mirror_direct starts serving.
    if (this.mirror && pending < 10) t.serveMirrorDirect(true);
    const m: StoredMsg = { seq: sseq, subject: d.subject, hdr, data, ts: BigInt(tk[7]!) };
    const refused = this.mirror ? t.copyMirrored(m) : t.copySourced(this.iname, m);
    if (refused !== null) {
      // The account is full: ask again from the last message taken (nats-server drops it).
      this.err = refused;
      this.retry();
      return false;
    }
    this.sseq = sseq;
    this.dseq = dseq;
    return true;
  }

  private readonly checkHealth = (): void => {
    if (this.stopped || this.sip || this.cname === '') return;
    if (this.target.now() - this.last > BigInt(3 * HEALTH_MS) * 1_000_000n) this.retry();
  };

  /** StreamSourceInfo: name, external, lag, active (ns, -1 never), error. */
  infoJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = { name: this.src.name, external: this.src.external, lag: this.lag };
    o.active = this.last === 0n ? -1 : Number(this.target.now() - this.last);
    if (this.err !== null) o.error = this.err;
    return o;
  }
}

/** ConsumerConfig's JSON field order in nats-server 2.9.10. */
const FIELD_ORDER = [
  'name',
  'deliver_policy',
  'opt_start_seq',
  'opt_start_time',
  'ack_policy',
  'ack_wait',
  'max_deliver',
  'filter_subject',
  'replay_policy',
  'idle_heartbeat',
  'flow_control',
  'deliver_subject',
  'num_replicas',
  'direct',
];

function orderedConfig(c: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const k of FIELD_ORDER) if (c[k] !== undefined) o[k] = c[k];
  return o;
}
