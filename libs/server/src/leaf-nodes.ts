import { randomBytes } from 'node:crypto';
import type { Account } from '@switchboard/accounts';
import { GLOBAL_ACCOUNT, limitsFromClaims } from '@switchboard/accounts';
import { decode, type AccountClaims } from '@switchboard/nats-jwt';
import { JwtAuthenticator } from './jwt-auth.js';
import { CloseReason } from './errors.js';
import { LeafConn } from './leaf-conn.js';
import { advertisedHostPort, joinHostPort, type LeafInfoBase } from './leaf-handshake.js';
import { LeafRemote, type DialResult, type LeafUrl } from './leaf-remote.js';
import { leafz, type LeafzOptions } from './leafz.js';
import { mayReceive } from './leaf-perms.js';
import type { Server } from './server.js';
import type { Subscription } from './subscription.js';
import type { Transport } from './transport.js';
import type { InterestListener } from './interest.js';
import { LEAF, ROUTER } from './conn-kind.js';

/** nats-server's loop-detection subject prefix: each account subscribes to `$LDS.<unique>` on its leaf connections. */
export const LOOP_DETECTION_PREFIX = '$LDS.';

/**
 * Opens a connection to a hub for a remote (the app's sockets); resolves with its transport or
 * an error. The transport stays plain until the hub's INFO is read, then may be asked to start
 * TLS as a client (`remote.tlsContext()`, the certificate checked against the URL's host or
 * `remote.tlsName`): a TlsTransport made for the dialling side.
 */
export type LeafDialer = (url: LeafUrl, remote: LeafRemote) => Promise<Transport>;

/**
 * The server's leaf nodes: the connections (accepted and solicited), the remotes' connect
 * loops, the leaf INFO this server advertises, and each account's loop-detection subject.
 * The app owns the sockets: it hands accepted ones to `accept` and gives `startRemotes` a dialer.
 */
export class LeafNodes implements InterestListener {
  readonly conns = new Map<number, LeafConn>();
  readonly remotes: LeafRemote[] = [];
  /** The leaf listener's address once bound (0 = no listener). */
  private listenPort = 0;
  private base: LeafInfoBase | null = null;
  private readonly loopSubjects = new Map<Account<Subscription>, string>();
  /** Each account's service import subjects as its leaf connections were last told. */
  private readonly announcedImports = new WeakMap<Account<Subscription>, string[]>();
  private dialer: LeafDialer | null = null;

  constructor(readonly server: Server) {
    server.leafnodes = this;
    server.interestListeners.push(this);
  }

  /** The leaf listener is bound: INFO advertises its (or `advertise`'s) host and port. */
  listening(port: number): void {
    this.listenPort = port;
    this.base = null;
  }

  infoBase(): LeafInfoBase {
    // A dynamic cluster name may change when a named peer is met: rebuild then.
    if (this.base !== null && this.base.cluster === this.clusterName()) return this.base;
    const o = this.server.opts;
    const { host, port } = advertisedHostPort(o.leafnodes.host, this.listenPort, o.leafnodes.advertise);
    this.base = {
      serverId: this.server.id,
      serverName: this.server.name,
      host,
      port,
      tlsRequired: o.leafnodes.tls !== null,
      tlsVerify: o.leafnodes.tls?.verify ?? false,
      maxPayload: o.maxPayload,
      cluster: this.clusterName(),
      leafnodeUrls: [joinHostPort(host, port)],
    };
    return this.base;
  }

  /**
   * nats-server's cluster name as leafs see it: a server with remotes and no cluster uses its
   * own name, so its leaf connections have a stable origin.
   */
  clusterName(): string {
    if (this.server.cluster !== null) return this.server.cluster.name;
    return this.server.opts.leafnodes.remotes.length > 0 ? this.server.name : '';
  }

  /** A connection on the leaf port. */
  accept(transport: Transport): LeafConn | null {
    if (this.server.shuttingDown) {
      transport.destroy();
      return null;
    }
    const conn = new LeafConn(this.server, this.server.newCid(), transport, this, null, this.server.globalAccount);
    // nats-server's nonce: 11 random bytes, base64url without padding.
    conn.startAccepted(randomBytes(11).toString('base64url'));
    return conn;
  }

