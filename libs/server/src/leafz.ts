import { formatGoDuration } from './durations.js';

/** What /leafz reads of one leaf connection (either side: accepted or solicited). */
export interface LeafzConn {
  readonly accountName: string;
  readonly ip: string;
  readonly port: number;
  /** Round-trip time in ms (fractional); 0 = not measured yet. */
  readonly rtt: number;
  readonly inMsgs: number;
  readonly outMsgs: number;
  readonly inBytes: number;
  readonly outBytes: number;
  /** The interest the other side registered on this connection (LS+), subjects only. */
  remoteSubjects(): string[];
}

export interface LeafzOptions {
  subs: boolean;
  /** Only this account's connections ('' = all). */
  account: string;
}

/** nats-server's /leafz (server/monitor.go Leafz): keys in its order, `subscriptions_list` with ?subs=1. */
export function leafz(serverId: string, conns: Iterable<LeafzConn>, o: LeafzOptions): Record<string, unknown> {
  const leafs: Record<string, unknown>[] = [];
  for (const c of conns) {
    if (o.account !== '' && c.accountName !== o.account) continue;
    const subjects = c.remoteSubjects();
    const info: Record<string, unknown> = { account: c.accountName, ip: c.ip, port: c.port };
    // Go prints a zero duration as "0s"; the field is omitted only when empty, which it never is.
    info.rtt = formatGoDuration(c.rtt);
    info.in_msgs = c.inMsgs;
    info.out_msgs = c.outMsgs;
    info.in_bytes = c.inBytes;
    info.out_bytes = c.outBytes;
    info.subscriptions = subjects.length;
    if (o.subs) info.subscriptions_list = subjects;
    leafs.push(info);
  }
  // nats-server marshals a nil slice as null when there are no leaf connections.
  return { server_id: serverId, now: new Date().toISOString(), leafnodes: leafs.length, leafs: leafs.length > 0 ? leafs : null };
}
