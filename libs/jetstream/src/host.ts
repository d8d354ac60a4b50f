/**
 * What JetStream needs from the broker, per account: nats-server's internal client in that
 * account, reduced to three calls and a clock. The broker implements it with libs/server's
 * InternalClient; unit tests implement it in memory. Nothing else of the broker is visible here,
 * so the JetStream code can later sit behind a route/replication layer unchanged.
 */

/**
 * A message delivered to an internal subscription. `hdr` is the raw header block
 * (`NATS/1.0\r\n...\r\n\r\n`) or null; both buffers are copies the handler may keep.
 */
export type HostHandler = (subject: string, reply: string, hdr: Buffer | null, data: Buffer) => void;

export interface HostSubscription {
  unsubscribe(): void;
}

export interface JsAccountHost {
  /** The account's name (public key in operator mode). */
  readonly account: string;
  /** Subscribe an internal handler in the account (wildcards allowed; `queue` for queue groups). */
  subscribe(subject: string, handler: HostHandler, queue?: string): HostSubscription;
  /**
   * As `subscribe`, but the buffers are views valid only during the call (no copy): for the
   * publish path of streams, which stores (copies) synchronously.
   */
  subscribeViews(subject: string, handler: HostHandler, queue?: string): HostSubscription;
  /** Publish into the account, as a client of the account would (imports/exports apply). */
  publish(subject: string, reply: string, hdr: Uint8Array | null, data: Uint8Array): void;
  /**
   * Publish routed on `to` but shown to the subscriber with `subject` (nats-server's pa.deliver:
   * a consumer's delivery carries the stream message's own subject). `data` null = empty.
   */
  deliver(to: string, subject: string, reply: string, hdr: Uint8Array | null, data: Uint8Array | null): void;
  /** Is anyone in the account subscribed to a subject matching `subject`? (push consumers' interest) */
  hasInterest(subject: string): boolean;
  log?(level: 'INF' | 'WRN' | 'ERR', text: string): void;
}

/** Server-wide part of the host. */
export interface JsServerHost {
  /** The server's name (stream info's `cluster.leader`). */
  readonly serverName: string;
  /** The host of one account (made on first use). */
  account(name: string): JsAccountHost;
  /** Nanoseconds since the Unix epoch (stream timestamps, `created`). */
  now(): bigint;
  /** nats-server's log levels. */
  log(level: 'INF' | 'WRN' | 'ERR' | 'DBG', message: string): void;
}

/** The last reading of wallClockNs. */
let lastNs = 0n;

/**
 * Nanoseconds since the epoch from the wall clock, with sub-millisecond part from hrtime. The two
 * do not tick together: where hrtime's part wraps before Date.now() moves on, the sum would be up
 * to 1 ms earlier than the reading before it (a link's `active` came out negative, message times
 * out of order). Such a reading is 1 ns after the last one instead (readings stay distinct: a
 * stream's `created` tells an origin from one made again under its name); a real step back of
 * the wall clock (more than that) is followed.
 */
export function wallClockNs(): bigint {
  const ms = Date.now();
  const sub = process.hrtime.bigint() % 1_000_000n;
  const ns = BigInt(ms) * 1_000_000n + sub;
  if (ns <= lastNs && lastNs - ns < 1_000_000n) return (lastNs += 1n);
  return (lastNs = ns);
}
