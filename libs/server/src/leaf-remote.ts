import { isIP } from 'node:net';
import { DEFAULT_LEAFNODE_PORT, type RemoteLeafOptions } from './leaf-options.js';
import type { ServerLog } from './log.js';
import { createTlsContext, DEFAULT_TLS_TIMEOUT, type TlsContext } from './tls-context.js';

/** Where to dial: from a remote's URL (nats-leaf://, nats://, tls://, user:pass@host:port). */
export interface LeafUrl {
  host: string;
  port: number;
  /** tls:// (or a remote `tls {}` block) asks for TLS. */
  tls: boolean;
  user: string;
  pass: string;
  /** As written, with any password replaced (for logs). */
  redacted: string;
}

/** Reads one URL of a remote; null when it cannot be read. */
export function parseLeafUrl(s: string): LeafUrl | null {
  const text = s.includes('://') ? s : `nats-leaf://${s}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return null;
  }
  const port = u.port === '' ? DEFAULT_LEAFNODE_PORT : Number(u.port);
  if (!u.hostname || !Number.isInteger(port)) return null;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  const redacted = pass ? text.replace(`:${u.password}@`, ':xxxxx@') : text;
  return { host, port, tls: u.protocol === 'tls:', user, pass, redacted };
}

/** Why a connection was refused in a way that makes nats-server wait before trying again. */
export const LEAF_DELAY_AFTER_LOOP = 30_000;
export const LEAF_DELAY_AFTER_PERM_VIOLATION = 30_000;
export const LEAF_DELAY_AFTER_SAME_CLUSTER = 30_000;

/** One dial attempt's outcome: connected (the connection reports its end later) or failed. */
export type DialResult = { ok: true } | { ok: false; error: string };

/**
 * One `remotes` entry's connect loop (nats-server's leafNodeCfg and connectToRemoteLeafNode):
 * a list of URLs tried in turn (shuffled unless no_randomize; the hub's INFO adds the URLs of
 * its cluster), a fixed reconnect interval between attempts while the hub is away, and a
 * longer one-off delay after a loop or a permissions refusal. Owns no socket: `dial` does.
 */
export class LeafRemote {
  /** Current URL list: the hub's gossiped ones first, then the configured ones. */
  private urls: LeafUrl[];
  private readonly configured: LeafUrl[];
  private current: LeafUrl | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** One-off delay before the next attempt (loop detected, permission violation). */
  private connectDelay = 0;
  private attempts = 0;
  private stopped = false;
  /** A connection is established or being set up: no other attempt until it ends. */
  private busy = false;
  private tlsCtx: TlsContext | null = null;
  /**
   * TLS whatever the hub says: a `tls { }` block, or a tls:// URL (nats-server 2.9 goes by the
   * block and the hub's INFO only; a tls:// URL is taken here as asking for TLS).
   */
  private readonly configuredTls: boolean;
  /** A hub said tls_required once: every later attempt uses TLS too (nats-server sets remote.TLS). */
  private hubTls = false;
  /** nats-server's tlsName: a host name from the configured URLs, checked when the URL dialled is an IP. */
  readonly tlsName: string;
  /** Credentials from the URL last dialled (user:pass@). */
  get url(): LeafUrl | null {
    return this.current;
  }

  constructor(
    readonly opts: RemoteLeafOptions,
    private readonly reconnectInterval: number,
    private readonly dial: (url: LeafUrl, remote: LeafRemote) => Promise<DialResult>,
    private readonly log: ServerLog,
  ) {
    this.configured = opts.urls.map(parseLeafUrl).filter((u): u is LeafUrl => u !== null);
    this.urls = [...this.configured];
    if (!opts.noRandomize) shuffle(this.urls);
    this.configuredTls = opts.tls !== null || this.configured.some((u) => u.tls);
    this.tlsName = this.configured.find((u) => isIP(u.host) === 0)?.host ?? '';
  }

  /** Whether the next connection does TLS after the hub's INFO, whatever that INFO says. */
  get wantsTls(): boolean {
    return this.configuredTls || this.hubTls;
  }

  /** The hub's INFO said tls_required. */
  hubRequiredTls(): void {
    this.hubTls = true;
  }

  /**
   * The client side's TLS context: the remote's `tls { }` (checked at config time), or with none
   * a default one (Node's root CAs, no certificate), made when a hub first asks for TLS.
   */
  tlsContext(): TlsContext {
    const t = this.opts.tls ?? { certFile: '', keyFile: '', caFile: '', verify: false, map: false, timeout: DEFAULT_TLS_TIMEOUT };
    return (this.tlsCtx ??= createTlsContext(t, 'client'));
  }

  /** Starts connecting (the first attempt at once). */
  start(): void {
    if (this.configured.length === 0) {
      this.log.log('DBG', 'Empty remote leafnode definition, nothing to connect');
      return;
    }
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The connection made through this remote ended: try again after the interval (or the delay set meanwhile). */
  disconnected(): void {
    this.busy = false;
    if (this.stopped) return;
    this.schedule(this.reconnectInterval);
  }

  /** nats-server's setLeafConnectDelayIfSoliciting: the next attempt waits this long instead. */
  setConnectDelay(ms: number): void {
    this.connectDelay = ms;
  }

  /** The hub's INFO named the URLs of its cluster: tried before the configured ones (nats-server's doUpdateLNURLs). */
  updateUrls(hostPorts: string[]): void {
    const out: LeafUrl[] = [];
    for (const hp of hostPorts) {
      const u = parseLeafUrl(`nats-leaf://${hp}`);
      if (u === null) continue;
      if (this.configured.some((c) => c.host === u.host && c.port === u.port)) continue;
      out.push({ ...u, tls: this.current?.tls ?? false });
    }
    this.urls = [...out, ...this.configured];
  }

  private schedule(ms: number): void {
    if (this.stopped || this.timer) return;
    const delay = this.connectDelay > 0 ? this.connectDelay : ms;
    this.connectDelay = 0;
    this.timer = setTimeout(this.attempt, delay);
    this.timer.unref();
  }

  /** The next URL: the current one moves to the back when it was first (nats-server's pickNextURL). */
  private pickNext(): LeafUrl {
    if (this.current !== null && this.urls.length > 1 && sameUrl(this.current, this.urls[0]!)) this.urls.push(this.urls.shift()!);
    this.current = this.urls[0]!;
    return this.current;
  }

  private readonly attempt = (): void => {
    this.timer = null;
    if (this.stopped || this.busy) return;
    const url = this.pickNext();
    this.busy = true;
    this.log.log('DBG', `Trying to connect as leafnode to remote server on "${url.host}:${url.port}"`);
    this.dial(url, this).then(
      (r) => this.dialled(url, r),
      (err: unknown) => this.dialled(url, { ok: false, error: (err as Error)?.message ?? String(err) }),
    );
  };

  private dialled(url: LeafUrl, r: DialResult): void {
    if (r.ok) {
      this.attempts = 0;
      return;
    }
    this.busy = false;
    this.attempts++;
    // nats-server reports the first failure and then once an hour (connect_error_reports); the rest at debug.
    const text = `Error trying to connect as leafnode to remote server "${url.host}:${url.port}" (attempt ${this.attempts}): ${r.error}`;
    this.log.log(this.attempts === 1 || this.attempts % 3600 === 0 ? 'ERR' : 'DBG', text);
    this.schedule(this.reconnectInterval);
  }
}

function sameUrl(a: LeafUrl, b: LeafUrl): boolean {
  return a.host === b.host && a.port === b.port;
}

function shuffle<T>(a: T[]): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
}
