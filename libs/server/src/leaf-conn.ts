import type { Account, Permissions } from '@switchboard/accounts';
import { RemoteParser, type RemoteOpHandler } from '@switchboard/protocol';
import type { AuthResult } from './auth.js';
import { ClientOutput } from './client-output.js';
import { PROTOCOL_VERSION } from './constants.js';
import { CloseReason, ERR_AUTHORIZATION, ERR_AUTH_TIMEOUT, ERR_MAX_ACCOUNT_CONNECTIONS, ERR_STALE_CONNECTION } from './errors.js';
import { authenticateLeaf } from './leaf-auth.js';
import {
  leafConnectInfoJson,
  leafConnectJson,
  leafInfoJson,
  parseHubInfo,
  parseLeafConnect,
  signWithCredentials,
  type HubInfo,
  type LeafConnect,
} from './leaf-handshake.js';
import { hubLeafPermissions, infoPermissions, spokeLeafPermissions } from './leaf-perms.js';
import { LEAF_DELAY_AFTER_LOOP, LEAF_DELAY_AFTER_PERM_VIOLATION, LEAF_DELAY_AFTER_SAME_CLUSTER, type LeafRemote } from './leaf-remote.js';
import type { LeafNodes } from './leaf-nodes.js';
import type { LeafzConn } from './leafz.js';
import { Pinger, type PingTarget } from './pinger.js';
import type { Server } from './server.js';
import type { Subscription } from './subscription.js';
import type { TlsConnState } from './tls-transport.js';
import type { Transport, TransportSink } from './transport.js';

const PING = Buffer.from('PING\r\n');
const PONG = Buffer.from('PONG\r\n');
/** nats-server's connectProcessTimeout: a hub that does not answer CONNECT in time is stale. */
const CONNECT_PROCESS_TIMEOUT = 2_000;
/** nats-server's DEFAULT_LEAFNODE_INFO_WAIT (the wait for the hub's first INFO). */
const INFO_WAIT = 1_000;

export const ERR_LEAF_SAME_CLUSTER = 'remote leafnode has same cluster name';
export const ERR_CLIENT_ON_LEAF_PORT = 'attempted to connect to leaf node port';
export const ERR_WRONG_PORT = 'attempted to connect to wrong port';

/**
 * One leaf node connection, on either side: accepted on the leaf port (this server is the
 * hub; the other side's CONNECT says who it is and binds it to one account) or made through
 * a `remotes` entry (this server is the leaf, a "spoke"; its account is the remote's).
 * Handshake, authentication, the account's `leaf` limit, permissions both ways, loop
 * detection and keep-alive are here; interest and messages go through the account as for
 * any remote connection.
 */
export class LeafConn extends ClientOutput implements RemoteOpHandler, TransportSink, PingTarget, LeafzConn {
  readonly kind = 'leaf' as const;
  account: Account<Subscription>;
  user = '';
  /** What may cross: `publish` what we send, `subscribe` what we take in (leaf-perms.ts). */
  leafPerms: Permissions | null = null;
  /** Solicited by a remote whose hub does not claim the hub role: this side is the spoke. */
  isSpoke: boolean;
  /** The other server: its name (or id), its cluster, from INFO (spoke) or CONNECT (hub). */
  remoteServer = '';
  remoteCluster = '';
  remoteId = '';
  /** Registered with its account and the server's leaf list (the handshake is done). */
  registered = false;
  inMsgs = 0;
  inBytes = 0;
  rtt = 0;
  lastActivity = Date.now();
  readonly start = new Date();
  private readonly startMono = performance.now();
  closeReason = '';
  readonly pinger: Pinger;
  private readonly parser: RemoteParser;
  private timer: NodeJS.Timeout | null = null;
  /** Inbound bytes kept while an asynchronous authentication runs (reading is paused meanwhile). */
  private held: Buffer[] | null = null;
  private nonce = '';
  private infoReceived = false;

