import { subjectMatches } from '@switchboard/subjects';
import type { HostHandler, HostSubscription, JsAccountHost, JsServerHost } from '@switchboard/jetstream';

/** One received message of the in-memory host. */
export interface HostMsg {
  subject: string;
  reply: string;
  hdr: string | null;
  data: string;
}

/**
 * An in-memory broker for unit tests: per-account subscriptions matched with the subjects lib,
 * queue groups pick one member, publishes are delivered synchronously (as the InternalClient does).
 */
export class MemoryHost implements JsServerHost {
  readonly serverName = 'test-server';
  readonly accounts = new Map<string, MemoryAccountHost>();
  clock = 0n;
  readonly logs: string[] = [];

  account(name: string): MemoryAccountHost {
    let a = this.accounts.get(name);
    if (!a) this.accounts.set(name, (a = new MemoryAccountHost(name)));
    return a;
  }
  now(): bigint {
    return this.clock === 0n ? BigInt(Date.now()) * 1_000_000n : this.clock;
  }
  log(level: string, message: string): void {
    this.logs.push(`[${level}] ${message}`);
  }
}

interface Sub {
  subject: string;
  queue: string;
  handler: HostHandler;
}

export class MemoryAccountHost implements JsAccountHost {
  private subs: Sub[] = [];
  private inboxN = 0;
  constructor(readonly account: string) {}

  subscribe(subject: string, handler: HostHandler, queue = ''): HostSubscription {
    const s: Sub = { subject, queue, handler };
    this.subs.push(s);
    return { unsubscribe: () => (this.subs = this.subs.filter((x) => x !== s)) };
  }

  subscribeViews(subject: string, handler: HostHandler, queue = ''): HostSubscription {
    return this.subscribe(subject, handler, queue);
  }

  publish(subject: string, reply: string, hdr: Uint8Array | null, data: Uint8Array): void {
    this.deliver(subject, subject, reply, hdr, data);
  }

  deliver(to: string, subject: string, reply: string, hdr: Uint8Array | null, data: Uint8Array | null): void {
    const queues = new Set<string>();
    for (const s of [...this.subs]) {
      if (!subjectMatches(s.subject, to)) continue;
      if (s.queue !== '') {
        if (queues.has(s.queue)) continue;
        queues.add(s.queue);
      }
      s.handler(subject, reply, hdr && hdr.length > 0 ? Buffer.from(hdr) : null, Buffer.from(data ?? new Uint8Array(0)));
    }
  }

  /** Publishes and resolves with the first reply (like a client's request). */
  request(subject: string, body: string | object = '', hdr: string | null = null, timeoutMs = 2000): Promise<HostMsg> {
    const inbox = `_INBOX.t${this.inboxN++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.unsubscribe();
        reject(new Error(`no reply on ${subject}`));
      }, timeoutMs);
      const sub = this.subscribe(inbox, (s, r, h, d) => {
        clearTimeout(timer);
        sub.unsubscribe();
        resolve({ subject: s, reply: r, hdr: h ? h.toString() : null, data: d.toString() });
      });
      const payload = typeof body === 'string' ? body : JSON.stringify(body);
      this.publish(subject, inbox, hdr ? Buffer.from(hdr) : null, Buffer.from(payload));
    });
  }

  /** request() that parses a JSON reply. */
  async json(subject: string, body: string | object = '', hdr: string | null = null): Promise<Record<string, any>> {
    return JSON.parse((await this.request(subject, body, hdr)).data) as Record<string, any>;
  }

  hasInterest(subject: string): boolean {
    return this.subs.some((s) => subjectMatches(s.subject, subject));
  }
}
