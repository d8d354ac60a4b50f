/** What the pinger needs from its connection. */
export interface PingTarget {
  /** Last inbound activity (ms since epoch). */
  readonly lastActivity: number;
  sendPing(): void;
  /** Too many PINGs unanswered: `-ERR 'Stale Connection'` and close. */
  staleConnection(): void;
}

/** First server PING comes early to measure RTT (nats-server's firstClientPingInterval). */
const FIRST_PING_INTERVAL = 2_000;

/**
 * Server-side PINGs as nats-server sends them: every ping_interval unless the client showed
 * within it that it is alive (data or its own PING); more than ping_max unanswered is stale.
 * Also measures RTT from PING to PONG.
 */
export class Pinger {
  private outstanding = 0;
  private sentAt = 0;
  private lastPingIn = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly target: PingTarget,
    private readonly interval: number,
    private readonly maxOut: number,
  ) {}

  /** (Re)starts the cycle with the short first interval (at connect and at CONNECT). */
  start(): void {
    this.schedule(Math.min(FIRST_PING_INTERVAL, this.interval));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The client sent PING: it is alive. */
  pingReceived(): void {
    this.lastPingIn = Date.now();
  }

  /** The client answered; returns the RTT in ms, or -1 when no PING of ours was pending. */
  pongReceived(): number {
    this.outstanding = 0;
    if (this.sentAt === 0) return -1;
    const rtt = performance.now() - this.sentAt;
    this.sentAt = 0;
    return rtt;
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(this.onTimer, delay);
    this.timer.unref();
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    const now = Date.now();
    const recent = now - this.target.lastActivity < this.interval || now - this.lastPingIn < this.interval;
    if (!recent) {
      if (this.outstanding + 1 > this.maxOut) return this.target.staleConnection();
      this.outstanding++;
      this.sentAt = performance.now();
      this.target.sendPing();
    }
    this.schedule(this.interval);
  };
}
