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

/** nats-server's loop-detection subject prefix: each account subscribes to `$LDS.<unique>` on its leaf connections. */
export const LOOP_DETECTION_PREFIX = '$LDS.';

/** Opens a connection to a hub for a remote (the app's sockets); resolves with its transport or an error. */
export type LeafDialer = (url: LeafUrl) => Promise<Transport>;

/**
 * The server's leaf nodes: the connections (accepted and solicited), the remotes' connect
 * loops, the leaf INFO this server advertises, and each account's loop-detection subject.
 * The app owns the sockets: it hands accepted ones to `accept` and gives `startRemotes` a dialer.
 */
export class LeafNodes {
  readonly conns = new Map<number, LeafConn>();
  readonly remotes: LeafRemote[] = [];
  /** The leaf listener's address once bound (0 = no listener). */
  private listenPort = 0;
  private base: LeafInfoBase | null = null;
  private readonly loopSubjects = new Map<Account<Subscription>, string>();
  private dialer: LeafDialer | null = null;

  constructor(readonly server: Server) {
    server.leafnodes = this;
  }

  /** The leaf listener is bound: INFO advertises its (or `advertise`'s) host and port. */
  listening(port: number): void {
    this.listenPort = port;
    this.base = null;
  }

  infoBase(): LeafInfoBase {
    if (this.base !== null) return this.base;
    const o = this.server.opts;
    const { host, port } = advertisedHostPort(o.leafnodes.host, this.listenPort, o.leafnodes.advertise);
    this.base = {
      serverId: this.server.id,
      serverName: this.server.name,
      host,
      port,
      tlsRequired: false,
      tlsVerify: false,
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
    return this.server.opts.leafnodes.remotes.length > 0 ? this.server.name : '';
  }

  /** A connection on the leaf port. */
  accept(transport: Transport): LeafConn | null {
    if (this.server.shuttingDown) {
      transport.destroy();
      return null;
    }
    const conn = new LeafConn(this.server, this.server.allocateCid(), transport, this, null, this.server.globalAccount);
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
      transport = await this.dialer(url);
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
    if (this.server.shuttingDown) {
      transport.destroy();
      return { ok: false, error: 'server shutting down' };
    }
    const conn = new LeafConn(this.server, this.server.allocateCid(), transport, this, remote, account);
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

  // ---- interest and messages ----

  /** After the handshake: our interest in the account (filtered by what we may receive) and the loop-detection subject. */
  sendInitialInterest(conn: LeafConn): void {
    const keys = new Map<string, number>();
    for (const sub of conn.account.sublist.all()) {
      if (!mayReceive(conn.leafPerms, sub.subject)) continue;
      const key = sub.queue ? `${sub.subject} ${sub.queue}` : sub.subject;
      keys.set(key, (keys.get(key) ?? 0) + 1);
    }
    keys.set(this.loopSubject(conn.account), 1);
    let out = '';
    for (const [key, n] of keys) out += key.includes(' ') ? `LS+ ${key} ${n}\r\n` : `LS+ ${key}\r\n`;
    conn.out.appendString(out);
  }

  remoteSub(conn: LeafConn, subject: string, queue: string, weight: number): void {
    // The other side subscribed to our own loop-detection subject: the connection goes round in a loop.
    if (subject.startsWith(LOOP_DETECTION_PREFIX) && subject === this.loopSubjects.get(conn.account)) return conn.loopDetected(true);
    const subs = this.remoteInterest(conn);
    subs.set(queue ? `${subject} ${queue}` : subject, { subject, queue, weight });
  }

  remoteUnsub(conn: LeafConn, _subject: string, _queue: string, key: string): void {
    this.remoteInterest(conn).delete(key);
  }

  inboundMsg(_conn: LeafConn, _subject: string, _reply: string, _queues: string, _hdrLen: number, _msg: Buffer): void {}

  remoteSubjects(conn: LeafConn): string[] {
    return [...this.remoteInterest(conn).values()].map((s) => s.subject);
  }

  private readonly interest = new WeakMap<LeafConn, Map<string, { subject: string; queue: string; weight: number }>>();
  private remoteInterest(conn: LeafConn): Map<string, { subject: string; queue: string; weight: number }> {
    let m = this.interest.get(conn);
    if (m === undefined) this.interest.set(conn, (m = new Map()));
    return m;
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
