import { randomBytes } from 'node:crypto';
import type { Client } from './client.js';
import { clientInfo } from './client-info.js';
import { PROTOCOL_VERSION } from './constants.js';
import type { Server } from './server.js';

// The system account's advisories, in nats-server's JSON shape (server/events.go):
// `$SYS.ACCOUNT.<account>.CONNECT` / `.DISCONNECT`, and the `server` block every reply carries.

export const CONNECT_EVENT = 'io.nats.server.advisory.v1.client_connect';
export const DISCONNECT_EVENT = 'io.nats.server.advisory.v1.client_disconnect';

export const connectSubject = (account: string): string => `$SYS.ACCOUNT.${account}.CONNECT`;
export const disconnectSubject = (account: string): string => `$SYS.ACCOUNT.${account}.DISCONNECT`;

/** nats-server's ServerInfo in events and system replies (`cluster` when clustered); `seq` counts what the server sent. */
export function serverInfo(server: Server, seq: number): Record<string, unknown> {
  const cluster = server.cluster?.name;
  return { name: server.name, host: server.host, id: server.id, cluster, ver: PROTOCOL_VERSION, seq, jetstream: false, time: new Date().toISOString() };
}

/** An event id like nats-server's (a nuid: 22 characters of base62). */
export function eventId(): string {
  const bytes = randomBytes(22);
  let s = '';
  for (let i = 0; i < 22; i++) s += BASE62[bytes[i]! % 62];
  return s;
}
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function connectEvent(server: Server, seq: number, c: Client): string {
  return JSON.stringify({
    type: CONNECT_EVENT,
    id: eventId(),
    timestamp: new Date().toISOString(),
    server: serverInfo(server, seq),
    client: clientInfo(c, { detail: true }),
  });
}

export function disconnectEvent(server: Server, seq: number, c: Client): string {
  return JSON.stringify({
    type: DISCONNECT_EVENT,
    id: eventId(),
    timestamp: new Date().toISOString(),
    server: serverInfo(server, seq),
    client: clientInfo(c, { detail: true, rtt: true, stop: true }),
    sent: { msgs: c.outMsgs, bytes: c.outBytes },
    received: { msgs: c.inMsgs, bytes: c.inBytes },
    reason: c.closeReason,
  });
}
