import type { AccountJs } from './account-js.js';
import { isEmptyRequest, parseRequest, successPath, type ApiRequest, type ApiRoutes } from './api.js';
import { ApiError, JSErr, apiError } from './errors.js';
import { HDR_RESPONSE_TYPE, getHeader } from './headers.js';
import { rfc3339Nano } from './json-time.js';
import { checkStreamConfig, decodeStreamConfig, streamConfigJSON } from './stream-config.js';
import type { Stream } from './stream.js';

/**
 * The stream half of `$JS.API` (nats-server 2.9.10's jetstream_api.go, non-clustered): create,
 * update, names, list, info, delete, purge, msg get, msg delete. Response bodies carry the
 * fields nats-server's structs marshal, in their order (paged responses keep total/offset/limit
 * even on errors, purge keeps `purged`), so the differential tests can compare them whole.
 */

const T = 'io.nats.jetstream.api.v1.';
export const NAMES_LIMIT = 1024;
export const LIST_LIMIT = 256;
export const MAX_SUBJECT_DETAILS = 100_000;

type Req = ApiRequest<AccountJs>;

export function registerStreamApi(routes: ApiRoutes<AccountJs>): void {
  routes.register('$JS.API.STREAM.CREATE.*', `${T}stream_create_response`, createStream);
  routes.register('$JS.API.STREAM.UPDATE.*', `${T}stream_update_response`, updateStream);
  routes.register('$JS.API.STREAM.NAMES', `${T}stream_names_response`, streamNames, { total: 0, offset: 0, limit: 0, streams: null });
  routes.register('$JS.API.STREAM.LIST', `${T}stream_list_response`, streamList, { total: 0, offset: 0, limit: 0, streams: [] });
  routes.register('$JS.API.STREAM.INFO.*', `${T}stream_info_response`, streamInfoRequest, { total: 0, offset: 0, limit: 0 });
  routes.register('$JS.API.STREAM.DELETE.*', `${T}stream_delete_response`, deleteStream);
  routes.register('$JS.API.STREAM.PURGE.*', `${T}stream_purge_response`, purgeStream, { purged: 0 });
  routes.register('$JS.API.STREAM.MSG.GET.*', `${T}stream_msg_get_response`, msgGet);
  routes.register('$JS.API.STREAM.MSG.DELETE.*', `${T}stream_msg_delete_response`, msgDelete);
}

/** StreamInfo as nats-server marshals it (config, created, state, cluster, mirror, sources). */
export function streamInfoJSON(
  acc: AccountJs,
  s: Stream,
  opts: { details?: boolean; subjects?: Record<string, number> | undefined; links?: boolean } = {},
): Record<string, unknown> {
  const o: Record<string, unknown> = {
    config: streamConfigJSON(s.config),
    created: rfc3339Nano(s.created),
    state: streamStateJSON(s, opts.details ?? false, opts.subjects),
  };
  if (acc.js.domain) o.domain = acc.js.domain;
  // nats-server's create reply carries no mirror/sources info; info, list and update do.
  if (opts.links ?? true) {
    const mirror = s.links.find((l) => l.mirror);
    if (mirror) o.mirror = mirror.infoJSON();
    const sources = s.links.filter((l) => !l.mirror);
    if (sources.length > 0) o.sources = sources.map((l) => l.infoJSON());
  }
  return o;
}

function streamStateJSON(s: Stream, details: boolean, subjects: Record<string, number> | undefined): Record<string, unknown> {
  const st = s.store.state();
  const o: Record<string, unknown> = {
    messages: st.msgs,
    bytes: st.bytes,
    // nats-server reports 0 for a stream that never had a message.
    first_seq: st.lastSeq === 0 ? 0 : st.firstSeq,
    first_ts: rfc3339Nano(st.firstTs),
    last_seq: st.lastSeq,
    last_ts: rfc3339Nano(st.lastTs),
  };
  if (st.numSubjects) o.num_subjects = st.numSubjects;
  if (subjects && Object.keys(subjects).length > 0) o.subjects = subjects;
  if (st.numDeleted) {
    o.num_deleted = st.numDeleted;
    if (details) o.deleted = deletedSeqs(s, st.firstSeq, st.lastSeq);
  }
  o.consumer_count = s.consumers?.publicSize ?? s.consumers?.size ?? 0;
  return o;
}

function deletedSeqs(s: Stream, first: number, last: number): number[] {
  const out: number[] = [];
  let seq = first;
  for (let m = s.store.loadNext('', first); m !== null; m = s.store.loadNext('', m.seq + 1)) {
    for (; seq < m.seq; seq++) out.push(seq);
    seq = m.seq + 1;
  }
  for (; seq <= last; seq++) out.push(seq);
  return out;
}

function streamName(req: Req): string {
  return req.tokens[4] ?? '';
}

