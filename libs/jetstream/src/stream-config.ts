import { isValidPublishSubject, isValidSubject, isSubsetMatch, subjectsCollide } from '@switchboard/subjects';
import { type ApiError, JSErr, apiError } from './errors.js';

/**
 * nats-server 2.9.10's StreamConfig in its wire form (snake_case, durations in ns), the
 * decoding of a request body (type errors are 10025 invalid JSON, as Go's json.Unmarshal
 * fails), the defaults and checks of its checkStreamCfg / configUpdateCheck, and the JSON in
 * nats-server's field order.
 */

export type Retention = 'limits' | 'interest' | 'workqueue';
export type Storage = 'file' | 'memory';
export type Discard = 'old' | 'new';

export interface ExternalStream {
  api: string;
  deliver: string;
}

export interface StreamSource {
  name: string;
  opt_start_seq?: number;
  opt_start_time?: string;
  filter_subject?: string;
  external?: ExternalStream;
}

export interface RePublish {
  src?: string;
  dest: string;
  headers_only?: boolean;
}

export interface Placement {
  cluster?: string;
  tags?: string[];
}

export interface StreamConfig {
  name: string;
  description?: string;
  subjects?: string[];
  retention: Retention;
  max_consumers: number;
  max_msgs: number;
  max_bytes: number;
  /** ns */
  max_age: number;
  max_msgs_per_subject: number;
  max_msg_size?: number;
  discard: Discard;
  storage: Storage;
  num_replicas: number;
  no_ack?: boolean;
  template_owner?: string;
  /** ns */
  duplicate_window?: number;
  placement?: Placement;
  mirror?: StreamSource;
  sources?: StreamSource[];
  republish?: RePublish;
  allow_direct: boolean;
  mirror_direct: boolean;
  discard_new_per_subject?: boolean;
  sealed: boolean;
  deny_delete: boolean;
  deny_purge: boolean;
  allow_rollup_hdrs: boolean;
}

/** nats-server's JSMaxNameLen / JSMaxDescriptionLen / StreamDefaultDuplicatesWindow / StreamMaxReplicas. */
export const MAX_NAME_LEN = 255;
export const MAX_DESCRIPTION_LEN = 4 * 1024;
export const DEFAULT_DUPLICATE_WINDOW_NS = 2 * 60 * 1_000_000_000;
export const MAX_REPLICAS = 5;
const MS100 = 100_000_000;

/** nats-server's isValidName: non-empty, no white space, '.', '*' or '>'. */
export function isValidName(name: string): boolean {
  return name !== '' && !/[ \t\r\n\f.*>]/.test(name);
}

// ---- decoding (Go json.Unmarshal's type rules) ----

const bad = (): ApiError => apiError(JSErr.JSInvalidJSONErr);

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad();
  return v;
}
function int(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw bad();
  return v;
}
function uint(v: unknown): number | undefined {
  const n = int(v);
  if (n !== undefined && n < 0) throw bad();
  return n;
}
function bool(v: unknown): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw bad();
  return v;
}
function obj(v: unknown): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw bad();
  return v as Record<string, unknown>;
}
function strs(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw bad();
  return v.map((s) => {
    if (typeof s !== 'string') throw bad();
    return s;
  });
}
function oneOf<T extends string>(v: unknown, allowed: readonly T[], lower = false): T | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad();
  const s = lower ? v.toLowerCase() : v;
  if (!(allowed as readonly string[]).includes(s)) throw bad();
  return s as T;
}

function decodeSource(v: unknown): StreamSource | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const s: StreamSource = { name: str(o.name) ?? '' };
  const seq = uint(o.opt_start_seq);
  if (seq) s.opt_start_seq = seq;
  const t = str(o.opt_start_time);
  if (t !== undefined) s.opt_start_time = t;
  const f = str(o.filter_subject);
  if (f) s.filter_subject = f;
  const ext = obj(o.external);
  if (ext) s.external = { api: str(ext.api) ?? '', deliver: str(ext.deliver) ?? '' };
  return s;
}

