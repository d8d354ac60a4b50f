import type { Account } from '@switchboard/accounts';
import {
  applyAccountLimits,
  consumerDetailJSON,
  DEFAULT_TIERS,
  JetStream,
  jsLimitsFromClaims,
  streamInfoJSON,
  wallClockNs,
  type HostHandler,
  type HostSubscription,
  type JetStreamOptions,
  type JsAccountHost,
  type JsLimitTiers,
  type JsServerHost,
  type JwtJetStreamLimits,
} from '@switchboard/jetstream';
import { decode, type AccountClaims } from '@switchboard/nats-jwt';
import { SYSTEM_ACCOUNT } from './constants.js';
import type { InternalClient } from './internal-client.js';
import { resolveStoreDir, type AccountJetStreamLimits, type JetStreamServerOptions } from './jetstream-options.js';
import type { Server } from './server.js';
import type { Subscription } from './subscription.js';

/**
 * The broker side of JetStream: the host @switchboard/jetstream talks to (each account's
 * InternalClient), and which accounts have JetStream. As nats-server 2.9: with no configured
 * accounts the global account has it; otherwise the accounts whose config says `jetstream`
 * (operator mode: the account JWT's limits, applied by `setAccountEnabled`). Every other
 * account answers `$JS.API.INFO` with 10039 and nothing else (nats-server gives such accounts
 * only the INFO import).
 */
export class ServerJetStream implements JsServerHost {
  readonly js: JetStream;
  private readonly hosts = new Map<string, AccountHost>();
  // For /jsz (jsz.ts), which may not import @switchboard/jetstream's code itself: a broker
  // loads it (~4 MB resident with stream-store) only when JetStream is on.
  readonly streamInfoJSON = streamInfoJSON;
  readonly consumerDetailJSON = consumerDetailJSON;

  constructor(
    private readonly server: Server,
    readonly opts: JetStreamServerOptions,
    extra: Pick<JetStreamOptions, 'apis' | 'consumers'> = {},
  ) {
    this.js = new JetStream(this, {
      storeDir: resolveStoreDir(opts),
      maxMemory: opts.maxMemory,
      maxStore: opts.maxStore,
      sync: opts.syncInterval,
      domain: opts.domain,
      ...extra,
    });
  }

  get serverName(): string {
    return this.server.name;
  }

  now(): bigint {
    return wallClockNs();
  }

  log(level: 'INF' | 'WRN' | 'ERR' | 'DBG', message: string): void {
    this.server.log(level, message);
  }

  account(name: string): JsAccountHost {
    let h = this.hosts.get(name);
    if (h === undefined) this.hosts.set(name, (h = new AccountHost(name, this.server.internalClient(this.server.registerAccount(name)))));
    return h;
  }

  /** Sets up every account known now (config accounts, $G); later ones come through `accountRegistered`. */
  start(): void {
    const o = this.server.opts;
    this.log('INF', 'Starting JetStream');
    this.log('INF', `  Max Memory:      ${this.js.maxMemory} B`);
    this.log('INF', `  Max Storage:     ${this.js.maxStore} B`);
    this.log('INF', `  Store Directory: "${this.js.storeDir}"`);
    const globalOnly = o.operators.length === 0 && o.accounts.length === 0;
    for (const acc of this.server.accounts.values()) this.accountRegistered(acc, globalOnly);
  }

  /** A new account: JetStream on (per config) or the 10039-only INFO. */
  accountRegistered(acc: Account<Subscription>, globalOnly = this.server.opts.operators.length === 0 && this.server.opts.accounts.length === 0): void {
    const name = acc.name;
    if (name === SYSTEM_ACCOUNT || name === this.server.opts.systemAccount || this.js.accounts.has(name)) return;
    const cfg = this.server.opts.accounts.find((a) => a.name === name)?.jetstream;
    let tiers: JsLimitTiers | null = null;
    if (cfg) tiers = cfg.enabled ? new Map([['', tierFromConfig(cfg.limits)]]) : null;
    else if (globalOnly && name === this.server.globalAccount.name) tiers = DEFAULT_TIERS;
    this.js.account(name, false);
    if (tiers !== null) this.settle(applyAccountLimits(this.js, name, tiers), name);
  }

