// nats-server's response permissions (`allow_responses` in a config user, `resp` in a user JWT):
// a client that received a request may publish to its reply subject, at most `maxMsgs` times
// within `ttlMs`, even where its publish permissions say no.

export interface ResponsePermission {
  /** Replies allowed per request; 0 = no limit. */
  maxMsgs: number;
  /** How long after the request a reply is allowed (ms); 0 = no limit. */
  ttlMs: number;
}

/** nats-server's defaults for `allow_responses: true`. */
export const DEFAULT_RESPONSE_PERMISSION: Readonly<ResponsePermission> = Object.freeze({ maxMsgs: 1, ttlMs: 2 * 60_000 });

/** Above this many tracked replies, expired ones are swept (nats-server prunes its map too). */
const SWEEP_AT = 4096;

/** The reply subjects one connection may answer. */
export class ReplyPermits {
  private readonly replies = new Map<string, { at: number; n: number }>();

  constructor(readonly perm: ResponsePermission) {}

  /** A message with this reply subject was delivered to the connection. */
  track(reply: string, now: number): void {
    const r = this.replies.get(reply);
    if (r !== undefined) {
      r.at = now;
      r.n = 0;
      return;
    }
    if (this.replies.size >= SWEEP_AT) this.sweep(now);
    this.replies.set(reply, { at: now, n: 0 });
  }

  /** Counts one publish to `subject` as a reply; false once over max or past the ttl. */
  allow(subject: string, now: number): boolean {
    const r = this.replies.get(subject);
    if (r === undefined) return false;
    r.n++;
    const { maxMsgs, ttlMs } = this.perm;
    if ((maxMsgs > 0 && r.n > maxMsgs) || (ttlMs > 0 && now - r.at > ttlMs)) {
      this.replies.delete(subject);
      return false;
    }
    return true;
  }

  get size(): number {
    return this.replies.size;
  }

  private sweep(now: number): void {
    const ttl = this.perm.ttlMs;
    if (ttl > 0) for (const [k, r] of this.replies) if (now - r.at > ttl) this.replies.delete(k);
    // Without a ttl nothing expires: the oldest half goes, so the map stays bounded.
    if (this.replies.size >= SWEEP_AT) {
      let drop = this.replies.size / 2;
      for (const k of this.replies.keys()) {
        if (drop-- <= 0) break;
        this.replies.delete(k);
      }
    }
  }
}
