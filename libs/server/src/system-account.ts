import { decode, findSigningKey, isRevoked, type AccountClaims } from '@switchboard/nats-jwt';
import type { AccountResolver, AccountUpdate } from '@switchboard/resolver';
import { limitsFromClaims, type Account } from '@switchboard/accounts';
import type { Client } from './client.js';
import { ConnsTracking } from './conns-tracking.js';
import { CloseReason } from './errors.js';
import { connectEvent, connectSubject, disconnectEvent, disconnectSubject, serverInfo } from './events.js';
import type { InternalClient } from './internal-client.js';
import type { Subscription } from './subscription.js';
import type { JwtExportsImports } from './jwt-exports-imports.js';
import type { Server, ServerEvents } from './server.js';
import { UsageEvents } from './usage-events.js';

// The system account in operator mode (nats-server's events.go, reduced): claims updates and
// lookups on `$SYS.REQ...`, connect/disconnect advisories, what an account's new JWT does to its
// connections (revoked users are cut at once), and the cluster's account connection counts
// (conns-tracking.ts).

const UPDATE_NEW = '$SYS.REQ.ACCOUNT.*.CLAIMS.UPDATE';
const UPDATE_OLD = '$SYS.ACCOUNT.*.CLAIMS.UPDATE';
const UPDATE_ANY = '$SYS.REQ.CLAIMS.UPDATE';
const LOOKUP = '$SYS.REQ.ACCOUNT.*.CLAIMS.LOOKUP';

export class SystemAccount implements ServerEvents {
  private readonly client: InternalClient;
  private seq = 0;
  private readonly unsubscribe: () => void;
  private readonly usage: UsageEvents;
  private readonly conns: ConnsTracking;

  constructor(
    private readonly server: Server,
    readonly pubkey: string,
    private readonly resolver: AccountResolver,
    private readonly exportsImports: JwtExportsImports | null = null,
  ) {
    this.client = server.internalClient(server.registerAccount(pubkey));
    // nats-server 2.9's MEMORY resolver takes updates per account (of accounts in use) only and
    // answers no lookups: matched. Its directory resolvers also take `$SYS.REQ.CLAIMS.UPDATE` and
    // lookups; so does our URL resolver (its disk cache makes it a store, and the control plane's
    // propagation worker pushes there).
    const dir = resolver.kind !== 'MEMORY';
    this.client.subscribe(UPDATE_NEW, (subject, reply, msg) => this.settle(this.onUpdate(subject.split('.')[3]!, reply, msg, dir)));
    this.client.subscribe(UPDATE_OLD, (subject, reply, msg) => this.settle(this.onUpdate(subject.split('.')[2]!, reply, msg, dir)));
    if (dir) {
      this.client.subscribe(UPDATE_ANY, (_s, reply, msg) => this.settle(this.onUpdate('', reply, msg, dir)));
      this.client.subscribe(LOOKUP, (subject, reply) => this.settle(this.onLookup(subject.split('.')[3]!, reply)));
    }
    this.unsubscribe = resolver.onUpdate((u) => this.accountUpdated(u));
    this.usage = new UsageEvents(
      server,
      (subject, body) => this.client.publish(subject, '', body),
      () => ++this.seq,
    );
    this.conns = new ConnsTracking(server, this.client, () => ++this.seq);
    server.events = this;
  }

  /** A request handler's failure is logged, never left as an unhandled rejection. */
  private settle(p: Promise<void>): void {
    p.catch((err: unknown) => this.server.log('ERR', `system account request failed: ${(err as Error)?.message ?? String(err)}`));
  }

  stop(): void {
    this.unsubscribe();
    this.usage.stop();
    this.conns.stop();
    this.client.stopInternal();
    if (this.server.events === this) this.server.events = null;
  }

  // ---- events ----

  clientConnected(c: Client): void {
    if (c.server !== this.server) return;
    this.usage.connsChanged(c.account);
    this.client.publish(connectSubject(c.account.name), '', connectEvent(this.server, ++this.seq, c));
  }

  leafsChanged(account: Account<Subscription>): void {
    this.usage.connsChanged(account);
  }

  accountRegistered(account: Account<Subscription>): void {
    this.conns.accountRegistered(account);
  }

  serverShutdown(): void {
    this.conns.shutdown();
  }

  clientClosed(c: Client): void {
    this.usage.connsChanged(c.account);
    this.client.publish(disconnectSubject(c.account.name), '', disconnectEvent(this.server, ++this.seq, c));
  }

  // ---- claims ----

