import { Sublist, type SubscriptionLike } from '@switchboard/subjects';
import { UNLIMITED, type AccountLimits } from './limits.js';

/** nats-server's name for the account that clients land in when no account is configured. */
export const GLOBAL_ACCOUNT = '$G';

/**
 * An isolated subject space: every account routes through its own sublist, so two accounts
 * never see each other's messages (imports/exports come with a later issue).
 */
export class Account<S extends SubscriptionLike = SubscriptionLike> {
  readonly sublist = new Sublist<S>();
  limits: AccountLimits;
  /** Connections currently bound to this account. */
  numConnections = 0;

  constructor(
    readonly name: string,
    limits: Partial<AccountLimits> = {},
  ) {
    this.limits = { ...UNLIMITED, ...limits };
  }
}
