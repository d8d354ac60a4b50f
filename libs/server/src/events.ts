import { randomBytes } from 'node:crypto';
import type { Client } from './client.js';
import { PROTOCOL_VERSION } from './constants.js';
import type { Server } from './server.js';

// The system account's advisories, in nats-server's JSON shape (server/events.go):
// `$SYS.ACCOUNT.<account>.CONNECT` / `.DISCONNECT`, and the `server` block every reply carries.

export const CONNECT_EVENT = 'io.nats.server.advisory.v1.client_connect';
export const DISCONNECT_EVENT = 'io.nats.server.advisory.v1.client_disconnect';

export const connectSubject = (account: string): string => `$SYS.ACCOUNT.${account}.CONNECT`;
export const disconnectSubject = (account: string): string => `$SYS.ACCOUNT.${account}.DISCONNECT`;

/** nats-server's ServerInfo in events and system replies; `seq` counts what the server sent. */
export function serverInfo(server: Server, seq: number): Record<string, unknown> {
  return { name: server.name, host: server.host, id: server.id, ver: PROTOCOL_VERSION, seq, jetstream: false, time: new Date().toISOString() };
}

/** An event id like nats-server's (a nuid: 22 characters of base62). */
export function eventId(): string {
  const bytes = randomBytes(22);
  let s = '';
  for (let i = 0; i < 22; i++) s += BASE62[bytes[i]! % 62];
  return s;
}
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** nats-server's ClientInfo of a connection. */
function clientInfo(c: Client, closing: boolean): Record<string, unknown> {
  const info: Record<string, unknown> = {
    start: c.start.toISOString(),
    host: c.ip,
    id: c.cid,
    acc: c.account.name,
  };
  if (c.user) info.user = c.user;
  if (c.opts.name) info.name = c.opts.name;
  if (c.opts.lang) info.lang = c.opts.lang;
  if (c.opts.version) info.ver = c.opts.version;
  if (closing) {
    info.rtt = Math.round(c.rtt * 1e6); // Go duration: nanoseconds
    info.stop = (c.stop ?? new Date()).toISOString();
  }
  if (c.opts.jwt) info.jwt = c.opts.jwt;
  if (c.jwt) {
    info.issuer_key = jwtIssuer(c.opts.jwt) ?? c.account.name;
    if (c.jwt.name) info.name_tag = c.jwt.name;
  }
  info.kind = 'Client';
  info.client_type = 'nats';
  return info;
}

function jwtIssuer(jwt: string): string | undefined {
  try {
    const body = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof body.iss === 'string' ? body.iss : undefined;
  } catch {
    return undefined;
  }
}

export function connectEvent(server: Server, seq: number, c: Client): string {
  return JSON.stringify({ type: CONNECT_EVENT, id: eventId(), timestamp: new Date().toISOString(), server: serverInfo(server, seq), client: clientInfo(c, false) });
}

export function disconnectEvent(server: Server, seq: number, c: Client): string {
  return JSON.stringify({
    type: DISCONNECT_EVENT,
    id: eventId(),
    timestamp: new Date().toISOString(),
    server: serverInfo(server, seq),
    client: clientInfo(c, true),
    sent: { msgs: c.outMsgs, bytes: c.outBytes },
    received: { msgs: c.inMsgs, bytes: c.inBytes },
    reason: c.closeReason,
  });
}
