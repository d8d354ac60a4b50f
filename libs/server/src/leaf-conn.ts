import type { Account, Permissions } from '@switchboard/accounts';
import type { AuthResult } from './auth.js';
import { LEAF } from './conn-kind.js';
import { PROTOCOL_VERSION } from './constants.js';
import { CloseReason, ERR_AUTHORIZATION, ERR_AUTH_TIMEOUT, ERR_MAX_ACCOUNT_CONNECTIONS } from './errors.js';
import { authenticateLeaf } from './leaf-auth.js';
import { leafConnectInfoJson, leafConnectJson, leafInfoJson, parseHubInfo, parseLeafConnect, signWithCredentials, type LeafConnect } from './leaf-handshake.js';
import { hubLeafPermissions, infoPermissions, mayReceive, maySend, spokeLeafPermissions } from './leaf-perms.js';
import { LEAF_DELAY_AFTER_LOOP, LEAF_DELAY_AFTER_PERM_VIOLATION, LEAF_DELAY_AFTER_SAME_CLUSTER, type LeafRemote } from './leaf-remote.js';
import type { LeafNodes } from './leaf-nodes.js';
import { leafAuthTimeout } from './leaf-options.js';
import type { LeafzConn } from './leafz.js';
import { RemoteConnection } from './remote-conn.js';
import type { Server } from './server.js';
import type { Subscription } from './subscription.js';
import type { Transport } from './transport.js';
import { DEFAULT_TLS_TIMEOUT } from './tls-context.js';

/** nats-server's connectProcessTimeout: a hub that does not answer CONNECT in time is stale. */
const CONNECT_PROCESS_TIMEOUT = 2_000;
/** nats-server's DEFAULT_LEAFNODE_INFO_WAIT (the wait for the hub's first INFO). */
const INFO_WAIT = 1_000;
const LOOP_PREFIX = '$LDS.';

export const ERR_LEAF_SAME_CLUSTER = 'remote leafnode has same cluster name';
export const ERR_CLIENT_ON_LEAF_PORT = 'attempted to connect to leaf node port';
export const ERR_WRONG_PORT = 'attempted to connect to wrong port';

/**
 * One leaf node connection, on either side: accepted on the leaf port (this server is the
 * hub; the other side's CONNECT says who it is and binds it to one account) or made through
 * a `remotes` entry (this server is the leaf, a "spoke"; its account is the remote's).
 * Handshake, authentication, the account's `leaf` limit, permissions both ways and loop
 * detection are here; its subscriptions, deliveries and inbound messages are RemoteConnection's
 * (remote-conn.ts), and what it is told of this side's interest is LeafNodes' (leaf-nodes.ts).
 */
export class LeafConn extends RemoteConnection implements LeafzConn {
  /** What may cross: `publish` what we send, `subscribe` what we take in (leaf-perms.ts). */
  leafPerms: Permissions | null = null;
  /** The other server: its name (or id), and (`remoteCluster`) its cluster, from INFO (spoke) or CONNECT (hub). */
  remoteServer = '';
  remoteId = '';
  /** Registered with its account and the server's leaf list (the handshake is done). */
  registered = false;
  /** Interest this side announced on the connection (nats-server's smap): key → count. */
  readonly smap = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  /** Inbound bytes kept while an asynchronous authentication runs (reading is paused meanwhile). */
  private heldChunks: Buffer[] | null = null;
  private leafNonce = '';
  private infoReceived = false;

  constructor(
    server: Server,
    cid: number,
    transport: Transport,
    readonly nodes: LeafNodes,
    /** The remote this connection was made through; null when accepted. */
    readonly remote: LeafRemote | null,
    account: Account<Subscription>,
  ) {
    super(server, cid, transport, LEAF, account);
    // Solicited by a remote that does not claim the hub role: this side is the spoke.
    this.isSpokeLeaf = remote !== null && !remote.opts.hub;
    this.isHubLeaf = !this.isSpokeLeaf;
    if (remote !== null) this.leafPerms = spokeLeafPermissions(null, null, remote.opts.denyImports, remote.opts.denyExports);
  }

