// The control plane's REST API over fetch. Every failure becomes an ApiError whose message is
// one line a person can act on: `404 Not Found: account … not found`.
import { CliError, EXIT_FAILURE } from './errors.js';

/** The JSON error body of the control plane (its exception filter). */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

export class ApiError extends CliError {
  constructor(
    message: string,
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    readonly body?: ApiErrorBody,
  ) {
    super(message, EXIT_FAILURE);
    this.name = 'ApiError';
  }
}

export type Fetch = typeof fetch;

export interface ApiClientOptions {
  token?: string;
  timeoutMs?: number;
  fetch?: Fetch;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export class ApiClient {
  readonly baseUrl: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  private readonly fetchFn: Fetch;

  constructor(baseUrl: string, options: ApiClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetchFn = options.fetch ?? fetch;
  }

  get<T>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.json<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('PATCH', path, body);
  }

  delete(path: string): Promise<unknown> {
    return this.json<unknown>('DELETE', path);
  }

  /** A text/plain resource (a JWT). */
  async text(path: string): Promise<string> {
    return (await this.send('GET', path, undefined, 'text/plain')).text();
  }

  private async json<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body, 'application/json');
    const text = await res.text();
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(`${res.status} ${res.statusText}: the server answered ${method} ${path} with something other than JSON`, res.status);
    }
  }

  private async send(method: Method, path: string, body: unknown, accept: string): Promise<Response> {
    const url = this.baseUrl + path;
    const headers: Record<string, string> = { accept };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new ApiError(`cannot reach ${this.baseUrl}: ${networkReason(e, this.timeoutMs)}`, 0);
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  }
}

async function errorFrom(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  const body = parseErrorBody(text);
  const reason = body?.error ?? res.statusText ?? '';
  const head = `${res.status}${reason ? ' ' + reason : ''}`;
  let message: string;
  if (body) message = `${head}: ${body.message}${formatDetails(body.details)}`;
  else message = text.trim() ? `${head}: ${oneLine(text, 200)}` : head;
  if (res.status === 401) message += '\n(log in again with `switchboard login --api <url> --token <token>`)';
  return new ApiError(message, res.status, body);
}

function parseErrorBody(text: string): ApiErrorBody | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null && typeof (v as ApiErrorBody).message === 'string') return v as ApiErrorBody;
  } catch {
    // not JSON: the caller shows the text itself
  }
  return undefined;
}

/** `[{ field, message }]` as indented lines; anything else as one compact JSON line. */
function formatDetails(details: unknown): string {
  if (details === undefined || details === null) return '';
  if (Array.isArray(details) && details.every((d) => typeof d === 'object' && d !== null && 'message' in d)) {
    return details.map((d: { field?: unknown; message: unknown }) => `\n  ${d.field ? `${String(d.field)}: ` : ''}${String(d.message)}`).join('');
  }
  return `\n  ${oneLine(JSON.stringify(details), 300)}`;
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max) + '…' : flat;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate cannot be verified',
};

function networkReason(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) return `no answer within ${timeoutMs / 1000}s`;
  const cause = e instanceof Error ? (e.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code && NETWORK_CODES[cause.code]) return NETWORK_CODES[cause.code]!;
  if (cause?.code) return cause.code;
  return e instanceof Error ? (cause?.message ?? e.message) : String(e);
}
