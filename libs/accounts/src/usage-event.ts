// Switchboard's per-account usage event, the wire contract between the broker (libs/server
// usage-events.ts publishes it on the system account) and the worker (libs/usage collects it):
// `$SYS.ACCOUNT.<key>.SWITCHBOARD.USAGE`, JSON in nats-server's event style. Counters are
// cumulative since the broker started, so a collector takes deltas per server id.
import type { UsageSnapshot } from './usage.js';

export const ACCOUNT_USAGE_EVENT = 'io.switchboard.advisory.v1.account_usage';
export const accountUsageSubject = (account: string): string => `$SYS.ACCOUNT.${account}.SWITCHBOARD.USAGE`;
/** What a collector subscribes to. */
export const ACCOUNT_USAGE_WILDCARD = '$SYS.ACCOUNT.*.SWITCHBOARD.USAGE';

/** The event body. `server` is nats-server's event server info (name, host, id, ver, seq, time…). */
export interface AccountUsageEvent {
  type: typeof ACCOUNT_USAGE_EVENT;
  id: string;
  timestamp: string;
  server: { name: string; id: string } & Record<string, unknown>;
  acc: string;
  conns: number;
  /** Leaf node connections bound to the account on this server (as nats-server's CONNS event). */
  leafnodes: number;
  subs: number;
  total_conns: number;
  sent: { msgs: number; bytes: number };
  received: { msgs: number; bytes: number };
  slow_consumers: number;
  throttled_ms: number;
  /** The account's JetStream on this broker (absent when it has none): bytes stored now, streams, consumers. */
  jetstream?: JetStreamUsage;
}

/** Gauges of an account's JetStream, as `$JS.API.INFO` counts them. */
export interface JetStreamUsage {
  memory: number;
  storage: number;
  streams: number;
  consumers: number;
}

/** The event for one account's usage snapshot. */
export function usageEvent(e: {
  id: string;
  timestamp: string;
  server: AccountUsageEvent['server'];
  account: string;
  usage: UsageSnapshot;
  leafNodes?: number;
  jetstream?: JetStreamUsage;
}): AccountUsageEvent {
  const u = e.usage;
  const ev: AccountUsageEvent = {
    type: ACCOUNT_USAGE_EVENT,
    id: e.id,
    timestamp: e.timestamp,
    server: e.server,
    acc: e.account,
    conns: u.connections,
    leafnodes: e.leafNodes ?? 0,
    subs: u.subscriptions,
    total_conns: u.totalConnections,
    sent: { msgs: u.outMsgs, bytes: u.outBytes },
    received: { msgs: u.inMsgs, bytes: u.inBytes },
    slow_consumers: u.slowConsumers,
    throttled_ms: u.throttledMs,
  };
  if (e.jetstream) ev.jetstream = { ...e.jetstream };
  return ev;
}

/** One event as the collector stores it: cumulative counters of `account` on one broker run (`serverId`) at `at`. */
export interface UsageSample {
  serverId: string;
  serverName: string;
  account: string;
  at: Date;
  /** Published by the account's clients (the event's `received`). */
  msgsIn: number;
  bytesIn: number;
  /** Delivered to them (`sent`). */
  msgsOut: number;
  bytesOut: number;
  /** Connections ever made (cumulative). */
  totalConns: number;
  throttledMs: number;
  /** Gauges at `at`. */
  connections: number;
  subscriptions: number;
  /** Leaf node connections at `at` (0 from brokers that do not report them). */
  leafNodes: number;
  /** JetStream gauges at `at` (0 when the account has no JetStream on that broker). */
  jsMemory: number;
  jsStorage: number;
  jsStreams: number;
  jsConsumers: number;
}

/**
 * Reads an event defensively (anything on the system account could be published by any system
 * user): the sample, or the reason it is not a well-formed usage event. Never throws.
 */
export function parseUsageEvent(data: Uint8Array | string): UsageSample | string {
  let e: unknown;
  try {
    e = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
  } catch {
    return 'not JSON';
  }
  if (!isObj(e) || e.type !== ACCOUNT_USAGE_EVENT) return 'not a usage event';
  const server = e.server;
  if (!isObj(server) || !isStr(server.id) || server.id === '') return 'no server id';
  if (!isStr(e.acc) || e.acc === '') return 'no account';
  const at = new Date(isStr(e.timestamp) ? e.timestamp : NaN);
  if (Number.isNaN(at.getTime())) return 'bad timestamp';
  const sent = e.sent;
  const received = e.received;
  if (!isObj(sent) || !isObj(received)) return 'no sent/received';
  const nums = [received.msgs, sent.msgs, received.bytes, sent.bytes, e.total_conns, e.throttled_ms, e.conns, e.subs];
  if (!nums.every(isCount)) return 'counters must be non-negative integers';
  const [msgsIn, msgsOut, bytesIn, bytesOut, totalConns, throttledMs, connections, subscriptions] = nums as number[];
  // Older brokers send no `jetstream`: read as none.
  const js = e.jetstream === undefined ? { memory: 0, storage: 0, streams: 0, consumers: 0 } : e.jetstream;
  if (!isObj(js)) return 'jetstream is not an object';
  const jsNums = [js.memory, js.storage, js.streams, js.consumers];
  if (!jsNums.every(isCount)) return 'jetstream gauges must be non-negative integers';
  const [jsMemory, jsStorage, jsStreams, jsConsumers] = jsNums as number[];
  return {
    serverId: server.id,
    serverName: isStr(server.name) ? server.name : server.id,
    account: e.acc,
    at,
    msgsIn: msgsIn!,
    msgsOut: msgsOut!,
    bytesIn: bytesIn!,
    bytesOut: bytesOut!,
    totalConns: totalConns!,
    throttledMs: throttledMs!,
    connections: connections!,
    subscriptions: subscriptions!,
    leafNodes: isCount(e.leafnodes) ? (e.leafnodes as number) : 0,
    jsMemory: jsMemory!,
    jsStorage: jsStorage!,
    jsStreams: jsStreams!,
    jsConsumers: jsConsumers!,
  };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
