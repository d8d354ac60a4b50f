import { isAccountKey, MaxTokenSize, type AccountClaims, type Trust } from '@switchboard/nats-jwt';
import { AccountStore } from './account-store.js';
import { DiskCache } from './disk-cache.js';
import { ResolverError } from './errors.js';
import type { AccountResolver, ResolverLogger, StoreResult, UpdateListener } from './resolver.js';

export interface UrlResolverOptions {
  trust: Trust;
  /** Base URL; `GET <base><account public key>` answers the JWT (nats-server appends a missing '/'). */
  url: string;
  /** Keeps every accepted JWT on disk too, so a restarted broker serves known accounts while the URL is down. */
  cacheDir?: string | undefined;
  /** How long a fetched JWT is served before asking again (never past the JWT's own `exp`). Default 2 minutes. */
  ttlMs?: number;
  /** Per request; nats-server's DEFAULT_ACCOUNT_FETCH_TIMEOUT is 1.9 s. */
  timeoutMs?: number;
  /** After a failure, a 404 or an expired answer: how long that outcome stands before the URL is asked again. Default 1 s. */
  retryMs?: number;
  logger?: ResolverLogger;
  now?: () => number;
}

export const DEFAULT_TTL_MS = 120_000;
export const DEFAULT_FETCH_TIMEOUT_MS = 1900;
export const DEFAULT_RETRY_MS = 1000;
/** Past this many freshness entries, expired ones are swept (fetches of made-up keys add 404 entries). */
const SWEEP_AT = 10_000;

/**
 * `resolver: URL(<base>)`: JWTs fetched over HTTP(S), held in memory for a TTL, on disk when a
 * cache directory is given. Concurrent fetches of one account share one request. When the URL
 * fails (network, timeout, status other than 200/404, unusable JWT) the held or on-disk copy is
 * served; `store` (claims update pushes) updates memory and disk with the newest-wins rule.
 */
export class UrlResolver implements AccountResolver {
  readonly kind = 'URL' as const;
  readonly base: string;
  private readonly accounts: AccountStore;
  private readonly headers: Record<string, string> = {};
  private readonly redacted: string;
  /** Until when the current answer for a key stands (a held JWT, or no account after a 404). */
  private readonly fresh = new Map<string, number>();
  private readonly inflight = new Map<string, Promise<string | undefined>>();
  private readonly stop = new AbortController();
  private readonly ttl: number;
  private readonly timeout: number;
  private readonly retry: number;
  private readonly logger: ResolverLogger | undefined;
  private readonly now: () => number;
  private closed = false;

