/**
 * A consumer's configuration as nats-server 2.9.10 takes and shows it (server/consumer.go
 * ConsumerConfig, setConsumerConfigDefaults, checkConsumerCfg, checkNewConsumerConfig).
 * Field names are the wire's; durations are nanoseconds as JS numbers (exact below ~104 days).
 */
import { isSubsetMatch, isValidSubject, subjectIsLiteral } from '@switchboard/subjects';
import { type ApiErrorBody, ConsumerErrors as E } from './codes.js';

export type DeliverPolicy = 'all' | 'last' | 'new' | 'by_start_sequence' | 'by_start_time' | 'last_per_subject';
export type AckPolicy = 'none' | 'all' | 'explicit';
export type ReplayPolicy = 'instant' | 'original';
export type Retention = 'limits' | 'interest' | 'workqueue';

export interface ConsumerConfig {
  durable_name?: string;
  name?: string;
  description?: string;
  deliver_policy: DeliverPolicy;
  opt_start_seq?: number;
  /** RFC 3339 as given; `optStartNs` holds the parsed instant. */
  opt_start_time?: string;
  ack_policy: AckPolicy;
  ack_wait?: number;
  max_deliver?: number;
  backoff?: number[];
  filter_subject?: string;
  replay_policy: ReplayPolicy;
  rate_limit_bps?: number;
  sample_freq?: string;
  max_waiting?: number;
  max_ack_pending?: number;
  idle_heartbeat?: number;
  flow_control?: boolean;
  headers_only?: boolean;
  max_batch?: number;
  max_expires?: number;
  max_bytes?: number;
  deliver_subject?: string;
  deliver_group?: string;
  inactive_threshold?: number;
  num_replicas: number;
  mem_storage?: boolean;
  direct?: boolean;
}

/** What the consumer checks of its stream's configuration. */
export interface StreamView {
  subjects: string[];
  retention: Retention;
  replicas: number;
}

/** Server and account limits that bound a consumer (0 = none). */
export interface ConsumerLimits {
  maxAckPending: number;
  accountMaxAckPending: number;
  maxRequestBatch: number;
}

export const NO_LIMITS: ConsumerLimits = { maxAckPending: 0, accountMaxAckPending: 0, maxRequestBatch: 0 };

export const ACK_WAIT_DEFAULT_NS = 30e9;
export const DEFAULT_MAX_ACK_PENDING = 1000;
export const WAIT_QUEUE_DEFAULT_MAX = 512;
export const INACTIVE_DEFAULT_NS = 5e9;
export const MAX_NAME_LEN = 255;
export const MAX_DESCRIPTION_LEN = 4096;
const MS = 1e6;

const DELIVER: ReadonlySet<string> = new Set(['all', 'last', 'new', 'by_start_sequence', 'by_start_time', 'last_per_subject']);

class BadJson extends Error {}