  get accountName(): string {
    return this.account.name;
  }

  /** Accepted side: INFO with a nonce, then the CONNECT must come within the auth timeout. */
  startAccepted(nonce: string): void {
    this.leafNonce = nonce;
    this.sendInfo(leafInfoJson(this.nodes.infoBase(), this.cid, nonce));
    this.flush();
    const ms = leafAuthTimeout(this.server.opts.leafnodes, this.server.opts.authTimeout);
    this.arm(ms, this.onAuthTimeout);
    this.server.log('INF', `${this.describe()} - Leafnode connection created`);
  }

  /** Solicited side: the hub speaks first. */
  startSolicited(): void {
    this.arm(INFO_WAIT, this.onInfoTimeout);
    this.server.log('INF', `${this.describe()} - Leafnode connection created for account: ${this.account.name}`);
  }

  override onData(chunk: Buffer): void {
    if (this.heldChunks !== null) {
      if (!this.closed) this.heldChunks.push(Buffer.from(chunk));
      return;
    }
    super.onData(chunk);
  }

  // ---- handshake ----

  onRemoteInfo(json: string): void {
    const r = this.remote;
    if (r === null) return; // a hub ignores INFO from its leafs
    const info = parseHubInfo(json);
    if (info === null) return this.close(CloseReason.ProtocolViolation, false);
    const first = !this.infoReceived;
    if (first) {
      this.infoReceived = true;
      // A client or route port answers INFO without client_id or leafnode_urls (nats-server's wrong-port check).
      if (info.cid === 0 || info.leafnodeUrls === null) {
        this.server.log('ERR', `${this.describe()} - ${ERR_WRONG_PORT}`);
        return this.close(CloseReason.WrongPort, false);
      }
      this.leafNonce = info.nonce;
      this.remoteHeaders = info.headers;
      this.remoteServer = info.serverName || info.serverId;
      this.remoteId = info.serverId;
      this.remoteCluster = info.cluster;
    }
    if (info.leafnodeUrls !== null && info.leafnodeUrls.length > 0) r.updateUrls(info.leafnodeUrls);
    if (info.imports !== null || info.exports !== null) {
      this.leafPerms = spokeLeafPermissions(info.imports, info.exports, r.opts.denyImports, r.opts.denyExports);
    }
    if (first) {
      // nats-server's leafNodeResumeConnectProcess: TLS after the hub's INFO when either side asks, then CONNECT (it waits in the TLS socket).
      if (info.tlsRequired) r.hubRequiredTls();
      const tls = r.wantsTls;
      if (tls) {
        if (this.transport.startTls === undefined) {
          this.server.log('ERR', `${this.describe()} - TLS required but this connection cannot start it`);
          return this.close(CloseReason.TLSHandshakeError, false);
        }
        this.transport.startTls();
      }
      if (!this.sendLeafConnect(tls)) return;
      // The handshake's time counts too: it may take up to its own timeout.
      this.arm(CONNECT_PROCESS_TIMEOUT + (tls ? (r.opts.tls?.timeout ?? DEFAULT_TLS_TIMEOUT) : 0), this.onConnectProcessTimeout);
      // Servers before 2.9 answer CONNECT with nothing: finish at once (nats-server's info_on_connect).
      if (!info.infoOnConnect) return this.finishSolicited();
    }
    if (info.connectInfo && !this.registered) this.finishSolicited();
  }

