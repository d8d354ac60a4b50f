// The broker's `$SYS.ACCOUNT.<key>.SWITCHBOARD.USAGE` event (libs/server usage-events.ts), read
// defensively: anything on the system account could be published by any system user.

export const USAGE_SUBJECT = '$SYS.ACCOUNT.*.SWITCHBOARD.USAGE';
export const USAGE_EVENT_TYPE = 'io.switchboard.advisory.v1.account_usage';

/** One sample: cumulative counters of `account` on one broker run (`serverId`) at `at`. */
export interface UsageSample {
  serverId: string;
  serverName: string;
  account: string;
  at: Date;
  msgsIn: number;
  msgsOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Connections ever made (cumulative). */
  totalConns: number;
  throttledMs: number;
  /** Gauges at `at`. */
  connections: number;
  subscriptions: number;
}

/** Parses an event; a reason string when it is not a well-formed usage event. Never throws. */
export function parseUsageEvent(data: Uint8Array | string): UsageSample | string {
  let e: unknown;
  try {
    e = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
  } catch {
    return 'not JSON';
  }
  if (!isObj(e) || e.type !== USAGE_EVENT_TYPE) return 'not a usage event';
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
  };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
