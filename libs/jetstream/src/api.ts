import { isSubsetMatch } from '@switchboard/subjects';
import { ApiError, JSErr, apiError } from './errors.js';
import type { HostSubscription, JsAccountHost } from './host.js';

/**
 * The `$JS.API` of one account: a subscription per API subject (as nats-server registers them,
 * so an unknown `$JS.API.X` gets no responders there too), JSON replies shaped
 * `{"type":…,…}` / `{"type":…,"error":{"code","err_code","description"}}`, the account's api
 * counters, and a per-account queue: requests of one account run one after another (a handler
 * may be async), and a storm in one account never waits behind another's queue.
 */

/** One API request, handed to a handler. `hdr`/`data` are copies. */
export interface ApiRequest<C = unknown> {
  readonly subject: string;
  readonly reply: string;
  readonly hdr: Buffer | null;
  readonly data: Buffer;
  /** The subject's tokens (`$JS`, `API`, `STREAM`, `INFO`, <name>…). */
  readonly tokens: readonly string[];
  /** What the router was made with (the account's JetStream, `AccountJs`). */
  readonly ctx: C;
}

/**
 * A handler returns the response body without `type` (the router adds it first), or
 * `undefined` when it answered on its own (DIRECT.GET sends messages, not JSON) or must stay
 * silent. Throwing an ApiError answers `{"type":…,"error":…}`. A body with an `error` field
 * (ApiError or its JSON) counts as an error response and keeps its other fields.
 */
export type ApiHandler<C> = (req: ApiRequest<C>) => object | undefined | Promise<object | undefined>;

export interface ApiRoute<C> {
  /** Subject with wildcards, e.g. `$JS.API.STREAM.INFO.*`. */
  readonly subject: string;
  /** Response type, e.g. `io.nats.jetstream.api.v1.stream_info_response`. */
  readonly type: string;
  readonly handler: ApiHandler<C>;
  /** Fields nats-server's response struct always marshals, added to error replies (paged: total/offset/limit). */
  readonly errorFields?: Record<string, unknown>;
}

/** The API's routes, the same for every account (stream and consumer modules register theirs). */
export class ApiRoutes<C> {
  readonly list: ApiRoute<C>[] = [];

  register(subject: string, type: string, handler: ApiHandler<C>, errorFields?: Record<string, unknown>): void {
    if (this.list.some((r) => r.subject === subject)) throw new Error(`JetStream API route ${subject} registered twice`);
    this.list.push(errorFields ? { subject, type, handler, errorFields } : { subject, type, handler });
  }

  /** The route answering `subject` (most specific first: nats-server's subjects don't overlap, but CREATE.* and CREATE.*.> would). */
  match(subject: string): ApiRoute<C> | undefined {
    let best: ApiRoute<C> | undefined;
    for (const r of this.list) if (isSubsetMatch(subject, r.subject) && (best === undefined || r.subject.length < best.subject.length)) best = r;
    return best;
  }
}

const ignore = (): void => {};

const countedAsSuccess = new WeakSet<object>();
/**
 * Marks a body with an `error` that nats-server nevertheless sends through its success path
 * (sendAPIResponse: MSG.DELETE and PURGE store failures), so the account's `api.errors` does not
 * count it, as there.
 */
export function successPath<T extends object>(body: T): T {
  countedAsSuccess.add(body);
  return body;
}

/** Requests waiting per account before new ones are dropped (nats-server drops past its queue limit too). */
export const MAX_PENDING_API = 10_000;

export interface ApiCounters {
  total: number;
  errors: number;
}

/** Whether the account has JetStream: when not, every request is answered with 10039. */
export interface ApiGate {
  enabled(): boolean;
}

export class ApiRouter<C> {
  readonly counters: ApiCounters = { total: 0, errors: 0 };
  private readonly subs: HostSubscription[] = [];
  private readonly queue: ApiRequest<C>[] = [];
  private running = false;
  private stopped = false;
  private readonly subscribed = new Set<ApiRoute<C>>();

  constructor(
    private readonly routes: ApiRoutes<C>,
    private readonly host: JsAccountHost,
    private readonly ctx: C,
    private readonly gate: ApiGate,
    private readonly onError: (message: string) => void = () => {},
  ) {
    this.subscribeRoutes();
  }

