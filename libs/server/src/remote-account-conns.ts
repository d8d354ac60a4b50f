/**
 * Each account's client and leaf node connections on the other servers of the cluster, as those
 * servers report them on `$SYS.SERVER.ACCOUNT.<id>.CONNS` (nats-server 2.9's Account.strack,
 * events.go remoteConnsUpdate: `conns` and `leafnodes`): one pair per server, replaced by each
 * report (a report is the whole count, so a lost one is healed by the next), forgotten when the
 * server shuts down or has been silent too long (nats-server's orphan sweep). An account's `conn`
 * limit counts the remote clients with the local ones, its `leaf` limit the remote leafs.
 *
 * Unlike nats-server, reports for accounts this node has not registered yet are kept too: a
 * node's first connection of an account is then checked against the cluster's count at once,
 * instead of being let in and cut when the replies to the CONNS request arrive.
 */
export class RemoteAccountConns {
  /** account → server id → that server's [client, leaf] connections in the account. */
  private readonly byAccount = new Map<string, Map<string, [number, number]>>();
  /** account → sums over servers. */
  private readonly clientTotals = new Map<string, number>();
  private readonly leafTotals = new Map<string, number>();
  /** server id → when it last reported (ms). */
  private readonly heard = new Map<string, number>();

  /** `server` reports `conns` client and `leafs` leaf node connections in `account`. */
  update(server: string, account: string, conns: number, leafs: number, now: number): void {
    this.heard.set(server, now);
    let servers = this.byAccount.get(account);
    const [prevConns, prevLeafs] = servers?.get(server) ?? [0, 0];
    if (conns === 0 && leafs === 0) {
      if (servers?.delete(server) && servers.size === 0) this.byAccount.delete(account);
    } else {
      if (servers === undefined) this.byAccount.set(account, (servers = new Map()));
      servers.set(server, [conns, leafs]);
    }
    add(this.clientTotals, account, conns - prevConns);
    add(this.leafTotals, account, leafs - prevLeafs);
  }

  /** The account's client connections on other servers. */
  conns(account: string): number {
    return this.clientTotals.get(account) ?? 0;
  }

  /** The account's leaf node connections on other servers. */
  leafs(account: string): number {
    return this.leafTotals.get(account) ?? 0;
  }

  /** The server shut down (or went silent): its connections no longer count. */
  removeServer(server: string): void {
    this.heard.delete(server);
    for (const [account, servers] of this.byAccount) {
      const n = servers.get(server);
      if (n === undefined) continue;
      servers.delete(server);
      if (servers.size === 0) this.byAccount.delete(account);
      add(this.clientTotals, account, -n[0]);
      add(this.leafTotals, account, -n[1]);
    }
  }

  /** Forgets servers not heard from for more than `maxAgeMs`; returns their ids. */
  sweep(now: number, maxAgeMs: number): string[] {
    const gone: string[] = [];
    for (const [server, at] of this.heard) if (now - at > maxAgeMs) gone.push(server);
    for (const s of gone) this.removeServer(s);
    return gone;
  }
}

function add(totals: Map<string, number>, account: string, delta: number): void {
  if (delta === 0) return;
  const n = (totals.get(account) ?? 0) + delta;
  if (n === 0) totals.delete(account);
  else totals.set(account, n);
}