/** A request body's StreamConfig, Go zero values where fields are missing (defaults come in `checkStreamConfig`). */
export function decodeStreamConfig(o: Record<string, unknown>): StreamConfig {
  const cfg: StreamConfig = {
    name: str(o.name) ?? '',
    retention: oneOf(o.retention, ['limits', 'interest', 'workqueue'] as const) ?? 'limits',
    max_consumers: int(o.max_consumers) ?? 0,
    max_msgs: int(o.max_msgs) ?? 0,
    max_bytes: int(o.max_bytes) ?? 0,
    max_age: int(o.max_age) ?? 0,
    max_msgs_per_subject: int(o.max_msgs_per_subject) ?? 0,
    discard: oneOf(o.discard, ['old', 'new'] as const, true) ?? 'old',
    storage: oneOf(o.storage, ['file', 'memory'] as const) ?? 'file',
    num_replicas: int(o.num_replicas) ?? 0,
    allow_direct: bool(o.allow_direct) ?? false,
    mirror_direct: bool(o.mirror_direct) ?? false,
    sealed: bool(o.sealed) ?? false,
    deny_delete: bool(o.deny_delete) ?? false,
    deny_purge: bool(o.deny_purge) ?? false,
    allow_rollup_hdrs: bool(o.allow_rollup_hdrs) ?? false,
  };
  const description = str(o.description);
  if (description) cfg.description = description;
  const subjects = strs(o.subjects);
  if (subjects && subjects.length > 0) cfg.subjects = subjects;
  const mms = int(o.max_msg_size);
  if (mms) cfg.max_msg_size = mms;
  if (bool(o.no_ack)) cfg.no_ack = true;
  const tpl = str(o.template_owner);
  if (tpl) cfg.template_owner = tpl;
  const dw = int(o.duplicate_window);
  if (dw) cfg.duplicate_window = dw;
  const pl = obj(o.placement);
  if (pl) {
    cfg.placement = {};
    const c = str(pl.cluster);
    if (c) cfg.placement.cluster = c;
    const tags = strs(pl.tags);
    if (tags && tags.length > 0) cfg.placement.tags = tags;
  }
  const mirror = decodeSource(o.mirror);
  if (mirror) cfg.mirror = mirror;
  if (o.sources !== undefined && o.sources !== null) {
    if (!Array.isArray(o.sources)) throw bad();
    const sources = o.sources.map((s) => decodeSource(s)).filter((s): s is StreamSource => s !== undefined);
    if (sources.length > 0) cfg.sources = sources;
  }
  const rp = obj(o.republish);
  if (rp) {
    cfg.republish = { dest: str(rp.dest) ?? '' };
    const src = str(rp.src);
    if (src) cfg.republish.src = src;
    if (bool(rp.headers_only)) cfg.republish.headers_only = true;
  }
  if (bool(o.discard_new_per_subject)) cfg.discard_new_per_subject = true;
  return cfg;
}

// ---- checks ----

/** What the checks need to know of the account's other streams. */
export interface StreamLookup {
  config(name: string): StreamConfig | undefined;
}

const invalid = (text: string): ApiError => apiError(JSErr.JSStreamInvalidConfigF, { err: text });

