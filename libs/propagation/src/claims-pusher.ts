// Pushes account JWTs to brokers the way nats-server's own resolver is fed: a request on
// $SYS.REQ.ACCOUNT.<pubkey>.CLAIMS.UPDATE from a system-account user. The per-account subject,
// not $SYS.REQ.CLAIMS.UPDATE: nats-server 2.9 with a URL or MEMORY resolver answers only the
// per-account one. One connection per broker, shared by every job, so requests pipeline.
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { parseClaimsReply, type ClaimsReplyServer } from './claims-reply.js';

/** The subject a claims update for `account` is requested on. */
export function claimsUpdateSubject(account: string): string {
  return `$SYS.REQ.ACCOUNT.${account}.CLAIMS.UPDATE`;
}

export interface ClaimsPusherOptions {
  /** Contents of the system account user's .creds file. */
  creds: string | Uint8Array;
  /** Time allowed for one claims update to be answered (ms). */
  requestTimeoutMs?: number;
  /** Time allowed to open a connection to a broker (ms). */
  connectTimeoutMs?: number;
  /** Connection name shown in the broker's /connz. */
  name?: string;
}

export type PushOutcome =
  | { ok: true; broker: string; account: string; message: string; server?: ClaimsReplyServer }
  | { ok: false; broker: string; account: string; reason: string; code?: number };

export class ClaimsPusher {
  private readonly conns = new Map<string, Promise<NatsConnection>>();
  private readonly creds: Uint8Array;
  private readonly requestTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly name: string;
  private closed = false;

  constructor(opts: ClaimsPusherOptions) {
    this.creds = typeof opts.creds === 'string' ? new TextEncoder().encode(opts.creds) : opts.creds;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 5_000;
    this.name = opts.name ?? 'switchboard-worker';
  }

  /** Never throws: a broker that is down, slow or refuses the JWT gives `ok: false` with the reason. */
  async push(broker: string, account: string, jwt: string): Promise<PushOutcome> {
    let nc: NatsConnection;
    try {
      nc = await this.connection(broker);
    } catch (e) {
      return { ok: false, broker, account, reason: `cannot connect: ${message(e)}` };
    }
    let payload: Uint8Array;
    try {
      payload = (await nc.request(claimsUpdateSubject(account), jwt, { timeout: this.requestTimeoutMs })).data;
    } catch (e) {
      return { ok: false, broker, account, reason: `claims update request failed: ${message(e)}` };
    }
    const reply = parseClaimsReply(payload);
    if (!reply.ok) return { ok: false, broker, account, reason: reply.description, code: reply.code };
    if (reply.account !== account) {
      return { ok: false, broker, account, reason: `broker answered for account ${reply.account || '(none)'}` };
    }
    return { ok: true, broker, account, message: reply.message, ...(reply.server ? { server: reply.server } : {}) };
  }

  /** Drains every broker connection; later pushes fail. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.conns.values()];
    this.conns.clear();
    await Promise.all(
      pending.map(async (p) => {
        try {
          const nc = await p;
          await nc.drain();
        } catch {
          // never connected or already closed: nothing to drain
        }
      }),
    );
  }

  private connection(broker: string): Promise<NatsConnection> {
    if (this.closed) return Promise.reject(new Error('pusher is closed'));
    let p = this.conns.get(broker);
    if (p) return p;
    p = connect({
      servers: broker,
      name: this.name,
      authenticator: credsAuthenticator(this.creds),
      timeout: this.connectTimeoutMs,
      // Ride out a broker restart on the same connection (requests meanwhile time out and the job
      // retries); a broker gone for minutes (or removed from the list) gets its connection closed.
      reconnect: true,
      maxReconnectAttempts: 60,
      reconnectTimeWait: 2000,
    });
    this.conns.set(broker, p);
    p.then(
      (nc) => {
        void nc.closed().then(() => {
          if (this.conns.get(broker) === p) this.conns.delete(broker);
        });
      },
      () => {
        // A failed connect is forgotten so the next push (a retry) tries again.
        if (this.conns.get(broker) === p) this.conns.delete(broker);
      },
    );
    return p;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