  /**
   * Operator mode: an account JWT was resolved or updated; its JetStream limits (or their
   * absence) apply now, as a claims update does on nats-server. Applied synchronously up to the
   * account's recovery, so the connection that brought the JWT finds JetStream on.
   */
  accountJwt(name: string, jwt: string): void {
    let claims: AccountClaims;
    try {
      claims = decode(jwt).claims as AccountClaims;
    } catch {
      return;
    }
    const limits = (claims.nats as { limits?: JwtJetStreamLimits & { tiered_limits?: Record<string, JwtJetStreamLimits> } }).limits;
    this.settle(applyAccountLimits(this.js, name, jsLimitsFromClaims(limits)), name);
  }

  private settle(p: Promise<unknown>, name: string): void {
    p.catch((e: unknown) => this.log('ERR', `JetStream limits of account ${name}: ${(e as Error)?.message ?? String(e)}`));
  }

  /** Operator mode (account JWT limits) or a config reload: turns an account's JetStream on or off. */
  setAccountEnabled(name: string, enabled: boolean): Promise<void> {
    return this.js.setEnabled(name, enabled);
  }

  /** Flushes and closes every stream (server shutdown). */
  stop(): Promise<void> {
    return this.js.stop();
  }

  /** /varz `jetstream`: nats-server's JetStreamVarz (config, stats). */
  varz(): Record<string, unknown> {
    const js = this.js;
    let total = 0;
    let errors = 0;
    let accounts = 0;
    for (const a of js.accounts.values()) {
      if (!a.enabled) continue;
      accounts++;
      total += a.api.total;
      errors += a.api.errors;
    }
    const config: Record<string, unknown> = { max_memory: js.maxMemory, max_storage: js.maxStore, store_dir: js.storeDir };
    if (js.domain) config.domain = js.domain;
    return {
      config,
      stats: {
        memory: js.memUsed,
        storage: js.storeUsed,
        reserved_memory: js.memReserved,
        reserved_storage: js.storeReserved,
        accounts,
        ha_assets: 0,
        api: { total, errors },
      },
    };
  }
}

/** A config-file account's `jetstream { }` limits in libs/jetstream's terms. */
function tierFromConfig(l: AccountJetStreamLimits) {
  return {
    maxMemory: l.max_memory,
    maxStore: l.max_storage,
    maxStreams: l.max_streams,
    maxConsumers: l.max_consumers,
    maxAckPending: l.max_ack_pending,
    memoryMaxStreamBytes: l.memory_max_stream_bytes,
    storeMaxStreamBytes: l.storage_max_stream_bytes,
    maxBytesRequired: l.max_bytes_required,
  };
}

class AccountHost implements JsAccountHost {
  constructor(
    readonly account: string,
    private readonly client: InternalClient,
  ) {}

  subscribe(subject: string, handler: HostHandler, queue = ''): HostSubscription {
    const sub = this.client.subscribeMsg(subject, queue, handler, false);
    return { unsubscribe: () => this.client.unsubscribe(sub) };
  }

  subscribeViews(subject: string, handler: HostHandler, queue = ''): HostSubscription {
    const sub = this.client.subscribeMsg(subject, queue, handler, true);
    return { unsubscribe: () => this.client.unsubscribe(sub) };
  }

  publish(subject: string, reply: string, hdr: Uint8Array | null, data: Uint8Array): void {
    this.client.publishMsg(subject, subject, reply, hdr, data);
  }

  deliver(to: string, subject: string, reply: string, hdr: Uint8Array | null, data: Uint8Array | null): void {
    this.client.publishMsg(to, subject, reply, hdr, data);
  }

  hasInterest(subject: string): boolean {
    return this.client.account.sublist.hasInterest(subject);
  }

  log(level: 'INF' | 'WRN' | 'ERR', text: string): void {
    this.client.server.log(level, text);
  }
}