/** nats-server's checkStreamCfg (non-clustered): defaults filled in, or the ApiError it answers. */
export function checkStreamConfig(input: StreamConfig, streams: StreamLookup): StreamConfig {
  if (!isValidName(input.name)) throw invalid("stream name is required and can not contain '.', '*', '>'");
  if (input.name.length > MAX_NAME_LEN) throw invalid(`stream name is too long, maximum allowed is ${MAX_NAME_LEN}`);
  if ((input.description ?? '').length > MAX_DESCRIPTION_LEN) throw invalid(`stream description is too long, maximum allowed is ${MAX_DESCRIPTION_LEN}`);
  const cfg: StreamConfig = structuredClone(input);
  if (cfg.num_replicas === 0) cfg.num_replicas = 1;
  if (cfg.num_replicas > MAX_REPLICAS) throw invalid(`maximum replicas is ${MAX_REPLICAS}`);
  if (cfg.num_replicas < 0) throw apiError(JSErr.JSReplicasCountCannotBeNegative);
  if (cfg.max_msgs === 0) cfg.max_msgs = -1;
  if (cfg.max_msgs_per_subject === 0) cfg.max_msgs_per_subject = -1;
  if (cfg.max_bytes === 0) cfg.max_bytes = -1;
  if (!cfg.max_msg_size) cfg.max_msg_size = -1;
  if (cfg.max_consumers === 0) cfg.max_consumers = -1;
  if (!cfg.duplicate_window && cfg.mirror === undefined) {
    cfg.duplicate_window = cfg.max_age !== 0 && cfg.max_age < DEFAULT_DUPLICATE_WINDOW_NS ? cfg.max_age : DEFAULT_DUPLICATE_WINDOW_NS;
  }
  const dw = cfg.duplicate_window ?? 0;
  if (cfg.max_age > 0 && cfg.max_age < MS100) throw invalid('max age needs to be >= 100ms');
  if (dw < 0) throw invalid('duplicates window can not be negative');
  if (cfg.max_age !== 0 && dw > cfg.max_age) throw invalid('duplicates window can not be larger then max age');
  if (dw > 0 && dw < MS100) throw invalid('duplicates window needs to be >= 100ms');
  if (cfg.deny_purge && cfg.allow_rollup_hdrs) throw invalid('roll-ups require the purge permission');
  if (cfg.discard_new_per_subject) {
    if (cfg.discard !== 'new') throw invalid('discard new per subject requires discard new policy to be set');
    if (cfg.max_msgs_per_subject <= 0) throw invalid('discard new per subject requires max msgs per subject > 0');
  }

  const streamSubs: string[] = [];
  const deliveryPrefixes: string[] = [];
  const apiPrefixes: string[] = [];
  const overlaps = (filter: string | undefined, subs: string[]): boolean => !filter || subs.length === 0 || subs.some((s) => subjectsCollide(s, filter));

  if (cfg.mirror) {
    if (cfg.subjects) throw apiError(JSErr.JSMirrorWithSubjectsErr);
    if (cfg.sources) throw apiError(JSErr.JSMirrorWithSourcesErr);
    const other = streams.config(cfg.mirror.name);
    if (other) {
      streamSubs.push(...(other.subjects ?? []));
      const oms = other.max_msg_size ?? -1;
      if ((cfg.max_msg_size ?? -1) > 0 && oms > 0 && cfg.max_msg_size! < oms) throw apiError(JSErr.JSMirrorMaxMessageSizeTooBigErr);
      if (!overlaps(cfg.mirror.filter_subject, other.subjects ?? []))
        throw invalid(`mirror '${cfg.mirror.name}' filter subject '${cfg.mirror.filter_subject}' does not overlap with any origin stream subject`);
      cfg.mirror_direct = other.allow_direct;
    }
    if (cfg.mirror.external?.deliver) deliveryPrefixes.push(cfg.mirror.external.deliver);
    if (cfg.mirror.external?.api) apiPrefixes.push(cfg.mirror.external.api);
  }
  for (const src of cfg.sources ?? []) {
    const other = streams.config(src.name);
    if (other) {
      streamSubs.push(...(other.subjects ?? []));
      const oms = other.max_msg_size ?? -1;
      if ((cfg.max_msg_size ?? -1) > 0 && oms > 0 && cfg.max_msg_size! < oms) throw apiError(JSErr.JSSourceMaxMessageSizeTooBigErr);
      if (!overlaps(src.filter_subject, streamSubs))
        throw invalid(`source '${src.name}' filter subject '${src.filter_subject}' does not overlap with any origin stream subject`);
    }
    if (src.external?.deliver) deliveryPrefixes.push(src.external.deliver);
    if (src.external?.api) apiPrefixes.push(src.external.api);
  }
  for (const pfx of deliveryPrefixes) {
    if (!isValidPublishSubject(pfx)) throw apiError(JSErr.JSStreamInvalidExternalDeliverySubjErrF, { prefix: pfx });
    for (const sub of streamSubs) {
      if (subjectsCollide(sub, `${pfx}.${sub}`)) throw apiError(JSErr.JSStreamExternalDelPrefixOverlapsErrF, { prefix: pfx, subject: sub });
    }
  }
  for (const pfx of apiPrefixes) {
    if (!isValidPublishSubject(pfx)) throw invalid(`stream external api prefix "${pfx}" must be a valid subject without wildcards`);
    if (subjectsCollide(pfx, '$JS.API')) throw apiError(JSErr.JSStreamExternalApiOverlapErrF, { prefix: pfx, subject: '$JS.API' });
  }
  // Cycles through sources and mirrors of this account's streams.
  const toVisit: StreamConfig[] = [cfg];
  const visited = new Set<string>();
  while (toVisit.length > 0) {
    const c = toVisit.shift()!;
    visited.add(c.name);
    const next = [...(c.sources ?? []), ...(c.mirror ? [c.mirror] : [])];
    for (const src of next) {
      if (src.external) continue;
      if (visited.has(src.name)) throw invalid('detected cycle');
      const o = streams.config(src.name);
      if (o) toVisit.push(o);
    }
  }

  if (!cfg.subjects || cfg.subjects.length === 0) {
    if (!cfg.mirror && !cfg.sources) cfg.subjects = [cfg.name];
  } else {
    if (cfg.mirror) throw apiError(JSErr.JSMirrorWithSubjectsErr);
    const seen = new Set<string>();
    for (const subj of cfg.subjects) {
      if (seen.has(subj)) throw invalid('duplicate subjects detected');
      if (isSubsetMatch(subj, '$JS.API.>')) throw invalid('subjects overlap with jetstream api');
      if (!isValidSubject(subj)) throw invalid('invalid subject');
      seen.add(subj);
    }
  }
  if ((!cfg.subjects || cfg.subjects.length === 0) && !cfg.sources && !cfg.mirror)
    throw invalid('stream needs at least one configured subject or be a source/mirror');
  const subs = cfg.subjects ?? [];
  if (subs.length > 1) {
    for (const a of subs)
      for (const b of subs) if (a !== b && subjectsCollide(a, b)) throw invalid(`subject ${JSON.stringify(a)} overlaps with ${JSON.stringify(b)}`);
  }
  if (cfg.republish) {
    if (!cfg.republish.src) cfg.republish.src = '>';
    if (!subs.some((s) => subjectsCollide(cfg.republish!.src!, s))) throw invalid('stream configuration for republish source is not valid subset of subjects');
    if (subs.some((s) => subjectsCollide(cfg.republish!.dest, s))) throw invalid('stream configuration for republish destination forms a cycle');
    if (!isValidSubject(cfg.republish.dest) || !isValidSubject(cfg.republish.src)) throw invalid('stream configuration for republish not valid');
  }
  return cfg;
}

