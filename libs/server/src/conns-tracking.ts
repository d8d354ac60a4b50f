import type { Account } from '@switchboard/accounts';
import type { Client } from './client.js';
import { ERR_MAX_ACCOUNT_CONNECTIONS } from './errors.js';
import { serverInfo } from './events.js';
import type { InternalClient } from './internal-client.js';
import type { LeafConn } from './leaf-conn.js';
import type { Server } from './server.js';
import type { Subscription } from './subscription.js';
import { accountConnsJSON } from './usage-events.js';

// Cluster-wide account connection counts, as nats-server 2.9 keeps them (events.go): every server
// reports an account's local connections whenever they change and every 30 s while there are any
// (usage-events.ts sends those), on `$SYS.ACCOUNT.<id>.SERVER.CONNS` and the older
// `$SYS.SERVER.ACCOUNT.<id>.CONNS` — 2.9.10 listens on the older one only, so do we. A server that
// starts using an account asks the others (`$SYS.REQ.ACCOUNT.<id>.CONNS`, replies to
// `$SYS._INBOX_.<server id>`); a server shutting down says so (`$SYS.SERVER.<id>.SHUTDOWN`) and its
// counts are dropped. Reports carry clients (`conns`) and leaf nodes (`leafnodes`) apart. When a
// report puts an account over its `conn` limit, the newest local clients are closed until it is
// not; over its `leaf` limit, the newest local leaf connections (nats-server's updateRemoteServer:
// every server does this, so it may close more than needed; clients and leafs reconnect).

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
    let m: { server?: { id?: unknown }; acc?: unknown; conns?: unknown; leafnodes?: unknown };
    try {
      m = JSON.parse(msg.toString('utf8')) as typeof m;
    } catch {
      this.server.log('ERR', 'Error unmarshalling account connection event message');
      return;
    }
    const id = m.server?.id;
    // An absent `leafnodes` is 0, as Go's unmarshalling leaves it.
    const { acc, conns, leafnodes = 0 } = m;
    if (typeof id !== 'string' || typeof acc !== 'string' || !isCount(conns) || !isCount(leafnodes)) {
      this.server.log('ERR', 'Error unmarshalling account connection event message');
      return;
    }
    // Our own reports come back through our own subscription.
    if (id === this.server.id) return;
    this.server.remoteConns.update(id, acc, conns, leafnodes, Date.now());
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

  /** Over a limit with the others' counts: the newest local clients or leafs go (nats-server's maxAccountConnExceeded). */
  private enforce(account: Account<Subscription>): void {
    const { maxConnections, maxLeafNodes } = account.limits;
    const remote = this.server.remoteConns;
    const overConns = maxConnections < 0 ? 0 : account.numConnections + remote.conns(account.name) - maxConnections;
    const overLeafs = maxLeafNodes < 0 ? 0 : account.numLeafNodes + remote.leafs(account.name) - maxLeafNodes;
    if (overConns <= 0 && overLeafs <= 0) return;
    if (overConns > 0) {
      const local: Client[] = [];
      for (const c of this.server.clients.values()) if (c.account === account && !c.closed) local.push(c);
      for (const c of newest(local, overConns)) {
        this.server.log('ERR', `${c.describe()} - ${ERR_MAX_ACCOUNT_CONNECTIONS}`);
        c.auth.maxAccountConnectionsExceeded();
      }
    }
    if (overLeafs > 0 && this.server.leafnodes !== null) {
      const local: LeafConn[] = [];
      for (const l of this.server.leafnodes.conns.values()) if (l.account === account && l.registered && !l.closed) local.push(l);
      for (const l of newest(local, overLeafs)) l.maxAccountConnectionsExceeded();
    }
    this.server.flushPending();
  }
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

/** The `n` most recently started of `conns`. */
function newest<C extends Client>(conns: C[], n: number): C[] {
  return conns.sort((a, b) => b.startMono - a.startMono).slice(0, n);
}
