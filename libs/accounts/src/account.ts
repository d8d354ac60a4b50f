import { Sublist, type SubscriptionLike } from '@switchboard/subjects';
import type { Import } from '@switchboard/nats-jwt';
import type { ServiceExport, StreamExport } from './export.js';
import type { ServiceImport, StreamImport } from './import.js';
import { UNLIMITED, type AccountLimits } from './limits.js';
import { Responses } from './service-import.js';

/** nats-server's name for the account that clients land in when no account is configured. */
export const GLOBAL_ACCOUNT = '$G';

/**
 * An isolated subject space: every account routes through its own sublist, so two accounts
 * never see each other's messages except through an export that the other one imports.
 */
export class Account<S extends SubscriptionLike = SubscriptionLike> {
  readonly sublist = new Sublist<S>();
  limits: AccountLimits;
  /** Connections currently bound to this account. */
  numConnections = 0;

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
  ) {
    this.limits = { ...UNLIMITED, ...limits };
  }

  /** Whether a publish here may leave the account (checked before any cross-account work). */
  get crosses(): boolean {
    return this.serviceImports !== null || this.responses !== null;
  }
}