/** nats-server's configUpdateCheck (the parts that are not account limits). */
export function checkStreamUpdate(old: StreamConfig, input: StreamConfig, streams: StreamLookup): StreamConfig {
  const cfg = checkStreamConfig(input, streams);
  if (cfg.name !== old.name) throw invalid('stream configuration name must match original');
  if (cfg.max_consumers !== old.max_consumers) throw invalid('stream configuration update can not change MaxConsumers');
  if (cfg.storage !== old.storage) throw invalid('stream configuration update can not change storage type');
  if (cfg.retention !== old.retention) throw invalid('stream configuration update can not change retention policy');
  if (old.template_owner) throw invalid('stream configuration update not allowed on template owned stream');
  if (cfg.template_owner) throw invalid('stream configuration update can not be owned by a template');
  if (!cfg.sealed && old.sealed) throw invalid('stream configuration update can not unseal a sealed stream');
  if (!cfg.deny_delete && old.deny_delete) throw invalid('stream configuration update can not cancel deny message deletes');
  if (!cfg.deny_purge && old.deny_purge) throw invalid('stream configuration update can not cancel deny purge');
  if (JSON.stringify(cfg.mirror) !== JSON.stringify(old.mirror)) throw apiError(JSErr.JSStreamMirrorNotUpdatableErr);
  if (JSON.stringify(cfg.republish) !== JSON.stringify(old.republish)) throw invalid('stream configuration update can not change RePublish');
  if (cfg.sealed) {
    cfg.max_age = 0;
    cfg.discard = 'new';
    cfg.deny_delete = true;
    cfg.deny_purge = true;
    cfg.allow_rollup_hdrs = false;
  }
  return cfg;
}

// ---- encoding ----

/** The config as nats-server marshals it: its field order, omitempty fields left out when empty. */
export function streamConfigJSON(c: StreamConfig): Record<string, unknown> {
  const o: Record<string, unknown> = { name: c.name };
  if (c.description) o.description = c.description;
  if (c.subjects && c.subjects.length > 0) o.subjects = c.subjects;
  o.retention = c.retention;
  o.max_consumers = c.max_consumers;
  o.max_msgs = c.max_msgs;
  o.max_bytes = c.max_bytes;
  o.max_age = c.max_age;
  o.max_msgs_per_subject = c.max_msgs_per_subject;
  if (c.max_msg_size) o.max_msg_size = c.max_msg_size;
  o.discard = c.discard;
  o.storage = c.storage;
  o.num_replicas = c.num_replicas;
  if (c.no_ack) o.no_ack = true;
  if (c.template_owner) o.template_owner = c.template_owner;
  if (c.duplicate_window) o.duplicate_window = c.duplicate_window;
  if (c.placement) o.placement = c.placement;
  if (c.mirror) o.mirror = c.mirror;
  if (c.sources && c.sources.length > 0) o.sources = c.sources;
  if (c.republish) o.republish = c.republish;
  o.allow_direct = c.allow_direct;
  o.mirror_direct = c.mirror_direct;
  if (c.discard_new_per_subject) o.discard_new_per_subject = true;
  o.sealed = c.sealed;
  o.deny_delete = c.deny_delete;
  o.deny_purge = c.deny_purge;
  o.allow_rollup_hdrs = c.allow_rollup_hdrs;
  return o;
}
