import { cpus } from 'node:os';
import { subjectMatches, isValidLiteralSubject, type SublistStats } from '@switchboard/subjects';
import { accountz, accstatz, systemAccountName } from './accountz.js';
import { connState, type ConnState, type SubState } from './conn-state.js';
import { formatGoDuration, formatUptime } from './durations.js';
import { clusterVarz, routez } from './routez.js';
import { leafAuthTimeout } from './leaf-options.js';
import { jsz, U64_MAX, U64_MAX_MARK } from './jsz.js';
import { PROTOCOL_VERSION } from './constants.js';
import { PROMETHEUS_CONTENT_TYPE, prometheusMetrics } from './prometheus.js';
import type { Server } from './server.js';
import { DEFAULT_TLS_TIMEOUT } from './tls-context.js';

/**
 * Builders for nats-server's monitoring endpoints, JSON field names and query parameters
 * as nats-server 2.9's (server/monitor.go). HTTP-free: the app maps requests onto
 * `handleMonitorRequest`.
 */

const DEFAULT_LIST_SIZE = 1024;

export interface MonitorResponse {
  status: number;
  contentType: string;
  body: string;
}

/** Counts per endpoint path, as /varz reports them in http_req_stats. */
export type HttpReqStats = Record<string, number>;

export function healthz(): { status: string } {
  return { status: 'ok' };
}

export function varz(server: Server, httpReqStats: HttpReqStats, httpHost: string, httpPort: number, httpsPort = 0): Record<string, unknown> {
  const o = server.opts;
  const now = new Date();
  const ncpu = cpus().length;
  return {
    server_id: server.id,
    server_name: server.name,
    version: PROTOCOL_VERSION,
    proto: 1,
    go: `node${process.versions.node}`,
    host: server.host,
    port: server.port,
    ...(server.auth.required ? { auth_required: true } : {}),
    ...(o.tls && !o.tls.allowNonTls ? { tls_required: true } : {}),
    ...(o.tls?.verify ? { tls_verify: true } : {}),
    ...(server.connectUrls !== null && server.connectUrls.length > 0 ? { connect_urls: server.connectUrls } : {}),
    max_connections: o.maxConnections,
    ping_interval: o.pingInterval * 1e6,
    ping_max: o.maxPingsOut,
    http_host: httpHost,
    http_port: httpPort,
    http_base_path: '',
    https_port: httpsPort,
    auth_timeout: o.authTimeout / 1000,
    max_control_line: o.maxControlLine,
    max_payload: o.maxPayload,
    max_pending: o.maxPending,
    cluster: clusterVarz(server),
    gateway: {},
    leaf: leafVarz(server),
    mqtt: {},
    websocket: {},
    jetstream: server.jetstream ? server.jetstream.varz() : {},
    tls_timeout: (o.tls?.timeout ?? DEFAULT_TLS_TIMEOUT) / 1000,
    write_deadline: o.writeDeadline * 1e6,
    start: server.startTime.toISOString(),
    now: now.toISOString(),
    uptime: formatUptime(now.getTime() - server.startTime.getTime()),
    mem: process.memoryUsage().rss,
    cores: ncpu,
    gomaxprocs: ncpu,
    cpu: server.cpu.percent(),
    connections: server.clients.size,
    total_connections: server.totalConnections,
    routes: server.cluster?.routes.size ?? 0,
    remotes: server.cluster?.routes.size ?? 0,
    leafnodes: server.leafnodes?.conns.size ?? 0,
    in_msgs: server.inMsgs,
    out_msgs: server.outMsgs,
    in_bytes: server.inBytes,
    out_bytes: server.outBytes,
    slow_consumers: server.slowConsumers,
    subscriptions: server.numSubscriptions(),
    http_req_stats: httpReqStats,
    config_load_time: server.startTime.toISOString(),
    // In operator mode the system account's public key, as nats-server (and /accountz) report it.
    system_account: systemAccountName(server),
  };
}

/** /varz `leaf`: nats-server's LeafNodeOptsVarz, empty without a leaf listener. */
function leafVarz(server: Server): Record<string, unknown> {
  const ln = server.opts.leafnodes;
  if (ln.port === 0) return {};
  return {
    host: ln.host,
    port: server.leafnodes?.infoBase().port ?? ln.port,
    auth_timeout: leafAuthTimeout(ln, server.opts.authTimeout) / 1000,
    tls_timeout: (ln.tls?.timeout ?? DEFAULT_TLS_TIMEOUT) / 1000,
    ...(ln.tls !== null && { tls_required: true }),
    ...(ln.tls?.verify && { tls_verify: true }),
  };
}