  constructor(
    server: Server,
    readonly cid: number,
    transport: Transport,
    readonly nodes: LeafNodes,
    /** The remote this connection was made through; null when accepted. */
    readonly remote: LeafRemote | null,
    account: Account<Subscription>,
  ) {
    super(server, transport);
    this.account = account;
    this.isSpoke = remote !== null && !remote.opts.hub;
    this.parser = new RemoteParser(this, { leaf: true, maxPayload: server.opts.maxPayload });
    this.pinger = new Pinger(this, server.opts.pingInterval, server.opts.maxPingsOut);
    if (remote !== null) this.leafPerms = spokeLeafPermissions(null, null, remote.opts.denyImports, remote.opts.denyExports);
    transport.bind(this);
  }

  get ip(): string {
    return this.transport.remoteAddress;
  }
  get port(): number {
    return this.transport.remotePort;
  }
  get tls(): TlsConnState | null {
    return this.transport.tls ?? null;
  }
  get accountName(): string {
    return this.account.name;
  }
  get solicited(): boolean {
    return this.remote !== null;
  }

  /** Accepted side: INFO with a nonce, then the CONNECT must come within the auth timeout. */
  startAccepted(nonce: string): void {
    this.nonce = nonce;
    this.sendInfo(leafInfoJson(this.nodes.infoBase(), this.cid, nonce));
    this.flush();
    const ms = this.server.opts.leafnodes.authTimeout || this.server.opts.authTimeout;
    this.arm(ms, this.onAuthTimeout);
    this.server.log('INF', `${this.describe()} - Leafnode connection created`);
  }

  /** Solicited side: the hub speaks first. */
  startSolicited(): void {
    this.arm(INFO_WAIT, this.onInfoTimeout);
    this.server.log('INF', `${this.describe()} - Leafnode connection created for account: ${this.account.name}`);
  }

  // ---- TransportSink ----

  onData(chunk: Buffer): void {
    if (this.closed) return;
    if (this.held !== null) {
      this.held.push(Buffer.from(chunk));
      return;
    }
    this.lastActivity = Date.now();
    try {
      this.parser.parse(chunk);
    } catch (err) {
      this.server.log('ERR', `${this.describe()} - Internal error, closing: ${(err as Error).stack ?? String(err)}`);
      this.close(CloseReason.ProtocolViolation, false);
    }
    this.server.flushPending();
  }

  onDrain(): void {
    this.transportPending = this.transport.writableLength;
    this.writeBlockedSince = 0;
  }

  onClose(reason: CloseReason = CloseReason.ClientClosed, error = ''): void {
    if (error) this.server.log('ERR', `${this.describe()} - ${error}`);
    this.close(reason, false);
  }

  // ---- handshake ----

