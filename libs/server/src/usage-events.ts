import type { Account } from '@switchboard/accounts';
import { accountStat } from './accountz.js';
import { eventId, serverInfo } from './events.js';
import type { Server } from './server.js';
import type { Subscription } from './subscription.js';

// Per-account usage on the system account. nats-server 2.9 publishes an account's connection
// count and traffic (AccountNumConns) on every connect/disconnect and every 30 s while the account
// has connections, on `$SYS.ACCOUNT.<id>.SERVER.CONNS` and its older `$SYS.SERVER.ACCOUNT.<id>.CONNS`
// (same event id on both). Switchboard adds `$SYS.ACCOUNT.<id>.SWITCHBOARD.USAGE` at the same
// moments with everything a bill needs (subscriptions, connections ever made, throttled time):
// counters are cumulative since the server started, so a collector takes deltas per server id.

export const ACCOUNT_CONNS_EVENT = 'io.nats.server.advisory.v1.account_connections';
export const ACCOUNT_USAGE_EVENT = 'io.switchboard.advisory.v1.account_usage';

export const accountConnsSubject = (account: string): string => `$SYS.ACCOUNT.${account}.SERVER.CONNS`;
export const legacyAccountConnsSubject = (account: string): string => `$SYS.SERVER.ACCOUNT.${account}.CONNS`;
export const accountUsageSubject = (account: string): string => `$SYS.ACCOUNT.${account}.SWITCHBOARD.USAGE`;
/** What a collector subscribes to. */
export const ACCOUNT_USAGE_WILDCARD = '$SYS.ACCOUNT.*.SWITCHBOARD.USAGE';

/** Switchboard's usage event body (JSON field names in nats-server's style). */
export interface AccountUsageEvent {
  type: typeof ACCOUNT_USAGE_EVENT;
  id: string;
  timestamp: string;
  server: { name: string; id: string; seq: number; time: string };
  acc: string;
  conns: number;
  subs: number;
  total_conns: number;
  sent: { msgs: number; bytes: number };
  received: { msgs: number; bytes: number };
  slow_consumers: number;
  throttled_ms: number;
}

export type Publish = (subject: string, body: string) => void;

export class UsageEvents {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly server: Server,
    private readonly publish: Publish,
    private readonly nextSeq: () => number,
    intervalMs = server.opts.accountUsageInterval,
  ) {
    this.timer = setInterval(this.onTick, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** An account's connection count changed: report it now, as nats-server does. */
  connsChanged(acc: Account<Subscription>): void {
    this.send(acc);
  }

  private readonly onTick = (): void => {
    for (const acc of this.server.accounts.values()) if (acc.numConnections > 0) this.send(acc);
  };

  private send(acc: Account<Subscription>): void {
    const id = eventId();
    const timestamp = new Date().toISOString();
    const stat = accountStat(acc);
    for (const subject of [legacyAccountConnsSubject(acc.name), accountConnsSubject(acc.name)]) {
      this.publish(subject, JSON.stringify({ type: ACCOUNT_CONNS_EVENT, id, timestamp, server: serverInfo(this.server, this.nextSeq()), ...stat }));
    }
    const u = acc.usage;
    const usage: AccountUsageEvent = {
      type: ACCOUNT_USAGE_EVENT,
      id: eventId(),
      timestamp,
      server: serverInfo(this.server, this.nextSeq()) as AccountUsageEvent['server'],
      acc: acc.name,
      conns: acc.numConnections,
      subs: acc.sublist.count(),
      total_conns: u.totalConnections,
      sent: { msgs: u.outMsgs, bytes: u.outBytes },
      received: { msgs: u.inMsgs, bytes: u.inBytes },
      slow_consumers: u.slowConsumers,
      throttled_ms: Math.round(u.throttledMs),
    };
    this.publish(accountUsageSubject(acc.name), JSON.stringify(usage));
  }
}
