import { accountUsageSubject, usageEvent, usageSnapshot, type Account } from '@switchboard/accounts';
import { accountStat, jetStreamUsage } from './accountz.js';
import { eventId, serverInfo } from './events.js';
import type { Server } from './server.js';
import type { Subscription } from './subscription.js';

// Per-account usage on the system account. nats-server 2.9 publishes an account's connection
// count and traffic (AccountNumConns) on every connect/disconnect and every 30 s while the account
// has connections, on `$SYS.ACCOUNT.<id>.SERVER.CONNS` and its older `$SYS.SERVER.ACCOUNT.<id>.CONNS`
// (same event id on both). Switchboard adds `$SYS.ACCOUNT.<id>.SWITCHBOARD.USAGE` at the same
// moments with everything a bill needs (subscriptions, connections ever made, throttled time);
// its wire form is libs/accounts usage-event.ts, which the worker's collector reads too.

export const ACCOUNT_CONNS_EVENT = 'io.nats.server.advisory.v1.account_connections';

export const accountConnsSubject = (account: string): string => `$SYS.ACCOUNT.${account}.SERVER.CONNS`;
export const legacyAccountConnsSubject = (account: string): string => `$SYS.SERVER.ACCOUNT.${account}.CONNS`;

export type Publish = (subject: string, body: string) => void;

/** nats-server's AccountNumConns: the account's local connections and traffic, as `server` sends it. */
export function accountConnsJSON(server: Server, seq: number, acc: Account<Subscription>, id = eventId(), timestamp = new Date().toISOString()): string {
  return JSON.stringify({ type: ACCOUNT_CONNS_EVENT, id, timestamp, server: serverInfo(server, seq), ...accountStat(acc) });
}

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
    // Accounts with JetStream streams report too, connected or not: stored bytes are billed while idle.
    for (const acc of this.server.accounts.values()) if (acc.numConnections > 0 || acc.numLeafNodes > 0 || this.storing(acc.name)) this.send(acc);
  };

  private storing(name: string): boolean {
    const a = this.server.jetstream?.js.accounts.get(name);
    return a !== undefined && a.enabled && a.streams.size > 0;
  }

  private send(acc: Account<Subscription>): void {
    const id = eventId();
    const timestamp = new Date().toISOString();
    for (const subject of [legacyAccountConnsSubject(acc.name), accountConnsSubject(acc.name)]) {
      this.publish(subject, accountConnsJSON(this.server, this.nextSeq(), acc, id, timestamp));
    }
    const server = serverInfo(this.server, this.nextSeq()) as { name: string; id: string };
    const usage = usageSnapshot(acc.usage, acc.numConnections, acc.sublist.count());
    this.publish(
      accountUsageSubject(acc.name),
      JSON.stringify(
        usageEvent({
          id: eventId(),
          timestamp,
          server,
          account: acc.name,
          usage,
          leafNodes: acc.numLeafNodes,
          jetstream: jetStreamUsage(this.server, acc.name),
        }),
      ),
    );
  }
}
