import { Sublist, type SubscriptionLike } from '@switchboard/subjects';
import type { Import } from '@switchboard/nats-jwt';
import type { ServiceExport, StreamExport } from './export.js';
import type { ServiceImport, StreamImport } from './import.js';
import { UNLIMITED, type AccountLimits } from './limits.js';
import { RateLimiter } from './rate-limiter.js';
import { Responses } from './service-import.js';
import { AccountUsage } from './usage.js';

/** nats-server's name for the account that clients land in when no account is configured. */
export const GLOBAL_ACCOUNT = '$G';

/**
 * An isolated subject space: every account routes through its own sublist, so two accounts
 * never see each other's messages except through an export that the other one imports.
 */
export class Account<S extends SubscriptionLike = SubscriptionLike> {
  readonly sublist: Sublist<S>;
  limits: AccountLimits;
  /** Connections currently bound to this account (changed only through the methods below). */
  private conns = 0;
  private leafs = 0;
  /** Subscriptions of all its connections (for the account-wide limit). */
  private subs = 0;
  /** Publish rate limit; null when none (the read path checks only this). */
  rate: RateLimiter | null = null;
  /** Traffic counters since this server started (monitoring, usage events). */
  readonly usage = new AccountUsage();
  /** When this server registered the account or last took its JWT (nats-server's update_time in /accountz). */
  updated = new Date();
  /** Operator mode: the account JWT last applied ('' = none), for /accountz. */
  jwt = '';

  readonly streamExports = new Map<string, StreamExport>();
  readonly serviceExports = new Map<string, ServiceExport>();
  /** The imports as last declared (re-checked when an exporter changes). */
  declaredImports: readonly Import[] = [];
  /** Streams this account imports; subscriptions here shadow into the exporters. */
  streamImports: StreamImport<Account<S>>[] = [];
  /** Services this account imports, by local subject; null when there are none (hot path). */
  serviceImports: Sublist<ServiceImport<Account<S>>> | null = null;
  /** Replies of requests that came in through a service import; made on first use. */
  responses: Responses<Account<S>> | null = null;

  constructor(
    readonly name: string,
    limits: Partial<AccountLimits> = {},
    opts: { sublistCache?: boolean } = {},
  ) {
    this.sublist = new Sublist<S>({ cache: opts.sublistCache ?? true });
    this.limits = { ...UNLIMITED };
    this.setLimits(limits);
  }

  /** Applies new limits at once (a live update): the rate limiter is made, changed or dropped. */
  setLimits(limits: Partial<AccountLimits>): void {
    this.limits = { ...UNLIMITED, ...limits };
    const { rateMsgs, rateBytes } = this.limits;
    if (rateMsgs < 0 && rateBytes < 0) {
      this.rate?.stop();
      this.rate = null;
    } else if (this.rate === null) this.rate = new RateLimiter(rateMsgs, rateBytes);
    else this.rate.setRates(rateMsgs, rateBytes);
  }

  get numConnections(): number {
    return this.conns;
  }
  /** Leaf node connections bound here (either side: accepted from a leaf or made to a hub). */
  get numLeafNodes(): number {
    return this.leafs;
  }

  addLeafNode(): void {
    this.leafs++;
  }

  removeLeafNode(): void {
    this.leafs--;
  }
  get numSubscriptions(): number {
    return this.subs;
  }

  /** A connection was bound here, bringing `subs` subscriptions (made before it authenticated). */
  addConnection(subs = 0): void {
    this.conns++;
    this.subs += subs;
  }

  /** A connection left (closed, or bound to another account) with its `subs` subscriptions. */
  removeConnection(subs: number): void {
    this.conns--;
    this.subs -= subs;
  }

  addSubscription(): void {
    this.subs++;
  }

  removeSubscription(): void {
    this.subs--;
  }

  /** Whether a publish here may leave the account (checked before any cross-account work). */
  get crosses(): boolean {
    return this.serviceImports !== null || this.responses !== null;
  }
}