export type SortOpt =
  'cid' | 'start' | 'subs' | 'pending' | 'msgs_to' | 'msgs_from' | 'bytes_to' | 'bytes_from' | 'last' | 'idle' | 'uptime' | 'stop' | 'reason';
const SORT_OPTS = new Set<string>([
  'cid',
  'start',
  'subs',
  'pending',
  'msgs_to',
  'msgs_from',
  'bytes_to',
  'bytes_from',
  'last',
  'idle',
  'uptime',
  'stop',
  'reason',
]);

export interface ConnzOptions {
  sort: SortOpt;
  /** Include authorized_user and account. */
  auth: boolean;
  subs: boolean;
  subsDetail: boolean;
  offset: number;
  limit: number;
  cid: number;
  state: 'open' | 'closed' | 'all';
  /** Only connections bound to this account ('' = all). */
  account: string;
}

/** /connz; throws an Error with nats-server's text for invalid combinations (→ HTTP 400). */
export function connz(server: Server, opts: Partial<ConnzOptions> = {}): Record<string, unknown> {
  const sort = opts.sort || 'cid';
  if (!SORT_OPTS.has(sort)) throw new Error(`invalid sorting option: ${sort}`);
  const state = opts.state ?? 'open';
  if (sort === 'stop' && state !== 'closed') throw new Error('sort by stop only valid on closed connections');
  if (sort === 'reason' && state !== 'closed') throw new Error('sort by reason only valid on closed connections');
  const offset = Math.max(0, opts.offset ?? 0);
  let limit = opts.limit && opts.limit > 0 ? opts.limit : DEFAULT_LIST_SIZE;
  const cid = opts.cid ?? 0;
  if (cid > 0) limit = 1;

  let rows: ConnState[] = [];
  if (state !== 'closed') for (const c of server.clients.values()) rows.push(connState(c));
  if (state !== 'open') rows.push(...server.closedClients);
  if (cid > 0) rows = rows.filter((r) => r.cid === cid);
  if (opts.account) rows = rows.filter((r) => r.account === opts.account);
  const now = Date.now();
  sortRows(rows, sort as SortOpt, now);
  const page = rows.slice(offset, offset + limit);
  return {
    server_id: server.id,
    now: new Date(now).toISOString(),
    num_connections: page.length,
    total: rows.length,
    offset,
    limit,
    connections: page.map((r) => connInfo(r, now, opts)),
  };
}