function createStream(req: Req): object {
  const cfgIn = decodeStreamConfig(parseRequest(req.data));
  const name = streamName(req);
  if (name !== cfgIn.name) throw apiError(JSErr.JSStreamMismatchErr);
  if (/[\\/]/.test(name)) throw apiError(JSErr.JSStreamNameContainsPathSeparatorsErr);
  if (cfgIn.sealed) throw apiError(JSErr.JSStreamInvalidConfigF, { err: 'stream configuration for create can not be sealed' });
  if (cfgIn.mirror_direct && !cfgIn.mirror) throw apiError(JSErr.JSStreamInvalidConfigF, { err: 'stream has no mirror but does have mirror direct' });
  let stream: Stream;
  try {
    stream = req.ctx.addStream(cfgIn).stream;
  } catch (e) {
    throw e instanceof ApiError ? e : apiError(JSErr.JSStreamCreateErrF, { err: (e as Error).message });
  }
  return { ...streamInfoJSON(req.ctx, stream, { links: false }), did_create: true };
}

function updateStream(req: Req): object {
  const cfgIn = decodeStreamConfig(parseRequest(req.data));
  // nats-server checks the config first, then the name in the subject.
  checkStreamConfig(cfgIn, req.ctx);
  if (streamName(req) !== cfgIn.name) throw apiError(JSErr.JSStreamMismatchErr);
  const stream = req.ctx.updateStream(cfgIn);
  return streamInfoJSON(req.ctx, stream);
}

function pagedRequest(req: Req): { offset: number; subject: string } {
  if (isEmptyRequest(req.data)) return { offset: 0, subject: '' };
  const o = parseRequest(req.data);
  const offset = o.offset ?? 0;
  const subject = o.subject ?? '';
  if (typeof offset !== 'number' || !Number.isInteger(offset) || typeof subject !== 'string') throw apiError(JSErr.JSInvalidJSONErr);
  return { offset: Math.max(0, offset), subject };
}

function pagedError(e: unknown, listField: string): object {
  if (!(e instanceof ApiError)) throw e;
  return { error: e, total: 0, offset: 0, limit: 0, [listField]: listField === 'streams' ? null : [] };
}

function streamNames(req: Req): object {
  let p: { offset: number; subject: string };
  try {
    p = pagedRequest(req);
  } catch (e) {
    return pagedError(e, 'streams');
  }
  const all = req.ctx.filteredStreams(p.subject);
  const offset = Math.min(p.offset, all.length);
  const names = all.slice(offset, offset + NAMES_LIMIT).map((s) => s.name);
  return { total: all.length, offset, limit: NAMES_LIMIT, streams: names.length > 0 ? names : null };
}

function streamList(req: Req): object {
  let p: { offset: number; subject: string };
  try {
    p = pagedRequest(req);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return { error: e, total: 0, offset: 0, limit: 0, streams: [] };
  }
  const all = req.ctx.filteredStreams(p.subject);
  const offset = Math.min(p.offset, all.length);
  const infos = all.slice(offset, offset + LIST_LIMIT).map((s) => streamInfoJSON(req.ctx, s));
  return { total: all.length, offset, limit: LIST_LIMIT, streams: infos };
}

function streamInfoRequest(req: Req): object {
  // `Nats-Response-Type: create` turns the reply into a create reply (nats-server does so).
  const created = getHeader(req.hdr, HDR_RESPONSE_TYPE) === 'create';
  const body = streamInfoBody(req);
  return created ? { type: `${T}stream_create_response`, ...body } : body;
}

function streamInfoBody(req: Req): object {
  const paged = { total: 0, offset: 0, limit: 0 };
  let details = false;
  let filter = '';
  let offset = 0;
  try {
    if (!isEmptyRequest(req.data)) {
      const o = parseRequest(req.data);
      if (o.deleted_details !== undefined && o.deleted_details !== null && typeof o.deleted_details !== 'boolean') throw apiError(JSErr.JSInvalidJSONErr);
      if (o.subjects_filter !== undefined && o.subjects_filter !== null && typeof o.subjects_filter !== 'string') throw apiError(JSErr.JSInvalidJSONErr);
      if (o.offset !== undefined && o.offset !== null && (typeof o.offset !== 'number' || !Number.isInteger(o.offset))) throw apiError(JSErr.JSInvalidJSONErr);
      details = (o.deleted_details as boolean | undefined) ?? false;
      filter = (o.subjects_filter as string | undefined) ?? '';
      offset = (o.offset as number | undefined) ?? 0;
    }
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return { error: e, ...paged };
  }
  const stream = req.ctx.streams.get(streamName(req));
  if (stream === undefined) return { error: apiError(JSErr.JSStreamNotFoundErr), ...paged };
  let subjects: Record<string, number> | undefined;
  if (filter !== '') {
    const mss = stream.store.subjectsState(filter);
    if (mss.size > 0) {
      const keys = [...mss.keys()].sort();
      const from = Math.min(Math.max(0, offset), keys.length);
      const to = Math.min(from + MAX_SUBJECT_DETAILS, keys.length);
      if (to > from) {
        subjects = {};
        for (const k of keys.slice(from, to)) subjects[k] = mss.get(k)!.msgs;
      }
      paged.offset = from;
      paged.limit = MAX_SUBJECT_DETAILS;
      paged.total = mss.size;
    }
  }
  return { ...paged, ...streamInfoJSON(req.ctx, stream, { details, subjects }) };
}