  onInfo(json: string): void {
    if (this.remote === null) return; // a hub ignores INFO from its leafs
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
      this.nonce = info.nonce;
      this.headers = info.headers;
      this.remoteServer = info.serverName || info.serverId;
      this.remoteId = info.serverId;
      this.remoteCluster = info.cluster;
    }
    if (info.leafnodeUrls !== null && info.leafnodeUrls.length > 0) this.remote.updateUrls(info.leafnodeUrls);
    if (info.imports !== null || info.exports !== null) {
      this.leafPerms = spokeLeafPermissions(info.imports, info.exports, this.remote.opts.denyImports, this.remote.opts.denyExports);
    }
    if (first) {
      if (info.tlsRequired && !this.tls) {
        this.server.log('ERR', `${this.describe()} - TLS required by the hub: not supported on leafnode remotes yet`);
        return this.close(CloseReason.TLSHandshakeError, false);
      }
      if (!this.sendConnect()) return;
      this.arm(CONNECT_PROCESS_TIMEOUT, this.onConnectProcessTimeout);
      // Servers before 2.9 answer CONNECT with nothing: finish at once (nats-server's info_on_connect).
      if (!info.infoOnConnect) return this.finishSolicited(info);
    }
    if (info.connectInfo && !this.registered) this.finishSolicited(info);
  }

  private sendConnect(): boolean {
    const r = this.remote!;
    let jwt = '';
    let sig = '';
    if (r.opts.credentials) {
      try {
        ({ jwt, sig } = signWithCredentials(r.opts.credentials, this.nonce));
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
      tlsRequired: this.tls !== null,
      serverId: this.server.id,
      domain: '',
      name: this.server.name,
      isHub: r.opts.hub,
      cluster: this.nodes.clusterName(),
      headers: true,
      jetstream: false,
      denyPub: r.opts.denyImports,
    });
    this.out.appendString(`CONNECT ${json}\r\n`);
    this.flush();
    return true;
  }

  /** Spoke: the hub accepted CONNECT (its INFO with connect_info): register and send our interest. */
  private finishSolicited(_info: HubInfo): void {
    this.clearTimer();
    if (this.closed || this.registered) return;
    const max = this.account.limits.maxLeafNodes;
    if (max >= 0 && this.account.numLeafNodes >= max) {
      this.server.log('ERR', `${this.describe()} - ${ERR_MAX_ACCOUNT_CONNECTIONS}`);
      this.sendErr(ERR_MAX_ACCOUNT_CONNECTIONS);
      return this.close(CloseReason.MaxAccountConnectionsExceeded, true);
    }
    this.register();
  }

  onConnect(json: string): void {
    if (this.remote !== null || this.registered || this.held !== null) return;
    const lc = parseLeafConnect(json);
    if (lc === null) return this.close(CloseReason.ProtocolViolation, false);
    let who: AuthResult | null | Promise<AuthResult | null>;
    try {
      who = authenticateLeaf(this.server.opts.leafnodes, this.server.auth, lc, this.nonce, this);
    } catch (err) {
      this.server.log('ERR', `${this.describe()} - authentication failed: ${(err as Error)?.message ?? String(err)}`);
      who = null;
    }
    if (!isPromise(who)) return this.accepted(lc, who);
    // Hold what follows CONNECT until we know the account (the auth timer keeps running).
    this.held = [];
    this.transport.pause();
    who.then(
      (r) => this.resume(lc, r),
      () => this.resume(lc, null),
    );
  }

  private resume(lc: LeafConnect, who: AuthResult | null): void {
    const held = this.held ?? [];
    this.held = null;
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
    // The account's `leaf` limit (nats-server's registerWithAccount: MaxTotalLeafNodesReached).
    const max = account.limits.maxLeafNodes;
    if (max >= 0 && account.numLeafNodes >= max) {
      server.log('ERR', `${this.describe()} - ${ERR_MAX_ACCOUNT_CONNECTIONS}`);
      this.sendErr(ERR_MAX_ACCOUNT_CONNECTIONS);
      return this.close(CloseReason.MaxAccountConnectionsExceeded, true);
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
    this.headers = lc.headers;
    this.remoteServer = lc.name;
    this.remoteId = lc.serverId;
    this.remoteCluster = lc.cluster;
    this.isSpoke = lc.isHub;
    const user = who.permissions?.config ?? null;
    this.leafPerms = hubLeafPermissions(user, lc.denyPub);
    const { imports, exports } = infoPermissions(user);
    this.sendInfo(leafConnectInfoJson(this.nodes.infoBase(), this.cid, account.name, imports, exports));
    this.register();
  }

  /** Both sides once bound: counted in the account, listed on the server, interest exchanged, pings on. */
  private register(): void {
    this.registered = true;
    this.account.addLeafNode();
    this.nodes.added(this);
    this.sendInitialInterest();
    this.pinger.start();
    this.flush();
  }

  // ---- interest and messages (through the account's sublist; see leaf-interest.ts) ----

  private sendInitialInterest(): void {
    this.nodes.sendInitialInterest(this);
  }

  onSub(_origin: string, _account: string, subject: string, queue: string, weight: number): void {
    if (!this.registered) return this.notRegistered('LS+');
    this.nodes.remoteSub(this, subject, queue, weight);
  }

  onUnsub(_account: string, subject: string, queue: string, key: string): void {
    if (!this.registered) return this.notRegistered('LS-');
    this.nodes.remoteUnsub(this, subject, queue, key);
  }

  onMsg(_origin: string, _account: string, subject: string, reply: string, queues: string, hdrLen: number, msg: Buffer): void {
    if (!this.registered) return this.notRegistered('LMSG');
    this.inMsgs++;
    this.inBytes += msg.length;
    this.server.inMsgs++;
    this.server.inBytes += msg.length;
    this.account.usage.published(msg.length);
    this.nodes.inboundMsg(this, subject, reply, queues, hdrLen, msg);
  }

  private notRegistered(op: string): void {
    this.server.log('ERR', `${this.describe()} - ${op} before the leafnode connection was set up`);
    this.close(CloseReason.ProtocolViolation, false);
  }

  /** The other side found its own loop-detection subject in our interest, or we found ours in its. */
  loopDetected(sendErr: boolean): void {
    const delay = this.remote !== null ? LEAF_DELAY_AFTER_LOOP : 0;
    this.remote?.setConnectDelay(LEAF_DELAY_AFTER_LOOP);
    const text = `Loop detected for leafnode account=${JSON.stringify(this.account.name)}. Delaying attempt to reconnect for ${formatSeconds(delay || LEAF_DELAY_AFTER_LOOP)}`;
    if (sendErr) this.sendErr(text);
    this.server.log('ERR', `${this.describe()} - ${text}`);
    this.close(CloseReason.ProtocolViolation, true);
  }

  /** A hub's answer to interest its leaf may not have (nats-server's leafPermViolation): -ERR, close. */
  permViolation(subject: string): void {
    if (this.isSpoke) return; // the hub told us our permissions: just do not send it
    this.sendErr(`Permissions Violation for Subscription to ${JSON.stringify(subject)}`);
    this.server.log('ERR', `${this.describe()} - Subscription Violation on ${JSON.stringify(subject)} - Check other side configuration`);
    this.close(CloseReason.ProtocolViolation, true);
  }

  onPing(): void {
    this.pinger.pingReceived();
    this.enqueue(PONG);
  }

  onPong(): void {
    const rtt = this.pinger.pongReceived();
    if (rtt >= 0) this.rtt = rtt;
  }

  onOk(): void {}

  onErr(message: string): void {
    const text = message.replace(/^'|'$/g, '');
    this.server.log('ERR', `${this.describe()} - Leafnode Error '${text}'`);
    if (text.includes(ERR_LEAF_SAME_CLUSTER)) this.remote?.setConnectDelay(LEAF_DELAY_AFTER_SAME_CLUSTER);
    else if (text.includes('Loop detected')) this.remote?.setConnectDelay(LEAF_DELAY_AFTER_LOOP);
    else if (text.startsWith('Permissions Violation')) this.remote?.setConnectDelay(LEAF_DELAY_AFTER_PERM_VIOLATION);
    this.close(CloseReason.ProtocolViolation, false);
  }

  onParseError(message: string, sendErr: boolean): void {
    if (sendErr) this.sendErr(message);
    else this.server.log('ERR', `${this.describe()} - Leafnode parser ERROR: ${message}`);
    this.close(CloseReason.ParseError, true);
  }

  // ---- PingTarget ----

  sendPing(): void {
    this.enqueue(PING);
    this.flush();
  }

  staleConnection(): void {
    this.server.log('DBG', `${this.describe()} - Stale Leaf Node Connection - Closing`);
    this.sendErr(ERR_STALE_CONNECTION);
    this.close(CloseReason.StaleConnection, true);
  }

  // ---- LeafzConn ----

  remoteSubjects(): string[] {
    return this.nodes.remoteSubjects(this);
  }

  // ---- close ----

  close(reason: CloseReason, flushFirst: boolean): void {
    if (this.closed) return;
    if (flushFirst) this.flush();
    if (this.closed) return;
    this.closed = true;
    this.parser.close();
    this.closeReason = reason;
    this.clearTimer();
    this.pinger.stop();
    if (this.registered) {
      this.account.removeLeafNode();
      this.nodes.removed(this);
    }
    this.server.log('INF', `${this.describe()} - Leafnode connection closed: ${reason}`);
    if (flushFirst) this.transport.end();
    else this.transport.destroy();
    this.out.release();
    this.remote?.disconnected();
  }

  /** `<ip>:<port> - lid:<n>` as nats-server prefixes leaf log lines. */
  describe(): string {
    const who = this.remoteServer ? ` - "${this.remoteServer}"` : '';
    return `${this.ip}:${this.port} - lid:${this.cid}${who}`;
  }

  get rttMs(): number {
    return this.rtt > 0 ? this.rtt : performance.now() - this.startMono;
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

/** Go's Duration String for whole seconds ("30s"). */
function formatSeconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}