  private sendLeafConnect(tlsRequired: boolean): boolean {
    const r = this.remote!;
    let jwt = '';
    let sig = '';
    if (r.opts.credentials) {
      try {
        ({ jwt, sig } = signWithCredentials(r.opts.credentials, this.leafNonce));
      } catch (err) {
        this.server.log('ERR', `${this.describe()} - Error reading LeafNode Remote Credentials file "${r.opts.credentials}": ${(err as Error).message}`);
        this.close(CloseReason.ProtocolViolation, false);
        return false;
      }
    }
    const url = r.url;
    const json = leafConnectJson({
      version: PROTOCOL_VERSION,
      jwt,
      sig,
      user: jwt ? '' : (url?.user ?? ''),
      pass: jwt ? '' : (url?.pass ?? ''),
      tlsRequired,
      serverId: this.server.id,
      domain: '',
      name: this.server.name,
      isHub: r.opts.hub,
      cluster: this.nodes.clusterName(),
      headers: true,
      jetstream: false,
      denyPub: r.opts.denyImports,
    });
    this.sendProto(`CONNECT ${json}\r\n`);
    this.flush();
    return true;
  }

  /** Spoke: the hub accepted CONNECT (its INFO with connect_info): register and send our interest. */
  private finishSolicited(): void {
    this.clearTimer();
    if (this.closed || this.registered) return;
    if (this.overLeafLimit()) return;
    this.register();
  }

  onRemoteConnect(json: string): void {
    if (this.remote !== null || this.registered || this.heldChunks !== null) return;
    const lc = parseLeafConnect(json);
    if (lc === null) return this.close(CloseReason.ProtocolViolation, false);
    let who: AuthResult | null | Promise<AuthResult | null>;
    try {
      who = authenticateLeaf(this.server.opts.leafnodes, this.server.auth, lc, this.leafNonce, this);
    } catch (err) {
      this.server.log('ERR', `${this.describe()} - authentication failed: ${(err as Error)?.message ?? String(err)}`);
      who = null;
    }
    if (!isPromise(who)) return this.accepted(lc, who);
    // Hold what follows CONNECT until we know the account (the auth timer keeps running).
    this.heldChunks = [];
    this.transport.pause();
    who.then(
      (r) => this.resumeAfterAuth(lc, r),
      () => this.resumeAfterAuth(lc, null),
    );
  }

  private resumeAfterAuth(lc: LeafConnect, who: AuthResult | null): void {
    const held = this.heldChunks ?? [];
    this.heldChunks = null;
    if (this.closed) return;
    this.accepted(lc, who);
    for (const chunk of held) if (!this.closed) this.onData(chunk);
    if (!this.closed) this.transport.resume();
    this.server.flushPending();
  }

  /** Hub: CONNECT authenticated (or not): nats-server's processConnect for a LEAF, then processLeafNodeConnect. */
  private accepted(lc: LeafConnect, who: AuthResult | null): void {
    const server = this.server;
    if (who === null) {
      server.log('ERR', `${this.describe()} - authentication error${lc.user ? ` - User "${lc.user}"` : ''}`);
      this.sendErr(ERR_AUTHORIZATION);
      return this.close(CloseReason.AuthenticationViolation, true);
    }
    const account = server.registerAccount(who.account);
    if (who.accountLimits) account.setLimits(who.accountLimits);
    if (who.accountJwt !== undefined && who.accountJwt !== account.jwt) {
      account.jwt = who.accountJwt;
      account.updated = new Date();
    }
    this.account = account;
    this.user = who.user;
    if (this.overLeafLimit()) return;
    if (who.jwt) {
      // Revocations, a removed signing key and expiry cut the leaf connection as a client's (ClientAuth).
      this.jwt = who.jwt;
      this.auth.setAccountExpiry(who.jwt.accountExpiresAt);
    }
    if (lc.lang !== '') {
      this.sendErr(ERR_CLIENT_ON_LEAF_PORT);
      server.log('ERR', `${this.describe()} - ${ERR_CLIENT_ON_LEAF_PORT}`);
      return this.close(CloseReason.WrongPort, true);
    }
    const cluster = this.nodes.clusterName();
    if (cluster !== '' && lc.cluster === cluster) {
      this.sendErr(ERR_LEAF_SAME_CLUSTER);
      server.log('ERR', `${this.describe()} - ${ERR_LEAF_SAME_CLUSTER}`);
      return this.close(CloseReason.ClusterNamesIdentical, true);
    }
    if (lc.gateway !== '') {
      const text = `Rejecting connection from gateway "${lc.gateway}" on the leafnode port`;
      server.log('ERR', `${this.describe()} - ${text}`);
      this.sendErr(text);
      return this.close(CloseReason.WrongGateway, true);
    }
    this.clearTimer();
    this.remoteHeaders = lc.headers;
    this.remoteServer = lc.name;
    this.remoteId = lc.serverId;
    this.remoteCluster = lc.cluster;
    // The other side declared itself the hub: this side takes the spoke role.
    this.isSpokeLeaf = lc.isHub;
    this.isHubLeaf = !lc.isHub;
    const user = who.permissions?.config ?? null;
    this.leafPerms = hubLeafPermissions(user, lc.denyPub);
    const { imports, exports } = infoPermissions(user);
    this.sendInfo(leafConnectInfoJson(this.nodes.infoBase(), this.cid, account.name, imports, exports));
    this.register();
  }

