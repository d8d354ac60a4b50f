import type { Account } from '@switchboard/accounts';
import type { Subscription } from './subscription.js';

/**
 * Told of every subscription added to (+1) or removed from (-1) an account's sublist, whoever
 * owns it (clients, the server's internal clients, stream-import shadows in the exporting
 * account, route and leaf connections): the cluster and leaf-node layers turn this into RS+/RS-
 * and LS+/LS- for their connections. Nothing registered (no cluster, no leaf nodes): no cost
 * beyond an empty loop per SUB/UNSUB, none per message.
 */
export interface InterestListener {
  subscriptionChanged(account: Account<Subscription>, sub: Subscription, delta: 1 | -1): void;
}