  /** Starts each remote's connect loop; `dial` opens the socket. */
  startRemotes(dial: LeafDialer): void {
    this.dialer = dial;
    for (const r of this.server.opts.leafnodes.remotes) {
      const remote = new LeafRemote(r, this.server.opts.leafnodes.reconnectInterval, this.dialRemote, this.server.logger);
      this.remotes.push(remote);
      remote.start();
    }
  }

  private readonly dialRemote = async (url: LeafUrl, remote: LeafRemote): Promise<DialResult> => {
    if (this.server.shuttingDown || this.dialer === null) return { ok: false, error: 'server shutting down' };
    const name = remote.opts.account || GLOBAL_ACCOUNT;
    const account = await this.lookupAccount(name);
    if (account === undefined) {
      this.server.log('ERR', `Unable to lookup account ${name} for solicited leafnode connection`);
      return { ok: false, error: `account ${name} not found` };
    }
    let transport: Transport;
    try {
      transport = await this.dialer(url, remote);
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
    if (this.server.shuttingDown) {
      transport.destroy();
      return { ok: false, error: 'server shutting down' };
    }
    const conn = new LeafConn(this.server, this.server.newCid(), transport, this, remote, account);
    conn.startSolicited();
    return { ok: true };
  };

  /**
   * The local account a remote binds to (nats-server's LookupAccount): in operator mode its JWT
   * comes from the resolver (limits, exports and imports applied), as for a client's account.
   */
  private async lookupAccount(name: string): Promise<Account<Subscription> | undefined> {
    const known = this.server.lookupAccount(name);
    const auth = this.server.auth;
    if (!(auth instanceof JwtAuthenticator)) return known ?? (name === GLOBAL_ACCOUNT ? this.server.globalAccount : undefined);
    if (known?.jwt) return known;
    const jwt = await auth.resolver.fetch(name).catch(() => undefined);
    if (jwt === undefined) return undefined;
    let claims: AccountClaims;
    try {
      const d = decode(jwt);
      if (d.type !== 'account' || d.claims.sub !== name) return undefined;
      claims = d.claims as AccountClaims;
    } catch {
      return undefined;
    }
    const account = this.server.registerAccount(name);
    account.setLimits(limitsFromClaims(claims.nats));
    account.jwt = jwt;
    account.updated = new Date();
    await auth.exportsImports?.load(name, jwt);
    return account;
  }

  added(conn: LeafConn): void {
    this.conns.set(conn.cid, conn);
    this.sendInitialInterest(conn);
  }

  removed(conn: LeafConn): void {
    this.conns.delete(conn.cid);
  }

  /** `$LDS.<unique>` of an account: made on first use, the same on every leaf connection of it. */
  loopSubject(account: Account<Subscription>): string {
    let s = this.loopSubjects.get(account);
    if (s === undefined) this.loopSubjects.set(account, (s = LOOP_DETECTION_PREFIX + randomBytes(16).toString('base64url').replace(/[-_]/g, 'x')));
    return s;
  }

  // ---- interest: what each leaf connection is told of this side's subscriptions ----

  /**
   * After the handshake: this side's interest in the account, its service imports' subjects, its
   * mapped-reply prefix and its loop-detection subject (nats-server's initLeafNodeSmapAndSendSubs).
   * A leaf server forwards only on interest: a requester behind it reaches an import here only if
   * the import's subject was announced, a responder behind it answers a mapped reply only if the
   * prefix was (made before the leaf connected, it is not in the sublist: cross-account.ts).
   */
  private sendInitialInterest(conn: LeafConn): void {
    const smap = conn.smap;
    smap.clear();
    const add = (key: string): void => void smap.set(key, (smap.get(key) ?? 0) + 1);
    const account = conn.account;
    for (const sub of account.sublist.all()) if (this.propagates(conn, sub) && mayReceive(conn.leafPerms, sub.subject)) add(keyOf(sub));
    const imports = importSubjects(account);
    this.announcedImports.set(account, imports);
    for (const subject of imports) if (this.mayImport(conn, subject)) add(subject);
    if (account.responses !== null) add(`${account.responses.prefix}>`);
    add(this.loopSubject(account));
    let out = '';
    for (const [key, n] of smap) out += lsPlus(key, n);
    conn.sendProto(out);
  }

  /** The account's service imports changed (a JWT update): its leaf connections hear of the subjects that came and went. */
  importsChanged(account: Account<Subscription>): void {
    const before = this.announcedImports.get(account);
    if (before === undefined) return;
    const after = importSubjects(account);
    this.announcedImports.set(account, after);
    const gone = before.filter((s) => !after.includes(s));
    const added = after.filter((s) => !before.includes(s));
    for (const conn of this.conns.values()) {
      if (conn.account !== account || !conn.registered) continue;
      for (const s of gone) if (this.mayImport(conn, s)) this.updateSmap(conn, s, '', -1);
      for (const s of added) if (this.mayImport(conn, s)) this.updateSmap(conn, s, '', 1);
    }
  }

  /** nats-server: a spoke announces an import only where the hub lets it subscribe; a hub always. */
  private mayImport(conn: LeafConn, subject: string): boolean {
    return !conn.isSpokeLeaf || mayReceive(conn.leafPerms, subject);
  }

  /** InterestListener: a subscription came or went in an account; its leaf connections hear of it as nats-server's updateLeafNodes/updateSmap do. */
  subscriptionChanged(account: Account<Subscription>, sub: Subscription, delta: 1 | -1): void {
    if (this.conns.size === 0) return;
    for (const conn of this.conns.values()) {
      if (conn.account !== account || !conn.registered) continue;
      // Another leaf's loop-detection subject passes whatever its origin and the permissions, so loops are found.
      if (sub.subject.startsWith(LOOP_DETECTION_PREFIX)) {
        if (sub.client === conn || (conn.isSpokeLeaf && (sub.client.kind !== LEAF || sub.client.isSpokeLeaf))) continue;
      } else if (!this.propagates(conn, sub) || !mayReceive(conn.leafPerms, sub.subject)) continue;
      this.updateSmap(conn, keyOf(sub), sub.queue, delta);
    }
  }

  /** One more or one less holder of `key` on `conn`: a queue group's weight on every change; a plain subject on 0 → 1 and 1 → 0. */
  private updateSmap(conn: LeafConn, key: string, queue: string, delta: 1 | -1): void {
    const n = conn.smap.get(key) ?? 0;
    const update = queue !== '' || n === 0 || n + delta <= 0;
    const m = n + delta;
    if (m > 0) conn.smap.set(key, m);
    else conn.smap.delete(key);
    if (update) conn.sendProto(m > 0 ? lsPlus(key, m) : `LS- ${key}\r\n`);
  }

  /**
   * Whether `conn` hears of `sub` at all: not its own; not one that came from the same remote
   * cluster; a spoke hears only of local interest (clients, the server's own, hub-side leafs),
   * never of what routes or other hubs brought.
   */
  private propagates(conn: LeafConn, sub: Subscription): boolean {
    const c = sub.client;
    if (c === conn) return false;
    if (c.kind === LEAF) {
      const rc = c.remoteCluster;
      if (rc !== '' && rc === conn.remoteCluster) return false;
      if (conn.isSpokeLeaf && c.isSpokeLeaf) return false;
      return true;
    }
    if (c.kind === ROUTER) return !conn.isSpokeLeaf;
    return true;
  }

  leafz(o: LeafzOptions): Record<string, unknown> {
    return leafz(this.server.id, this.conns.values(), o);
  }

  /** Shutdown: no more reconnects, every leaf connection closed. */
  shutdown(): void {
    for (const r of this.remotes) r.stop();
    for (const c of [...this.conns.values()]) c.close(CloseReason.ServerShutdown, true);
  }
}

/** The local subjects of the account's service imports, each once. */
function importSubjects(account: Account<Subscription>): string[] {
  const out = new Set<string>();
  for (const si of account.serviceImports?.all() ?? []) out.add(si.from);
  return [...out];
}

/** nats-server's smap key: `subject` or `subject queue`. */
function keyOf(sub: Subscription): string {
  return sub.queue === '' ? sub.subject : `${sub.subject} ${sub.queue}`;
}

/** `LS+ <subject>` or, for a queue group, `LS+ <subject> <queue> <weight>`. */
function lsPlus(key: string, n: number): string {
  return key.includes(' ') ? `LS+ ${key} ${n}\r\n` : `LS+ ${key}\r\n`;
}