  /**
   * The account's `leaf` limit, with its leaf connections on the cluster's other servers
   * (nats-server's registerWithAccount: MaxTotalLeafNodesReached): -ERR and close.
   */
  private overLeafLimit(): boolean {
    const max = this.account.limits.maxLeafNodes;
    if (max < 0 || this.account.numLeafNodes + this.server.remoteConns.leafs(this.account.name) < max) return false;
    this.maxAccountConnectionsExceeded();
    return true;
  }

  /** nats-server's maxAccountConnExceeded: the account has too many leaf connections. */
  maxAccountConnectionsExceeded(): void {
    this.server.log('ERR', `${this.describe()} - ${ERR_MAX_ACCOUNT_CONNECTIONS}`);
    this.sendErr(ERR_MAX_ACCOUNT_CONNECTIONS);
    this.close(CloseReason.MaxAccountConnectionsExceeded, true);
  }

  /** Both sides once bound: counted in the account, listed on the server, interest exchanged. */
  private register(): void {
    this.registered = true;
    this.account.addLeafNode();
    this.nodes.added(this);
    this.server.events?.leafsChanged?.(this.account);
    this.pinger.start();
    this.flush();
  }

  // ---- interest and messages ----

  override onRemoteSub(origin: string, _account: string, subject: string, queue: string, weight: number): void {
    if (!this.registered) return this.notRegistered('LS+');
    if (subject.startsWith(LOOP_PREFIX)) {
      // The other side subscribed to our own loop-detection subject: the connection goes round in a loop.
      if (subject === this.nodes.loopSubject(this.account)) return this.loopDetected(true);
    } else if (!subject.includes('*') && !subject.includes('>') && !maySend(this.leafPerms, subject)) {
      // As nats-server: interest in a literal subject we may not send is refused (a spoke ignores it).
      return this.permViolation(subject);
    }
    this.addRemoteSub(this.account, subject, queue, weight, this.subKey('', subject, queue), origin);
  }

  override onRemoteMsg(_origin: string, _account: string, subject: string, reply: string, queues: string, hdrLen: number, msg: Buffer): void {
    if (!this.registered) return this.notRegistered('LMSG');
    // What the other side may not send us (its user's publish permissions, our deny_imports) is dropped.
    if (!mayReceive(this.leafPerms, subject)) {
      this.server.log('DBG', `${this.describe()} - Not permitted to receive ${JSON.stringify(subject)} from the leafnode`);
      return;
    }
    this.account.usage.published(msg.length);
    this.routeRemoteMsg(this.account, subject, reply, queues, hdrLen, msg);
  }

  override deliverRemote(account: Account<Subscription>, subject: string, reply: string, queues: string, hdrLen: number, msg: Buffer): boolean {
    if (!this.registered || !maySend(this.leafPerms, subject)) return false;
    if (!super.deliverRemote(account, subject, reply, queues, hdrLen, msg)) return false;
    this.account.usage.delivered(hdrLen >= 0 && !this.remoteHeaders ? msg.length - hdrLen : msg.length);
    return true;
  }

