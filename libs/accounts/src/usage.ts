/**
 * One account's traffic on this server since it started: plain number fields bumped on the
 * routing path (no allocation), read by monitoring and the usage events. Cumulative, never
 * reset, so a collector can take deltas between two samples of the same server.
 */
export class AccountUsage {
  /** Messages and payload bytes published by the account's clients (nats-server's "received"). */
  inMsgs = 0;
  inBytes = 0;
  /** Messages and payload bytes delivered to the account's clients (nats-server's "sent"). */
  outMsgs = 0;
  outBytes = 0;
  /** Client connections ever bound to the account. */
  totalConnections = 0;
  /** Connections of the account cut as slow consumers. */
  slowConsumers = 0;
  /** Time (ms) the account's publishers spent paused by flow control or rate limits. */
  throttledMs = 0;

  /** A client of the account published a message (payload `bytes`). */
  published(bytes: number): void {
    this.inMsgs++;
    this.inBytes += bytes;
  }

  /** A message was delivered to a client of the account (payload `bytes`). */
  delivered(bytes: number): void {
    this.outMsgs++;
    this.outBytes += bytes;
  }

  /** A connection was bound to the account (counted once per connection). */
  connected(): void {
    this.totalConnections++;
  }

  /** A connection of the account was cut as a slow consumer. */
  slowConsumer(): void {
    this.slowConsumers++;
  }

  /** A publisher of the account was paused from `since` (performance.now()) until now. */
  throttledSince(since: number): void {
    this.throttledMs += performance.now() - since;
  }
}

/** A point-in-time copy of an account's usage with its current gauges, as events carry it. */
export interface UsageSnapshot {
  inMsgs: number;
  inBytes: number;
  outMsgs: number;
  outBytes: number;
  totalConnections: number;
  slowConsumers: number;
  throttledMs: number;
  /** Connections bound now. */
  connections: number;
  /** Subscriptions held now. */
  subscriptions: number;
}

export function usageSnapshot(u: AccountUsage, connections: number, subscriptions: number): UsageSnapshot {
  return {
    inMsgs: u.inMsgs,
    inBytes: u.inBytes,
    outMsgs: u.outMsgs,
    outBytes: u.outBytes,
    totalConnections: u.totalConnections,
    slowConsumers: u.slowConsumers,
    throttledMs: Math.round(u.throttledMs),
    connections,
    subscriptions,
  };
}