/** Parses an RFC 3339 time to ns since the epoch, or null. */
export function parseRfc3339(s: string): bigint | null {
  const m = /^(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[3]!.toUpperCase() === 'Z' ? 'Z' : m[3]}`);
  if (Number.isNaN(ms)) return null;
  const frac = (m[2] ?? '.').slice(1).padEnd(9, '0');
  return BigInt(ms) * 1_000_000n + BigInt(frac);
}

/** Go's RFC3339Nano of a UTC instant in ns (trailing zeros of the fraction dropped). */
export function formatRfc3339(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = String(ns % 1_000_000_000n)
    .padStart(9, '0')
    .replace(/0+$/, '');
  return frac ? `${base}.${frac}Z` : `${base}Z`;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new BadJson();
  return v;
}
function int(v: unknown, unsigned = false): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || (unsigned && v < 0)) throw new BadJson();
  return v;
}
function bool(v: unknown): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new BadJson();
  return v;
}
function oneOf<T extends string>(v: unknown, allowed: ReadonlySet<string>, dflt: T): T {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string' || !allowed.has(v)) throw new BadJson();
  return v as T;
}

/**
 * Decodes a `config` object as Go's json.Unmarshal into ConsumerConfig would: wrong types and
 * unknown enum strings are invalid JSON (10025); absent fields take Go's zero values
 * (ack_policy absent = none). Unknown fields are ignored, as 2.9 does.
 */
export function decodeConsumerConfig(raw: unknown): ConsumerConfig | ApiErrorBody {
  if (raw === undefined || raw === null) return decodeConsumerConfig({});
  if (typeof raw !== 'object' || Array.isArray(raw)) return E.invalidJson();
  const r = raw as Record<string, unknown>;
  try {
    let dp = r.deliver_policy;
    if (dp === 'undefined') dp = 'all';
    const cfg: ConsumerConfig = {
      deliver_policy: oneOf<DeliverPolicy>(dp, DELIVER, 'all'),
      ack_policy: oneOf<AckPolicy>(r.ack_policy, new Set(['none', 'all', 'explicit']), 'none'),
      replay_policy: oneOf<ReplayPolicy>(r.replay_policy, new Set(['instant', 'original']), 'instant'),
      num_replicas: int(r.num_replicas) ?? 0,
    };
    const set = <K extends keyof ConsumerConfig>(k: K, v: ConsumerConfig[K] | undefined): void => {
      if (v !== undefined) cfg[k] = v;
    };
    set('durable_name', str(r.durable_name));
    set('name', str(r.name));
    set('description', str(r.description));
    set('opt_start_seq', int(r.opt_start_seq, true));
    const ost = str(r.opt_start_time);
    if (ost !== undefined) {
      const ns = parseRfc3339(ost);
      if (ns === null) throw new BadJson();
      cfg.opt_start_time = formatRfc3339(ns);
    }
    set('ack_wait', int(r.ack_wait));
    set('max_deliver', int(r.max_deliver));
    if (r.backoff !== undefined && r.backoff !== null) {
      if (!Array.isArray(r.backoff)) throw new BadJson();
      cfg.backoff = r.backoff.map((b) => int(b) ?? 0);
    }
    set('filter_subject', str(r.filter_subject));
    set('rate_limit_bps', int(r.rate_limit_bps, true));
    set('sample_freq', str(r.sample_freq));
    set('max_waiting', int(r.max_waiting));
    set('max_ack_pending', int(r.max_ack_pending));
    set('idle_heartbeat', int(r.idle_heartbeat));
    set('flow_control', bool(r.flow_control));
    set('headers_only', bool(r.headers_only));
    set('max_batch', int(r.max_batch));
    set('max_expires', int(r.max_expires));
    set('max_bytes', int(r.max_bytes));
    set('deliver_subject', str(r.deliver_subject));
    set('deliver_group', str(r.deliver_group));
    set('inactive_threshold', int(r.inactive_threshold));
    set('mem_storage', bool(r.mem_storage));
    set('direct', bool(r.direct));
    return cfg;
  } catch (err) {
    if (err instanceof BadJson) return E.invalidJson();
    throw err;
  }
}

export function isErrorBody(v: unknown): v is ApiErrorBody {
  return typeof v === 'object' && v !== null && 'err_code' in v;
}

const isPush = (c: ConsumerConfig): boolean => !!c.deliver_subject;
const needsAck = (c: ConsumerConfig): boolean => c.ack_policy === 'explicit' || c.ack_policy === 'all';

/** setConsumerConfigDefaults: fills what nats-server fills before checking. */
export function applyDefaults(c: ConsumerConfig, lim: ConsumerLimits = NO_LIMITS): void {
  if (!isPush(c) && !c.max_waiting) c.max_waiting = WAIT_QUEUE_DEFAULT_MAX;
  if (!c.ack_wait && needsAck(c)) c.ack_wait = ACK_WAIT_DEFAULT_NS;
  if (!c.max_deliver) c.max_deliver = -1;
  if (c.backoff && c.backoff.length > 0) c.ack_wait = c.backoff[0];
  if (needsAck(c) && !c.max_ack_pending) {
    let p = DEFAULT_MAX_ACK_PENDING;
    if (lim.maxAckPending > 0 && lim.maxAckPending < p) p = lim.maxAckPending;
    if (lim.accountMaxAckPending > 0 && lim.accountMaxAckPending < p) p = lim.accountMaxAckPending;
    c.max_ack_pending = p;
  }
  if (!isPush(c) && !c.max_batch && lim.maxRequestBatch > 0) c.max_batch = lim.maxRequestBatch;
}

/** The name a consumer is stored under: durable, else name, else '' (the server picks one). */
export function consumerNameOf(c: ConsumerConfig): string {
  return c.durable_name || c.name || '';
}

export function isValidName(name: string): boolean {
  return name !== '' && !/[ \t\r\n\f.*>]/.test(name);
}

/** validFilteredSubject: the filter lies inside, or (with wildcards) overlaps, a stream subject. */
export function validFilteredSubject(filter: string, subjects: string[]): boolean {
  if (!isValidSubject(filter)) return false;
  const wc = !subjectIsLiteral(filter);
  for (const s of subjects) {
    if (isSubsetMatch(filter, s)) return true;
    if (wc && isSubsetMatch(s, filter)) return true;
  }
  return false;
}

/** checkConsumerCfg, in nats-server's order (the first failing rule answers). */
export function checkConsumerConfig(c: ConsumerConfig, stream: StreamView, lim: ConsumerLimits = NO_LIMITS): ApiErrorBody | null {
  if (c.num_replicas > 0 && c.num_replicas > stream.replicas) return E.replicasExceedsStream();
  if (c.num_replicas < 0) return E.replicasNegative();
  const maxDeliver = c.max_deliver ?? 0;
  if (c.backoff && c.backoff.length > 0 && maxDeliver <= c.backoff.length) return E.maxDeliverBackoff();
  if ((c.description ?? '').length > MAX_DESCRIPTION_LEN) return E.descriptionTooLong(MAX_DESCRIPTION_LEN);
  const hb = c.idle_heartbeat ?? 0;
  if (c.deliver_subject) {
    if (!subjectIsLiteral(c.deliver_subject)) return E.deliverToWildcards();
    if (!isValidSubject(c.deliver_subject)) return E.invalidDeliverSubject();
    if (stream.subjects.some((s) => isSubsetMatch(c.deliver_subject!, s))) return E.deliverCycle();
    if (c.max_waiting) return E.pushMaxWaiting();
    if ((c.max_ack_pending ?? 0) > 0 && c.ack_policy === 'none') return E.maxPendingAckPolicyRequired();
    if (hb > 0 && hb < 100 * MS) return E.smallHeartbeat();
  } else {
    if (c.ack_policy === 'none' && stream.retention === 'workqueue') return E.pullRequiresAck();
    if ((c.rate_limit_bps ?? 0) > 0) return E.pullWithRateLimit();
    if ((c.max_waiting ?? 0) < 0) return E.maxWaitingNegative();
    if (hb > 0) return E.hbRequiresPush();
    if (c.flow_control) return E.fcRequiresPush();
    if ((c.max_batch ?? 0) < 0) return E.maxRequestBatchNegative();
    if (c.max_expires && c.max_expires < MS) return E.maxRequestExpiresTooSmall();
    if (lim.maxRequestBatch > 0 && (c.max_batch ?? 0) > lim.maxRequestBatch) return E.maxRequestBatchExceeded(lim.maxRequestBatch);
  }
  if (lim.maxAckPending > 0 && (c.max_ack_pending ?? 0) > lim.maxAckPending) return E.maxPendingAckExcess(lim.maxAckPending);
  if (lim.accountMaxAckPending > 0 && (c.max_ack_pending ?? 0) > lim.accountMaxAckPending) return E.maxPendingAckExcess(lim.accountMaxAckPending);
  if (c.direct) {
    if (!c.deliver_subject) return E.directRequiresPush();
    if (c.durable_name) return E.directRequiresEphemeral();
  }
  if (c.filter_subject && !validFilteredSubject(c.filter_subject, stream.subjects)) return E.filterNotSubset();

  const badStart = (dp: string, start: string): ApiErrorBody =>
    E.invalidPolicy(`consumer delivery policy is deliver ${dp}, but optional start ${start} is also set`);
  const notSet = (dp: string, what: string): ApiErrorBody => E.invalidPolicy(`consumer delivery policy is deliver ${dp}, but optional ${what} is not set`);
  const seq = (c.opt_start_seq ?? 0) > 0;
  const time = c.opt_start_time !== undefined;
  switch (c.deliver_policy) {
    case 'all':
    case 'last':
    case 'new':
      if (seq) return badStart(c.deliver_policy, 'sequence');
      if (time) return badStart(c.deliver_policy, 'time');
      break;
    case 'last_per_subject':
      if (seq) return badStart('last per subject', 'sequence');
      if (time) return badStart('last per subject', 'time');
      if (!c.filter_subject) return notSet('last per subject', 'filter subject');
      break;
    case 'by_start_sequence':
      if (!seq) return notSet('by start sequence', 'start sequence');
      if (time) return badStart('by start sequence', 'time');
      break;
    case 'by_start_time':
      if (!time) return notSet('by start time', 'start time');
      if (seq) return badStart('by start time', 'start sequence');
      break;
  }
  if (c.sample_freq) {
    const s = c.sample_freq.endsWith('%') ? c.sample_freq.slice(0, -1) : c.sample_freq;
    if (!/^[+-]?\d+$/.test(s)) return E.invalidSampling(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
    if (Number(s) < 0) return E.invalidSampling('<nil>');
  }
  if (c.flow_control && hb === 0) return E.fcNeedsHeartbeats();
  if (c.durable_name && c.name && c.name !== c.durable_name) return E.durableAndNameMismatch();
  return null;
}

/** checkNewConsumerConfig: what an update of an existing consumer may change. */
export function checkConfigUpdate(old: ConsumerConfig, next: ConsumerConfig, deliverHasInterest: boolean): ApiErrorBody | null {
  if (configsEqual(old, next)) return null;
  const f = (msg: string): ApiErrorBody => E.createF(msg);
  if (old.deliver_policy !== next.deliver_policy) return f('deliver policy can not be updated');
  if ((old.opt_start_seq ?? 0) !== (next.opt_start_seq ?? 0)) return f('start sequence can not be updated');
  if (old.opt_start_time !== next.opt_start_time) return f('start time can not be updated');
  if (old.ack_policy !== next.ack_policy) return f('ack policy can not be updated');
  if (old.replay_policy !== next.replay_policy) return f('replay policy can not be updated');
  if ((old.idle_heartbeat ?? 0) !== (next.idle_heartbeat ?? 0)) return f('heart beats can not be updated');
  if (!!old.flow_control !== !!next.flow_control) return f('flow control can not be updated');
  if ((old.max_waiting ?? 0) !== (next.max_waiting ?? 0)) return f('max waiting can not be updated');
  if ((old.deliver_subject ?? '') !== (next.deliver_subject ?? '')) {
    if (!old.deliver_subject) return f('can not update pull consumer to push based');
    if (!next.deliver_subject) return f('can not update push consumer to pull based');
    if (deliverHasInterest) return E.nameExist();
  }
  if (next.backoff && next.backoff.length > 0 && (next.max_deliver ?? 0) <= next.backoff.length) return E.maxDeliverBackoff();
  return null;
}

/** The config as nats-server marshals it: Go's field order, omitempty where Go has it. */
export function configJson(c: ConsumerConfig): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const put = (k: string, v: unknown): void => {
    if (v === undefined || v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0)) return;
    o[k] = v;
  };
  put('durable_name', c.durable_name);
  put('name', c.name);
  put('description', c.description);
  o.deliver_policy = c.deliver_policy;
  put('opt_start_seq', c.opt_start_seq);
  put('opt_start_time', c.opt_start_time);
  o.ack_policy = c.ack_policy;
  put('ack_wait', c.ack_wait);
  put('max_deliver', c.max_deliver);
  put('backoff', c.backoff);
  put('filter_subject', c.filter_subject);
  o.replay_policy = c.replay_policy;
  put('rate_limit_bps', c.rate_limit_bps);
  put('sample_freq', c.sample_freq);
  put('max_waiting', c.max_waiting);
  put('max_ack_pending', c.max_ack_pending);
  put('idle_heartbeat', c.idle_heartbeat);
  put('flow_control', c.flow_control);
  put('headers_only', c.headers_only);
  put('max_batch', c.max_batch);
  put('max_expires', c.max_expires);
  put('max_bytes', c.max_bytes);
  put('deliver_subject', c.deliver_subject);
  put('deliver_group', c.deliver_group);
  put('inactive_threshold', c.inactive_threshold);
  o.num_replicas = c.num_replicas;
  put('mem_storage', c.mem_storage);
  put('direct', c.direct);
  return o;
}

export function configsEqual(a: ConsumerConfig, b: ConsumerConfig): boolean {
  return JSON.stringify(configJson(a)) === JSON.stringify(configJson(b));
}

export function configsEqualSansDelivery(a: ConsumerConfig, b: ConsumerConfig): boolean {
  return configsEqual({ ...a, deliver_subject: '' }, { ...b, deliver_subject: '' });
}

export { isPush, needsAck };