  /** An account's JWT changed (claims update or resolver refetch): apply it to its connections. */
  accountUpdated(u: AccountUpdate): void {
    // Rates and subscription limits apply from the next read or SUB; a lower `conn` from the
    // next connection (nats-server 2.9 keeps those already in, checked).
    const account = this.server.accounts.get(u.pubkey);
    if (account) {
      account.setLimits(limitsFromClaims(u.claims.nats));
      account.jwt = u.jwt;
      this.server.jetstream?.accountJwt(u.pubkey, u.jwt);
      account.updated = new Date();
      void this.exportsImports?.updated(u.pubkey, u.jwt, u.claims);
    }
    const revocations = u.claims.nats.revocations;
    const limits = u.claims.nats.limits;
    // Leaf connections authenticated by a user JWT are the account's too (nats-server's a.clients).
    for (const c of [...this.server.clients.values(), ...this.server.remotes]) {
      const id = c.jwt;
      if (id === null || c.account.name !== u.pubkey) continue;
      if (revocations && isRevoked(revocations, id.userKey, id.issuedAt)) {
        this.server.log('INF', `${c.describe()} - user ${id.userKey} revoked by a new JWT of account ${u.pubkey}`);
        c.auth.revoke();
      } else if (id.issuer !== u.pubkey && findSigningKey(u.claims.nats, id.issuer) === undefined) {
        // As nats-server: the user's signing key is gone from the account; closed without a message.
        this.server.log('INF', `${c.describe()} - user ${id.userKey} closed: signing key ${id.issuer} removed from account ${u.pubkey}`);
        c.close(CloseReason.AuthenticationViolation, true);
        this.server.flushPending();
      } else {
        c.setJwtLimits(lowerLimit(id.userSubs, limits?.subs), lowerLimit(id.userPayload, limits?.payload));
        const exp = u.claims.exp ? u.claims.exp * 1000 : 0;
        if (exp !== id.accountExpiresAt) c.auth.setAccountExpiry(exp);
      }
    }
  }

  private async onUpdate(pathKey: string, reply: string, msg: Buffer, dir: boolean): Promise<void> {
    const jwt = msg.toString('utf8').trim();
    if (jwt === '') return this.respond(reply, pathKey || 'n/a', 'jwt update error', 'request body is empty');
    let claims: AccountClaims;
    try {
      const d = decode(jwt);
      if (d.type !== 'account') throw new Error(`not an account JWT (${String(d.type).slice(0, 20)})`);
      claims = d.claims as AccountClaims;
    } catch (e) {
      return this.respond(reply, dir ? 'n/a' : pathKey, 'jwt update resulted in error', (e as Error).message);
    }
    const key = pathKey || claims.sub;
    if (claims.sub !== key) return this.respond(reply, key, 'jwt update resulted in error', 'subject does not match jwt content');
    // nats-server's memory resolver only updates accounts already in use.
    if (!dir && !this.server.accounts.has(key)) return this.respond(reply, key, 'jwt update skipped');
    const r = await this.resolver.store(key, jwt);
    if (r.status === 'rejected') {
      this.server.log('ERR', `jwt update resulted in error - ${key} - ${r.reason}`);
      return this.respond(reply, key, 'jwt update resulted in error', 'account validation failed');
    }
    this.respond(reply, key, 'jwt updated');
  }

  private async onLookup(key: string, reply: string): Promise<void> {
    if (!reply) return;
    let jwt: string | undefined;
    try {
      jwt = await this.resolver.fetch(key);
    } catch (e) {
      this.server.log('ERR', `claims lookup of ${key} failed: ${(e as Error).message}`);
    }
    // nats-server answers an unknown account with an empty message.
    this.client.publish(reply, '', jwt ?? '');
  }

  /** nats-server's ServerAPIResponse to a claims update (and its log line for errors). */
  private respond(reply: string, account: string, message: string, error?: string): void {
    if (error !== undefined) this.server.log('ERR', `${message} - ${account} - ${error}`);
    if (!reply) return;
    const body =
      error === undefined
        ? { data: { account, code: 200, message }, server: serverInfo(this.server, ++this.seq) }
        : { error: { account, code: 500, description: `${message} - ${error}` }, server: serverInfo(this.server, ++this.seq) };
    this.client.publish(reply, '', JSON.stringify(body));
  }
}

/** The lower of a user's and an account's limit; -1 = unlimited (an account's 0 means unset, as authorizeUser reads it). */
function lowerLimit(user: number, account: number | undefined): number {
  const a = typeof account === 'number' && account !== 0 ? account : -1;
  if (user < 0) return a;
  if (a < 0) return user;
  return Math.min(user, a);
}