  private notRegistered(op: string): void {
    this.server.log('ERR', `${this.describe()} - ${op} before the leafnode connection was set up`);
    this.close(CloseReason.ProtocolViolation, false);
  }

  /** nats-server's handleLeafNodeLoop: -ERR (when we found it), log, close; a solicited side waits 30 s before trying again. */
  loopDetected(sendErr: boolean): void {
    this.remote?.setConnectDelay(LEAF_DELAY_AFTER_LOOP);
    const text = `Loop detected for leafnode account=${JSON.stringify(this.account.name)}. Delaying attempt to reconnect for ${LEAF_DELAY_AFTER_LOOP / 1000}s`;
    if (sendErr) this.sendErr(text);
    this.server.log('ERR', `${this.describe()} - ${text}`);
    this.close(CloseReason.ProtocolViolation, true);
  }

  /** nats-server's leafPermViolation: a hub refuses, a spoke only ignores (the hub told it its permissions). */
  private permViolation(subject: string): void {
    if (this.isSpokeLeaf) return;
    this.remote?.setConnectDelay(LEAF_DELAY_AFTER_PERM_VIOLATION);
    this.sendErr(`Permissions Violation for Subscription to ${JSON.stringify(subject)}`);
    this.server.log('ERR', `${this.describe()} - Subscription Violation on ${JSON.stringify(subject)} - Check other side configuration`);
    this.close(CloseReason.ProtocolViolation, true);
  }

  override onRemoteErr(message: string): void {
    const text = message.replace(/^'|'$/g, '');
    this.server.log('ERR', `${this.describe()} - Leafnode Error '${text}'`);
    if (text.includes(ERR_LEAF_SAME_CLUSTER)) this.remote?.setConnectDelay(LEAF_DELAY_AFTER_SAME_CLUSTER);
    else if (text.includes('Loop detected')) this.remote?.setConnectDelay(LEAF_DELAY_AFTER_LOOP);
    else if (text.startsWith('Permissions Violation')) this.remote?.setConnectDelay(LEAF_DELAY_AFTER_PERM_VIOLATION);
    this.close(CloseReason.ProtocolViolation, false);
  }

  // ---- LeafzConn ----

  remoteSubjects(): string[] {
    const out: string[] = [];
    for (const rs of this.remoteSubs.values()) if (rs.subs.length > 0) out.push(rs.subs[0]!.subject);
    return out;
  }

  // ---- close ----

  protected onClosed(reason: CloseReason): void {
    this.clearTimer();
    if (this.registered) {
      this.registered = false;
      this.account.removeLeafNode();
      this.nodes.removed(this);
      this.server.events?.leafsChanged?.(this.account);
    }
    this.server.log('INF', `${this.describe()} - Leafnode connection closed: ${reason}`);
    this.remote?.disconnected();
  }

  /** `<ip>:<port> - lid:<n>` as nats-server prefixes leaf log lines. */
  override describe(): string {
    const who = this.remoteServer ? ` - "${this.remoteServer}"` : '';
    return `${this.ip}:${this.port} - lid:${this.cid}${who}`;
  }

  private arm(ms: number, fn: () => void): void {
    this.clearTimer();
    this.timer = setTimeout(fn, ms);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly onAuthTimeout = (): void => {
    this.timer = null;
    if (this.closed || this.registered) return;
    this.sendErr(ERR_AUTH_TIMEOUT);
    this.close(CloseReason.AuthenticationTimeout, true);
  };

  private readonly onInfoTimeout = (): void => {
    this.timer = null;
    if (this.closed || this.infoReceived) return;
    this.server.log('ERR', `${this.describe()} - no INFO from the remote within ${INFO_WAIT} ms`);
    this.close(CloseReason.ReadError, false);
  };

  private readonly onConnectProcessTimeout = (): void => {
    this.timer = null;
    if (this.closed || this.registered) return;
    this.server.log('DBG', `${this.describe()} - Stale Leaf Node Connection - Closing`);
    this.sendErr('Stale Leaf Node Connection - Closing');
    this.close(CloseReason.StaleConnection, true);
  };
}

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}
