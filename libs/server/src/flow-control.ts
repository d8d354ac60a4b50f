import type { RateLimiter, Throttled } from '@switchboard/accounts';
import type { Client } from './client.js';
import { CLIENT } from './conn-kind.js';

/** How long a producer is paused for a consumer over half / over all of max_pending (nats-server's). */
const STALL_MIN = 100;
const STALL_MAX = 1_000;

/**
 * Why a client's socket is not being read: it published to a consumer that is backed up
 * (nats-server's stalled producers), or its account is over its publish rate (the account's
 * RateLimiter parks it). Also the producers held up by this client's own backlog. The time
 * spent paused is charged to the account's usage (throttled time). Nothing here runs per
 * message: routing calls `stallOn` only when a consumer passed its stall threshold.
 */
export class FlowControl implements Throttled {
  /** Paused until the consumer it published to drains (or the stall time passes). */
  stalled = false;
  /** Paused until the account is back under its publish rate. */
  rateLimited = false;
  /** Paused for the rest of this event-loop turn after reading its share (fairness). */
  yielded = false;
  /** Producers paused because of this client's backlog; released when it drains or closes. */
  private producers: FlowControl[] | null = null;
  private stalledAt = 0;
  private rateLimitedAt = 0;
  private stallTimer: NodeJS.Timeout | null = null;

  constructor(private readonly client: Client) {}

  /**
   * This client published to `consumer`, whose pending bytes passed half of max_pending. Stop
   * reading this client until the consumer drains, or for at most the stall time (then the
   * consumer may be cut as slow).
   */
  stallOn(consumer: Client): void {
    const c = this.client;
    // Only clients are held (nats-server 2.9's deliverMsg: `c.kind == CLIENT`): a paused route or
    // leaf connection would stop everything it carries, both ways, for every account on it.
    if (this.stalled || c.closed || consumer === c || c.kind !== CLIENT) return;
    this.stalled = true;
    this.stalledAt = performance.now();
    c.transport.pause();
    (consumer.flow.producers ??= []).push(this);
    const ttl = consumer.transportPending >= c.server.opts.maxPending ? STALL_MAX : STALL_MIN;
    this.stallTimer = setTimeout(this.onStallTimeout, ttl);
  }

  /** The account went over its publish rate after this client's read chunk. */
  throttle(rate: RateLimiter): void {
    if (this.rateLimited) return;
    this.rateLimited = true;
    this.rateLimitedAt = performance.now();
    this.client.transport.pause();
    rate.park(this);
  }

  /**
   * This connection has been read a lot since it last yielded, so more is likely waiting in the
   * socket: libuv would read up to 32 chunks (2 MiB) from this one connection before serving any
   * other. Stop reading it until the turn ends (Server.resumeAtTurnEnd), so one flooding
   * connection cannot hold the loop (nats-server gets the same from a goroutine per
   * connection). No rate limit involved: a lone flood runs at full speed.
   */
  yieldTurn(): void {
    if (this.yielded) return;
    this.yielded = true;
    this.client.transport.pause();
    this.client.server.resumeAtTurnEnd(this);
  }

  /** The turn ended: read again unless something else holds the socket. */
  endYield(): void {
    this.yielded = false;
    this.client.resumeReading();
  }

  /** The account is back under its publish rate (Throttled). */
  rateResume(): void {
    if (!this.rateLimited) return;
    this.rateLimited = false;
    this.client.account.usage.throttledSince(this.rateLimitedAt);
    this.client.resumeReading();
  }

  /** This client drained (or closed): the producers it held up may publish again. */
  releaseProducers(): void {
    const list = this.producers;
    if (list === null) return;
    this.producers = null;
    for (const p of list) p.unstall();
  }

  /** The client closed: timers stopped, its paused time charged, its producers released. */
  close(): void {
    const usage = this.client.account.usage;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    if (this.rateLimited) {
      this.client.account.rate?.unpark(this);
      usage.throttledSince(this.rateLimitedAt);
    }
    if (this.stalled) usage.throttledSince(this.stalledAt);
    this.releaseProducers();
  }

  private unstall(): void {
    if (!this.stalled) return;
    this.stalled = false;
    this.client.account.usage.throttledSince(this.stalledAt);
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    this.client.resumeReading();
  }

  private readonly onStallTimeout = (): void => {
    this.stallTimer = null;
    this.unstall();
  };
}
