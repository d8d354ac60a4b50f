/**
 * The consumer part of `$JS.API` (nats-server 2.9.10 jetstream_api.go: jsConsumerCreateRequest,
 * jsConsumerInfoRequest, jsConsumerDeleteRequest, jsConsumerNamesRequest, jsConsumerListRequest,
 * and the consumer's `MSG.NEXT` subscription, here one route). Acks and flow control replies
 * reach consumers through their stream's ConsumerSet subscriptions, not through this router.
 */
import type { AccountJs } from './account-js.js';
import { type ApiRequest, type ApiRoutes, isEmptyRequest } from './api.js';
import { type ApiErrorBody, ConsumerErrors as E } from './consumer/codes.js';
import { decodeConsumerConfig, isErrorBody } from './consumer/config.js';
import { ConsumerSet } from './consumer/set.js';

export const CONSUMER_NAMES_LIMIT = 1024;
export const CONSUMER_LIST_LIMIT = 256;

const T = 'io.nats.jetstream.api.v1.';

type Req = ApiRequest<AccountJs>;

const fail = (e: ApiErrorBody): { error: ApiErrorBody } => ({ error: e });

/** The consumers of stream `name` in the request's account, or undefined (no such stream). */
function setOf(req: Req, name: string): ConsumerSet | undefined {
  const c = req.ctx.streams.get(name)?.consumers;
  return c instanceof ConsumerSet ? c : undefined;
}

function parseBody(data: Buffer): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(data.toString('utf8'));
    if (v === null) return {};
    return typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** CONSUMER.CREATE in its three forms: legacy ephemeral, legacy durable, named (with optional filter). */
function create(req: Req): object | undefined {
  const t = req.tokens;
  const n = t.length;
  if (n < 5) return undefined;
  const body = parseBody(req.data);
  if (body === null) return fail(E.invalidJson());
  if (body.stream_name !== undefined && body.stream_name !== null && typeof body.stream_name !== 'string') return fail(E.invalidJson());
  const cfg = decodeConsumerConfig(body.config);
  if (isErrorBody(cfg)) return fail(cfg);
  let rt: 'ephemeral' | 'durable' | 'new';
  let stream: string;
  let consumer = '';
  let filter = '';
  if (n === 5) {
    rt = 'ephemeral';
    stream = t[4]!;
  } else {
    if (t[3] === 'DURABLE') {
      rt = 'durable';
      if (n !== 7) return fail(E.durableNameNotInSubject());
      stream = t[5]!;
      consumer = t[6]!;
    } else {
      rt = 'new';
      stream = t[4]!;
      consumer = t[5]!;
    }
    if (n > 7) filter = t.slice(6).join('.');
  }
  if (stream !== ((body.stream_name as string | undefined) ?? '')) return fail(E.streamMismatch());
  if (consumer !== '' && /[\\/]/.test(consumer)) return fail(E.nameContainsPathSeparators());
  if (rt === 'durable') {
    if (!cfg.durable_name) return fail(E.durableNameNotSet());
    if (consumer !== cfg.durable_name) return fail(E.durableNameNotMatchSubject());
  }
  if (rt === 'new') {
    if (cfg.durable_name && consumer !== cfg.durable_name) return fail(E.durableNameNotMatchSubject());
    cfg.name = consumer;
  }
  if (rt === 'ephemeral' && cfg.durable_name) return fail(E.ephemeralWithDurableName());
  if (filter !== '' && cfg.filter_subject !== filter) return fail(E.createFilterSubjectMismatch());
  if (cfg.num_replicas > 1) return fail(E.replicasNotSupported());
  const set = setOf(req, stream);
  if (set === undefined) return fail(E.streamNotFound());
  const c = set.create(cfg);
  if (isErrorBody(c)) return fail(c);
  return c.info();
}

function info(req: Req): object {
  if (!isEmptyRequest(req.data)) return fail(E.notEmptyRequest());
  const set = setOf(req, req.tokens[4]!);
  if (set === undefined) return fail(E.streamNotFound());
  const c = set.get(req.tokens[5]!);
  if (c === undefined) return fail(E.notFound());
  return c.info();
}

async function remove(req: Req): Promise<object> {
  if (!isEmptyRequest(req.data)) return fail(E.notEmptyRequest());
  const set = setOf(req, req.tokens[4]!);
  if (set === undefined) return fail(E.streamNotFound());
  if (!(await set.delete(req.tokens[5]!))) return fail(E.notFound());
  return { success: true };
}

/** NAMES and LIST: `{"offset":n}` paging, sorted by name; errors carry zeroed paging as nats-server's do. */
function paged(req: Req, limit: number, list: boolean): object {
  const zero = { total: 0, offset: 0, limit: 0, consumers: [] };
  let offset = 0;
  if (!isEmptyRequest(req.data)) {
    const body = parseBody(req.data);
    const o = body?.offset;
    if (body === null || (o !== undefined && o !== null && (typeof o !== 'number' || !Number.isInteger(o)))) return { ...fail(E.invalidJson()), ...zero };
    offset = (o as number | undefined) ?? 0;
  }
  const set = setOf(req, req.tokens[4]!);
  if (set === undefined) return { ...fail(E.streamNotFound()), ...zero };
  const names = set.names();
  offset = Math.max(0, Math.min(offset, names.length));
  const page = names.slice(offset, offset + limit);
  return { total: names.length, offset, limit, consumers: list ? page.map((name) => set.get(name)!.info()) : page };
}

/**
 * /jsz's consumer_detail for one stream (nats-server 2.9.10 monitor.go: each public consumer's
 * info(), its config left out unless `config`), in name order. Empty when the stream has no
 * consumer set.
 */
export function consumerDetailJSON(stream: { consumers: unknown }, config: boolean): Array<Record<string, unknown>> {
  const set = stream.consumers;
  if (!(set instanceof ConsumerSet)) return [];
  return set.names().map((name) => {
    const info = set.get(name)!.info();
    if (!config) delete info.config;
    return info;
  });
}

/** MSG.NEXT: handed to the consumer, which answers with messages or a status; unknown consumers stay silent. */
function next(req: Req): undefined {
  setOf(req, req.tokens[5]!)?.get(req.tokens[6]!)?.processNextRequest(req.reply, req.data);
  return undefined;
}

/** Registers the consumer routes on the shared route table. */
export function registerConsumerApi(routes: ApiRoutes<AccountJs>): void {
  routes.register('$JS.API.CONSUMER.CREATE.*', `${T}consumer_create_response`, create);
  routes.register('$JS.API.CONSUMER.CREATE.*.>', `${T}consumer_create_response`, create);
  routes.register('$JS.API.CONSUMER.DURABLE.CREATE.*.*', `${T}consumer_create_response`, create);
  routes.register('$JS.API.CONSUMER.INFO.*.*', `${T}consumer_info_response`, info);
  routes.register('$JS.API.CONSUMER.DELETE.*.*', `${T}consumer_delete_response`, remove);
  routes.register('$JS.API.CONSUMER.NAMES.*', `${T}consumer_names_response`, (req) => paged(req, CONSUMER_NAMES_LIMIT, false));
  routes.register('$JS.API.CONSUMER.LIST.*', `${T}consumer_list_response`, (req) => paged(req, CONSUMER_LIST_LIMIT, true));
  routes.register('$JS.API.CONSUMER.MSG.NEXT.*.*', `${T}consumer_getnext_response`, next);
}
