import type { Account } from '@switchboard/accounts';
import type { Client } from './client.js';
import { ERR_MAX_ACCOUNT_CONNECTIONS } from './errors.js';
import { serverInfo } from './events.js';
import type { InternalClient } from './internal-client.js';
import type { Server } from './server.js';
import type { Subscription } from './subscription.js';
import { accountConnsJSON } from './usage-events.js';

// Cluster-wide account connection counts, as nats-server 2.9 keeps them (events.go): every server
// reports an account's local connections whenever they change and every 30 s while there are any
// (usage-events.ts sends those), on `$SYS.ACCOUNT.<id>.SERVER.CONNS` and the older
// `$SYS.SERVER.ACCOUNT.<id>.CONNS` — 2.9.10 listens on the older one only, so do we. A server that
// starts using an account asks the others (`$SYS.REQ.ACCOUNT.<id>.CONNS`, replies to
// `$SYS._INBOX_.<server id>`); a server shutting down says so (`$SYS.SERVER.<id>.SHUTDOWN`) and its
// counts are dropped. When a report puts an account over its `conn` limit, the newest local
// clients are closed until it is not (nats-server's updateRemoteServer: every server does this,
// so it may close more than needed; clients reconnect).

const REMOTE_CONNS = '$SYS.SERVER.ACCOUNT.*.CONNS';
const CONNS_REQUEST = '$SYS.REQ.ACCOUNT.*.CONNS';
const SHUTDOWN = '$SYS.SERVER.*.SHUTDOWN';
const connsRequestSubject = (account: string): string => `$SYS.REQ.ACCOUNT.${account}.CONNS`;
const connsReplySubject = (serverId: string): string => `$SYS._INBOX_.${serverId}`;
const shutdownSubject = (serverId: string): string => `$SYS.SERVER.${serverId}.SHUTDOWN`;

/** nats-server: a server unheard of for 5 heartbeat intervals is gone; looked for every 3. */
const ORPHAN_AFTER = 5;
const SWEEP_EVERY = 3;

export class ConnsTracking {
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly server: Server,
    private readonly client: InternalClient,
    private readonly nextSeq: () => number,
    private readonly heartbeatMs = server.opts.accountUsageInterval,
  ) {
    const onReport = (_s: string, _r: string, msg: Buffer): void => this.onReport(msg);
    client.subscribe(REMOTE_CONNS, onReport);
    client.subscribe(connsReplySubject(server.id), onReport);
    client.subscribe(CONNS_REQUEST, (subject, reply, msg) => this.onRequest(subject.split('.')[3]!, reply, msg));
    client.subscribe(SHUTDOWN, (subject) => {
      const id = subject.split('.')[2]!;
      if (id !== server.id) server.remoteConns.removeServer(id);
    });
    this.sweeper = setInterval(() => server.remoteConns.sweep(Date.now(), ORPHAN_AFTER * this.heartbeatMs), SWEEP_EVERY * this.heartbeatMs);
    this.sweeper.unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
  }

  /** This server started using `account`: the others say how many connections they have in it. */
  accountRegistered(account: Account<Subscription>): void {
    const body = JSON.stringify({ server: serverInfo(this.server, this.nextSeq()), acc: account.name });
    this.client.publish(connsRequestSubject(account.name), connsReplySubject(this.server.id), body);
  }

  /** Said before the routes close: the others stop counting this server's connections. */
  shutdown(): void {
    this.client.publish(shutdownSubject(this.server.id), '', JSON.stringify(serverInfo(this.server, this.nextSeq())));
  }

  /** Another server's AccountNumConns (a change, a heartbeat, or a reply to our request). */
  private onReport(msg: Buffer): void {
    let m: { server?: { id?: unknown }; acc?: unknown; conns?: unknown };
    try {
      m = JSON.parse(msg.toString('utf8')) as typeof m;
    } catch {
      this.server.log('ERR', 'Error unmarshalling account connection event message');
      return;
    }
    const id = m.server?.id;
    const { acc, conns } = m;
    if (typeof id !== 'string' || typeof acc !== 'string' || typeof conns !== 'number' || !Number.isInteger(conns) || conns < 0) {
      this.server.log('ERR', 'Error unmarshalling account connection event message');
      return;
    }
    // Our own reports come back through our own subscription.
    if (id === this.server.id) return;
    this.server.remoteConns.update(id, acc, conns, Date.now());
    const account = this.server.accounts.get(acc);
    if (account !== undefined) this.enforce(account);
  }

  /** `$SYS.REQ.ACCOUNT.<id>.CONNS`: answered only by servers with local connections in the account. */
  private onRequest(name: string, reply: string, msg: Buffer): void {
    if (msg.length > 0) {
      try {
        const m = JSON.parse(msg.toString('utf8')) as { acc?: unknown };
        if (m.acc !== name) return this.server.log('ERR', 'Error unmarshalled account does not match subject');
      } catch {
        return this.server.log('ERR', 'Error unmarshalling account connections request message');
      }
    }
    const account = this.server.accounts.get(name);
    if (!reply || account === undefined || account.numConnections === 0) return;
    this.client.publish(reply, '', accountConnsJSON(this.server, this.nextSeq(), account));
  }

  /** Over the limit with the others' counts: the newest local clients go (nats-server's maxAccountConnExceeded). */
  private enforce(account: Account<Subscription>): void {
    const max = account.limits.maxConnections;
    if (max < 0) return;
    const over = account.numConnections + this.server.remoteConns.conns(account.name) - max;
    if (over <= 0) return;
    const local: Client[] = [];
    for (const c of this.server.clients.values()) if (c.account === account && !c.closed) local.push(c);
    local.sort((a, b) => b.startMono - a.startMono);
    for (const c of local.slice(0, over)) {
      this.server.log('ERR', `${c.describe()} - ${ERR_MAX_ACCOUNT_CONNECTIONS}`);
      c.auth.maxAccountConnectionsExceeded();
    }
    this.server.flushPending();
  }
}
