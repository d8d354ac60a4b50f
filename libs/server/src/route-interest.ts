import type { Account } from '@switchboard/accounts';
import { LEAF, ROUTER } from './conn-kind.js';
import type { InterestListener } from './interest.js';
import type { Subscription } from './subscription.js';

/** Where interest changes go: each route connection. */
export interface InterestSink {
  /** `weight` > 0: RS+ (a queue group with that many members here); 0: RS-. */
  sendInterest(account: string, subject: string, queue: string, weight: number): void;
}

/**
 * This node's interest as its routes see it (nats-server's per-account `rm` map): how many local
 * subscriptions (clients, internal ones, stream-import shadows, hub-side leaf nodes) hold each
 * `subject[ queue]` in each account. A plain subject is announced once (RS+ on 0→1, RS- on 1→0);
 * a queue group's weight on every change, so the other nodes pick among members fairly. What a
 * route brought is never announced to another route (one hop).
 */
export class RouteInterest implements InterestListener {
  private readonly rm = new Map<Account<Subscription>, Map<string, number>>();
  readonly sinks = new Set<InterestSink>();

  subscriptionChanged(account: Account<Subscription>, sub: Subscription, delta: 1 | -1): void {
    const c = sub.client;
    if (c.kind === ROUTER || (c.kind === LEAF && c.isSpokeLeaf)) return;
    let m = this.rm.get(account);
    if (m === undefined) {
      if (delta < 0) return;
      this.rm.set(account, (m = new Map()));
    }
    const queue = sub.queue;
    const key = queue === '' ? sub.subject : `${sub.subject} ${queue}`;
    const before = m.get(key) ?? 0;
    const n = before + delta;
    if (n <= 0) {
      if (before === 0) return;
      m.delete(key);
    } else {
      m.set(key, n);
    }
    if (queue === '' && before > 0 && n > 0) return;
    for (const s of this.sinks) s.sendInterest(account.name, sub.subject, queue, Math.max(0, n));
  }

  /** Everything held now, for a route that just connected: (account, subject, queue, weight). */
  forEach(fn: (account: string, subject: string, queue: string, weight: number) => void): void {
    for (const [account, m] of this.rm) {
      for (const [key, n] of m) {
        const sp = key.indexOf(' ');
        if (sp < 0) fn(account.name, key, '', n);
        else fn(account.name, key.slice(0, sp), key.slice(sp + 1), n);
      }
    }
  }
}

/** The RS+/RS- line for one interest change (weight 0 = RS-). */
export function interestLine(account: string, subject: string, queue: string, weight: number): string {
  if (weight <= 0) return queue === '' ? `RS- ${account} ${subject}\r\n` : `RS- ${account} ${subject} ${queue}\r\n`;
  return queue === '' ? `RS+ ${account} ${subject}\r\n` : `RS+ ${account} ${subject} ${queue} ${weight}\r\n`;
}
