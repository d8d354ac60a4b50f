import type { Client } from './client.js';

// nats-server's ClientInfo (server/events.go): how a connection is described in system events
// (CONNECT/DISCONNECT advisories), in the Nats-Request-Info header of requests that cross
// into another account, and in service latency metrics. One builder for all of them, JSON in
// Go's field order with its omitempty (`acc` always present).

/** Which parts of ClientInfo to fill. */
export interface ClientInfoParts {
  /** Who the client is: start, host, id, user, name, lang, ver, jwt, issuer key, kind (nats-server's `detailed`). */
  detail: boolean;
  /** The client's RTT in nanoseconds. */
  rtt?: boolean;
  /** This server's name. */
  server?: boolean;
  /** When the connection closed (disconnect events). */
  stop?: boolean;
}

const FIELDS = [
  'start',
  'host',
  'id',
  'acc',
  'svc',
  'user',
  'name',
  'lang',
  'ver',
  'rtt',
  'server',
  'cluster',
  'alts',
  'stop',
  'jwt',
  'issuer_key',
  'name_tag',
  'tags',
  'kind',
  'client_type',
  'client_id',
];

/** The ClientInfo of `c`, in Go's field order, empty fields left out. */
export function clientInfo(c: Client, parts: ClientInfoParts): Record<string, unknown> {
  const ci: Record<string, unknown> = { acc: c.account.name };
  if (parts.detail) {
    ci.start = c.start.toISOString();
    ci.host = c.ip;
    ci.id = c.cid;
    ci.user = c.user;
    ci.name = c.opts.name;
    ci.lang = c.opts.lang;
    ci.ver = c.opts.version;
    ci.jwt = c.opts.jwt;
    if (c.jwt !== null) {
      ci.issuer_key = c.jwt.issuer;
      ci.name_tag = c.jwt.name;
    }
    ci.kind = 'Client';
    ci.client_type = 'nats';
  }
  if (parts.rtt) ci.rtt = rttNs(c);
  if (parts.server) ci.server = c.server.name;
  if (parts.stop) ci.stop = (c.stop ?? new Date()).toISOString();
  return ordered(ci);
}

/** A Nats-Request-Info JSON passed on through a chained service import: `svc` names the service account it went through. Null if unreadable. */
export function chainedClientInfo(json: string, svc: string): string | null {
  try {
    const ci = JSON.parse(json) as Record<string, unknown>;
    ci.svc = svc;
    return JSON.stringify(ordered(ci));
  } catch {
    return null;
  }
}

/** The client's RTT as a Go duration (ns), at least 1. */
export function rttNs(c: Client): number {
  return Math.max(1, Math.round(c.rtt * 1e6));
}

function ordered(ci: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of FIELDS) {
    const v = ci[k];
    if (k === 'acc' || (v !== undefined && v !== '' && v !== 0 && v !== null)) out[k] = v ?? '';
  }
  return out;
}