async function deleteStream(req: Req): Promise<object> {
  if (!isEmptyRequest(req.data)) throw apiError(JSErr.JSNotEmptyRequestErr);
  try {
    await req.ctx.deleteStream(streamName(req));
  } catch (e) {
    throw e instanceof ApiError ? e : apiError(JSErr.JSStreamDeleteErrF, { err: (e as Error).message });
  }
  return { success: true };
}

function purgeStream(req: Req): object {
  let filter = '';
  let seq = 0;
  let keep = 0;
  try {
    if (!isEmptyRequest(req.data)) {
      const o = parseRequest(req.data);
      const f = o.filter ?? '';
      const s = o.seq ?? 0;
      const k = o.keep ?? 0;
      if (typeof f !== 'string' || typeof s !== 'number' || !Number.isInteger(s) || s < 0 || typeof k !== 'number' || !Number.isInteger(k) || k < 0)
        throw apiError(JSErr.JSInvalidJSONErr);
      if (s > 0 && k > 0) throw apiError(JSErr.JSBadRequestErr);
      filter = f;
      seq = s;
      keep = k;
    }
    const stream = req.ctx.lookup(streamName(req));
    if (stream.config.sealed) throw apiError(JSErr.JSStreamSealedErr);
    if (stream.config.deny_purge) throw apiError(JSErr.JSStreamPurgeFailedF, { err: 'stream purge not permitted' });
    const purged = stream.purgeEx(filter, seq, keep);
    return { success: true, purged };
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return { error: e, purged: 0 };
  }
}

function msgGet(req: Req): object | undefined {
  if (isEmptyRequest(req.data)) throw apiError(JSErr.JSBadRequestErr);
  const o = parseRequest(req.data);
  const seq = o.seq ?? 0;
  const last = o.last_by_subj ?? '';
  const next = o.next_by_subj ?? '';
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0 || typeof last !== 'string' || typeof next !== 'string')
    throw apiError(JSErr.JSInvalidJSONErr);
  if ((seq > 0 && last !== '') || (seq === 0 && last === '' && next === '')) throw apiError(JSErr.JSBadRequestErr);
  if (last !== '' && next !== '') throw apiError(JSErr.JSBadRequestErr);
  const stream = req.ctx.lookup(req.tokens[5] ?? '');
  let m;
  if (seq > 0 && next === '') m = stream.store.load(seq);
  else if (next !== '') m = stream.store.loadNext(next, seq);
  else m = stream.store.loadLast(last);
  if (m === null) throw apiError(JSErr.JSNoMessageFoundErr);
  const message: Record<string, unknown> = { subject: m.subject, seq: m.seq };
  if (m.hdr && m.hdr.length > 0) message.hdrs = Buffer.from(m.hdr).toString('base64');
  if (m.data.length > 0) message.data = Buffer.from(m.data).toString('base64');
  message.time = rfc3339Nano(m.ts);
  // nats-server sends a found message without counting it in the account's api stats.
  if (req.reply !== '') req.ctx.host.publish(req.reply, '', null, Buffer.from(JSON.stringify({ type: `${T}stream_msg_get_response`, message })));
  return undefined;
}

function msgDelete(req: Req): object {
  if (isEmptyRequest(req.data)) throw apiError(JSErr.JSBadRequestErr);
  const o = parseRequest(req.data);
  const seq = o.seq ?? 0;
  const noErase = o.no_erase ?? false;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0 || typeof noErase !== 'boolean') throw apiError(JSErr.JSInvalidJSONErr);
  const stream = req.ctx.lookup(req.tokens[5] ?? '');
  if (stream.config.sealed) throw apiError(JSErr.JSStreamSealedErr);
  if (stream.config.deny_delete) throw apiError(JSErr.JSStreamMsgDeleteFailedF, { err: 'message delete not permitted' });
  // nats-server 2.9.10's stores answer a missing sequence with ErrStoreMsgNotFound, which
  // becomes 10057 (its 10043 "sequence not found" is for a store that reports false).
  if (!stream.deleteMsg(seq, !noErase)) return successPath({ error: apiError(JSErr.JSStreamMsgDeleteFailedF, { err: 'no message found' }) });
  return { success: true };
}