  constructor(opts: UrlResolverOptions) {
    const u = new URL(opts.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new ResolverError('unreachable', `account resolver URL must be http or https, got ${u.protocol}`);
    // fetch() refuses URLs with credentials: send them as Basic auth, as Go's client does.
    let shown: string | undefined;
    if (u.username !== '' || u.password !== '') {
      const cred = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
      this.headers.authorization = `Basic ${Buffer.from(cred).toString('base64')}`;
      shown = withSlash(redact(u));
      u.username = '';
      u.password = '';
    }
    this.base = withSlash(u.toString());
    this.redacted = shown ?? this.base;
    this.ttl = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.timeout = opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
    this.retry = opts.retryMs ?? DEFAULT_RETRY_MS;
    this.logger = opts.logger;
    this.now = opts.now ?? Date.now;
    const disk = opts.cacheDir === undefined ? undefined : new DiskCache(opts.cacheDir);
    this.accounts = new AccountStore({ trust: opts.trust, disk, persist: 'cache', logger: opts.logger, now: this.now });
  }

  /** nats-server refuses to start unless `GET <base>` answers 200; with a disk cache a warning is enough. */
  async start(): Promise<void> {
    try {
      await this.get('');
    } catch (e) {
      this.logger?.warn(`account resolver: ${(e as Error).message}`);
    }
  }

  fetch(pubkey: string): Promise<string | undefined> {
    if (this.closed) return Promise.reject(new ResolverError('closed', 'account resolver is closed'));
    if (!isAccountKey(pubkey)) return Promise.resolve(undefined);
    const until = this.fresh.get(pubkey);
    if (until !== undefined && this.now() < until) return Promise.resolve(this.accounts.get(pubkey)?.jwt);
    let p = this.inflight.get(pubkey);
    if (p === undefined) {
      p = this.refresh(pubkey);
      this.inflight.set(pubkey, p);
      const done = () => this.inflight.delete(pubkey);
      p.then(done, done);
    }
    return p;
  }

  async store(pubkey: string, jwt: string): Promise<StoreResult> {
    const r = await this.accounts.offer(pubkey, jwt);
    const held = this.accounts.get(pubkey);
    if ((r.status === 'stored' || r.status === 'unchanged') && held !== undefined) this.setFresh(pubkey, held.claims);
    return r;
  }

  onUpdate(listener: UpdateListener): () => void {
    return this.accounts.onUpdate(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stop.abort();
    await Promise.allSettled([...this.inflight.values()]);
  }

  private async refresh(pubkey: string): Promise<string | undefined> {
    let body: string | undefined;
    try {
      body = await this.get(pubkey);
    } catch (e) {
      return this.fallback(pubkey, e as ResolverError);
    }
    if (body === undefined) {
      // The resolver says there is no such account: that stands over any copy held.
      this.accounts.forget(pubkey);
      this.mark(pubkey, this.now() + this.retry);
      return undefined;
    }
    const r = await this.accounts.offer(pubkey, body);
    if (r.status === 'rejected') {
      return this.fallback(pubkey, new ResolverError('invalid_jwt', `account resolver <"${this.redacted}${pubkey}"> answered an unusable JWT: ${r.reason}`));
    }
    // stored, unchanged, or stale (a pushed JWT newer than the URL's is kept).
    const held = this.accounts.get(pubkey)!;
    this.setFresh(pubkey, held.claims);
    return held.jwt;
  }

  private async fallback(pubkey: string, err: ResolverError): Promise<string | undefined> {
    const held = await this.accounts.load(pubkey);
    if (held === undefined) throw err;
    this.logger?.warn(`account resolver: ${err.message}; serving the cached JWT of ${pubkey}`);
    this.mark(pubkey, this.now() + this.retry);
    return held.jwt;
  }

  private setFresh(pubkey: string, claims: AccountClaims): void {
    const now = this.now();
    let until = now + this.ttl;
    // Past its exp the account is refused at use: ask again soon in case a renewed JWT exists.
    if (typeof claims.exp === 'number' && claims.exp > 0) until = Math.min(until, Math.max(claims.exp * 1000, now + this.retry));
    this.mark(pubkey, until);
  }

  private mark(pubkey: string, until: number): void {
    if (this.fresh.size >= SWEEP_AT) {
      const now = this.now();
      for (const [k, t] of this.fresh) if (t <= now) this.fresh.delete(k);
    }
    this.fresh.set(pubkey, until);
  }

  /** `GET <base><name>`: the body on 200, undefined on 404; anything else throws ResolverError('unreachable'). */
  private async get(name: string): Promise<string | undefined> {
    const where = `could not fetch <"${this.redacted}${name}">`;
    if (this.closed) throw new ResolverError('closed', `${where}: account resolver is closed`);
    const signal = AbortSignal.any([this.stop.signal, AbortSignal.timeout(this.timeout)]);
    try {
      const res = await fetch(this.base + name, { headers: this.headers, signal });
      if (res.status === 404) {
        await res.body?.cancel();
        return undefined;
      }
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new ResolverError('unreachable', `${where}: ${res.status} ${res.statusText}`.trimEnd());
      }
      return await readBody(res, where);
    } catch (e) {
      if (e instanceof ResolverError) throw e;
      throw new ResolverError(this.closed ? 'closed' : 'unreachable', `${where}: ${describe(e, this.timeout)}`, { cause: e });
    }
  }
}

/** The body as text, refusing more than a JWT may hold. */
async function readBody(res: Response, where: string): Promise<string> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MaxTokenSize) {
      await reader.cancel();
      throw new ResolverError('invalid_jwt', `${where}: answer larger than ${MaxTokenSize} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(e: unknown, timeout: number): string {
  if (e instanceof Error) {
    if (e.name === 'TimeoutError') return `no answer within ${timeout}ms`;
    if (e.name === 'AbortError') return 'aborted';
    const cause = (e as { cause?: unknown }).cause;
    if (cause instanceof Error) return cause.message;
    return e.message;
  }
  return String(e);
}

/** Go's url.Redacted(): the password becomes "xxxxx". */
function redact(u: URL): string {
  const c = new URL(u.toString());
  if (c.password !== '') c.password = 'xxxxx';
  return c.toString();
}

const withSlash = (s: string): string => (s.endsWith('/') ? s : s + '/');