function sortRows(rows: ConnState[], sort: SortOpt, now: number): void {
  // Only cid/start (and uptime, oldest first) ascend; the rest descend, as in nats-server.
  const desc = (f: (c: ConnState) => number) => rows.sort((a, b) => f(b) - f(a));
  switch (sort) {
    case 'cid':
    case 'start':
      rows.sort((a, b) => a.cid - b.cid);
      break;
    case 'subs':
      desc((c) => c.subs.length);
      break;
    case 'pending':
      desc((c) => c.pendingBytes);
      break;
    case 'msgs_to':
      desc((c) => c.outMsgs);
      break;
    case 'msgs_from':
      desc((c) => c.inMsgs);
      break;
    case 'bytes_to':
      desc((c) => c.outBytes);
      break;
    case 'bytes_from':
      desc((c) => c.inBytes);
      break;
    case 'last':
      desc((c) => c.lastActivity);
      break;
    case 'idle':
      desc((c) => now - c.lastActivity);
      break;
    case 'uptime':
      rows.sort((a, b) => a.start.getTime() - b.start.getTime());
      break;
    case 'stop':
      desc((c) => c.stop?.getTime() ?? 0);
      break;
    case 'reason':
      rows.sort((a, b) => (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
      break;
  }
}

function connInfo(c: ConnState, now: number, opts: Partial<ConnzOptions>): Record<string, unknown> {
  const end = c.stop ? c.stop.getTime() : now;
  const info: Record<string, unknown> = {
    cid: c.cid,
    kind: 'Client',
    type: 'nats',
    ip: c.ip,
    port: c.port,
    start: c.start.toISOString(),
    last_activity: new Date(c.lastActivity).toISOString(),
  };
  if (c.stop) info.stop = c.stop.toISOString();
  if (c.reason) info.reason = c.reason;
  if (c.rtt > 0) info.rtt = formatGoDuration(c.rtt);
  info.uptime = formatUptime(end - c.start.getTime());
  info.idle = formatUptime(end - c.lastActivity);
  info.pending_bytes = c.pendingBytes;
  info.in_msgs = c.inMsgs;
  info.out_msgs = c.outMsgs;
  info.in_bytes = c.inBytes;
  info.out_bytes = c.outBytes;
  info.subscriptions = c.subs.length;
  if (c.name) info.name = c.name;
  if (c.lang) info.lang = c.lang;
  if (c.version) info.version = c.version;
  if (c.tlsVersion) info.tls_version = c.tlsVersion;
  if (c.tlsCipher) info.tls_cipher_suite = c.tlsCipher;
  if (opts.auth && c.tlsPeerCerts.length > 0) info.tls_peer_certs = c.tlsPeerCerts;
  if (opts.auth) {
    if (c.user) info.authorized_user = c.user;
    info.account = c.account;
  }
  if (c.subs.length > 0) {
    if (opts.subsDetail) info.subscriptions_list_detail = c.subs.map((s) => subDetail(s, false));
    else if (opts.subs) info.subscriptions_list = c.subs.map((s) => s.subject);
  }
  return info;
}

function subDetail(s: SubState, withAccount: boolean): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  if (withAccount) d.account = s.account;
  d.subject = s.subject;
  if (s.queue) d.qgroup = s.queue;
  d.sid = s.sid;
  d.msgs = s.msgs;
  if (s.max > 0) d.max = s.max;
  d.cid = s.cid;
  return d;
}

export interface SubszOptions {
  subs: boolean;
  offset: number;
  limit: number;
  /** Only subscriptions that would receive a message on this literal subject. */
  test: string;
  account: string;
}

/** /subsz: summed sublist stats, plus the list with `subs`. Throws on an invalid `test`. */
export function subsz(server: Server, opts: Partial<SubszOptions> = {}): Record<string, unknown> {
  const offset = Math.max(0, opts.offset ?? 0);
  const limit = opts.limit && opts.limit > 0 ? opts.limit : DEFAULT_LIST_SIZE;
  const test = opts.test ?? '';
  if (test && !isValidLiteralSubject(test)) throw new Error(`invalid test subject, must be valid publish subject: ${test}`);
  const stats: SublistStats = {
    num_subscriptions: 0,
    num_cache: 0,
    num_inserts: 0,
    num_removes: 0,
    num_matches: 0,
    cache_hit_rate: 0,
    max_fanout: 0,
    avg_fanout: 0,
  };
  let hits = 0;
  let fanoutTotal = 0;
  const details: Record<string, unknown>[] = [];
  for (const acc of server.accounts.values()) {
    if (opts.account && acc.name !== opts.account) continue;
    const s = acc.sublist.stats();
    stats.num_subscriptions += s.num_subscriptions;
    stats.num_cache += s.num_cache;
    stats.num_inserts += s.num_inserts;
    stats.num_removes += s.num_removes;
    stats.num_matches += s.num_matches;
    hits += s.cache_hit_rate * s.num_matches;
    fanoutTotal += s.avg_fanout * s.num_cache;
    stats.max_fanout = Math.max(stats.max_fanout, s.max_fanout);
    if (opts.subs) {
      for (const sub of acc.sublist.all()) {
        if (test && !subjectMatches(sub.subject, test)) continue;
        details.push(
          subDetail({ account: acc.name, subject: sub.subject, queue: sub.queue, sid: sub.sid, msgs: sub.delivered, max: sub.max, cid: sub.client.cid }, true),
        );
      }
    }
  }
  stats.cache_hit_rate = stats.num_matches > 0 ? hits / stats.num_matches : 0;
  stats.avg_fanout = stats.num_cache > 0 ? fanoutTotal / stats.num_cache : 0;
  if (!opts.subs) return { ...stats };
  const page = details.slice(offset, offset + limit);
  const out: Record<string, unknown> = {
    server_id: server.id,
    now: new Date().toISOString(),
    ...stats,
    total: page.length,
    offset,
    limit,
  };
  // nats-server omits an empty list, and then answers with the stats alone.
  if (page.length === 0) return { ...stats };
  out.subscriptions_list = page;
  return out;
}

/** Routes a monitoring GET (path without base, query) to its builder, nats-server's way. */
export function handleMonitorRequest(
  server: Server,
  path: string,
  query: URLSearchParams,
  httpReqStats: HttpReqStats,
  httpHost: string,
  httpPort: number,
  httpsPort = 0,
): MonitorResponse {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  try {
    let body: unknown;
    switch (p) {
      case '/healthz':
        count(httpReqStats, p);
        body = healthz();
        break;
      case '/varz':
        count(httpReqStats, p);
        body = varz(server, httpReqStats, httpHost, httpPort, httpsPort);
        break;
      case '/connz': {
        count(httpReqStats, p);
        const subsParam = (query.get('subs') ?? '').toLowerCase();
        const state = (query.get('state') ?? 'open').toLowerCase();
        if (!['open', 'closed', 'any', 'all'].includes(state)) throw new BadRequest(`Error decoding state for ${query.get('state')}`);
        body = connz(server, {
          sort: (query.get('sort') ?? '') as SortOpt,
          auth: decodeBool(query, 'auth'),
          subs: subsParam !== 'detail' && decodeBool(query, 'subs'),
          subsDetail: subsParam === 'detail',
          offset: decodeInt(query, 'offset'),
          limit: decodeInt(query, 'limit'),
          cid: decodeInt(query, 'cid'),
          state: state === 'any' ? 'all' : (state as ConnzOptions['state']),
          account: query.get('acc') ?? '',
        });
        break;
      }
      case '/subsz':
      case '/subscriptionsz':
        count(httpReqStats, '/subsz');
        body = subsz(server, {
          subs: decodeBool(query, 'subs'),
          offset: decodeInt(query, 'offset'),
          limit: decodeInt(query, 'limit'),
          test: query.get('test') ?? '',
          account: query.get('acc') ?? '',
        });
        break;
      case '/accountz':
        count(httpReqStats, p);
        body = accountz(server, query.get('acc') ?? '');
        break;
      case '/leafz':
        count(httpReqStats, p);
        body = server.leafnodes?.leafz({ subs: decodeBool(query, 'subs'), account: query.get('acc') ?? '' }) ?? {
          server_id: server.id,
          now: new Date().toISOString(),
          leafnodes: 0,
          leafs: null,
        };
        break;
      case '/routez':
        count(httpReqStats, p);
        body = routez(server, { subs: decodeBool(query, 'subs') });
        break;
      case '/jsz': {
        count(httpReqStats, p);
        const js = jsz(server, {
          accounts: decodeBool(query, 'accounts'),
          acc: query.get('acc') ?? '',
          streams: decodeBool(query, 'streams'),
          consumers: decodeBool(query, 'consumers'),
          config: decodeBool(query, 'config'),
        });
        if (js === null) return { status: 200, contentType: 'application/json', body: '{}' };
        const callback = query.get('callback');
        const text = JSON.stringify(js, null, 2).replaceAll(`"${U64_MAX_MARK}"`, U64_MAX);
        if (callback) return { status: 200, contentType: 'application/javascript', body: `${callback}(${text})` };
        return { status: 200, contentType: 'application/json', body: text };
      }
      case '/accstatz':
        count(httpReqStats, p);
        body = accstatz(server, decodeBool(query, 'unused'));
        break;
      case '/metrics':
        count(httpReqStats, p);
        return { status: 200, contentType: PROMETHEUS_CONTENT_TYPE, body: prometheusMetrics(server) };
      case '/':
        count(httpReqStats, '/');
        return { status: 200, contentType: 'text/html; charset=utf-8', body: rootPage() };
      default:
        return { status: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' };
    }
    const callback = query.get('callback');
    const json = JSON.stringify(body, null, 2);
    if (callback) return { status: 200, contentType: 'application/javascript', body: `${callback}(${json})` };
    return { status: 200, contentType: 'application/json', body: json };
  } catch (err) {
    return { status: 400, contentType: 'text/plain; charset=utf-8', body: (err as Error).message };
  }
}

class BadRequest extends Error {}

function count(stats: HttpReqStats, path: string): void {
  stats[path] = (stats[path] ?? 0) + 1;
}

/** Go's strconv.ParseBool, with nats-server's error text. */
function decodeBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === '') return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new BadRequest(`Error decoding boolean for '${name}': strconv.ParseBool: parsing "${v}": invalid syntax`);
}

function decodeInt(q: URLSearchParams, name: string): number {
  const v = q.get(name);
  if (v === null || v === '') return 0;
  if (!/^[+-]?\d+$/.test(v)) throw new BadRequest(`Error decoding int for '${name}': strconv.Atoi: parsing "${v}": invalid syntax`);
  return Number(v);
}

function rootPage(): string {
  const links = ['varz', 'connz', 'leafz', 'subsz', 'accountz', 'accstatz', 'healthz'].map((p) => `<a href=./${p}>${p}</a><br/>`).join('\n');
  return `<html><body>\n${links}\n</body></html>\n`;
}