  /**
   * Subscribes the routes registered so far (call again after registering more). nats-server
   * imports all of `$JS.API.>` into every account once JetStream is on in the server, so a
   * catch-all is there too: a request on a subject no handler serves is taken and never
   * answered (the client times out, no 503). An account without JetStream gets the same
   * subscriptions, answered with 10039 (the gate).
   */
  subscribeRoutes(): void {
    if (this.subs.length === 0) this.subs.push(this.host.subscribeViews('$JS.API.>', ignore));
    for (const route of this.routes.list) {
      if (this.subscribed.has(route)) continue;
      this.subscribed.add(route);
      this.subs.push(this.host.subscribe(route.subject, (subject, reply, hdr, data) => this.enqueue(subject, reply, hdr, data)));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.subs) s.unsubscribe();
    this.subs.length = 0;
    this.subscribed.clear();
    this.queue.length = 0;
  }

  /** Sends `{"type":…,…body}` to `reply`, counting it (and as an error when body.error is set). */
  respond(reply: string, type: string, body: object): void {
    this.counters.total++;
    const err = (body as { error?: unknown }).error;
    if (err !== undefined && err !== null && !countedAsSuccess.has(body)) this.counters.errors++;
    if (reply === '') return;
    this.host.publish(reply, '', null, Buffer.from(JSON.stringify({ type, ...body })));
  }

  /** Counts a reply the handler sent itself (direct get). */
  countRaw(error: boolean): void {
    this.counters.total++;
    if (error) this.counters.errors++;
  }

  private enqueue(subject: string, reply: string, hdr: Buffer | null, data: Buffer): void {
    if (this.stopped) return;
    if (this.queue.length >= MAX_PENDING_API) {
      this.onError(`JetStream API queue of account ${this.host.account} is full: dropped request on ${subject}`);
      return;
    }
    this.queue.push({ subject, reply, hdr, data, tokens: subject.split('.'), ctx: this.ctx });
    if (!this.running) this.drain();
  }

  /** Runs queued requests in order; synchronous handlers run inline, an async one holds the queue. */
  private drain(): void {
    this.running = true;
    while (this.queue.length > 0 && !this.stopped) {
      const req = this.queue.shift()!;
      const route = this.routes.match(req.subject);
      if (route === undefined) continue;
      let out: object | undefined | Promise<object | undefined>;
      if (!this.gate.enabled()) {
        // Not counted: on nats-server the account has no jsAccount to count in, so its api
        // counters start at 0 when a JWT update turns JetStream on.
        if (req.reply !== '') {
          const body = route.errorFields
            ? { error: apiError(JSErr.JSNotEnabledForAccountErr), ...route.errorFields }
            : { error: apiError(JSErr.JSNotEnabledForAccountErr) };
          this.host.publish(req.reply, '', null, Buffer.from(JSON.stringify({ type: route.type, ...body })));
        }
        continue;
      }
      try {
        out = route.handler(req);
      } catch (e) {
        this.fail(req, route, e);
        continue;
      }
      if (out instanceof Promise) {
        out.then(
          (body) => {
            if (body !== undefined) this.respond(req.reply, route.type, body);
            this.drain();
          },
          (e: unknown) => {
            this.fail(req, route, e);
            this.drain();
          },
        );
        return;
      }
      if (out !== undefined) this.respond(req.reply, route.type, out);
    }
    this.running = false;
  }

  private fail(req: ApiRequest<C>, route: ApiRoute<C>, e: unknown): void {
    let err: ApiError;
    if (e instanceof ApiError) err = e;
    else {
      this.onError(`JetStream API ${req.subject} failed: ${(e as Error)?.stack ?? String(e)}`);
      err = apiError(JSErr.JSStreamGeneralErrorF, { err: (e as Error)?.message ?? String(e) });
    }
    this.respond(req.reply, route.type, route.errorFields ? { error: err, ...route.errorFields } : { error: err });
  }
}

/** True when the request body is empty or only white space (nats-server's isEmptyRequest, plus `{}`). */
export function isEmptyRequest(data: Buffer): boolean {
  if (data.length === 0) return true;
  const s = data.toString('utf8').trim();
  if (s === '') return true;
  if (s === '{}') return true;
  return false;
}

/** JSON.parse that answers 10025 (invalid JSON) as nats-server does for a body it cannot unmarshal. */
export function parseRequest(data: Buffer): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(data.toString('utf8'));
  } catch {
    throw apiError(JSErr.JSInvalidJSONErr);
  }
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw apiError(JSErr.JSInvalidJSONErr);
  return v as Record<string, unknown>;
}
