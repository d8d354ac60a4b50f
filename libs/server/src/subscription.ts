import type { Account, StreamImport } from '@switchboard/accounts';
import type { SubscriptionLike } from '@switchboard/subjects';
import type { Client } from './client.js';

/** One SUB of one client; the object stored in the account's sublist. */
export class Subscription implements SubscriptionLike {
  /** Messages delivered (nats-server's `msgs` in /connz and /subsz). */
  delivered = 0;
  /** Auto-unsubscribe after this many messages; 0 = no limit. */
  max = 0;
  /** Set once removed, so deliveries already matched from a cached result are dropped. */
  closed = false;
  /** Shadows of this subscription in the accounts it imports streams from. */
  shadows: Subscription[] | null = null;
  /** A shadow: the stream import it serves and the subscription it delivers to. */
  imp: StreamImport<Account<Subscription>> | null = null;
  origin: Subscription | null = null;

  constructor(
    readonly client: Client,
    readonly subject: string,
    readonly queue: string,
    readonly sid: string,
  ) {}
}
