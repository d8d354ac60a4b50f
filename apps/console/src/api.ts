// Every call to /v1: same origin, the session cookie goes by itself; changing requests echo the
// sb_csrf cookie in X-CSRF-Token. Failures become ApiError with words for a person and, for
// validation errors, a message per field.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

function csrf(): string {
  const m = /(?:^|;\s*)sb_csrf=([^;]*)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]!) : '';
}

interface ErrorBody {
  statusCode?: number;
  message?: string;
  details?: Array<{ field: string; message: string }> | { fields?: string[] };
}

function humanError(status: number, body: ErrorBody | null): ApiError {
  const fields: Record<string, string> = {};
  if (Array.isArray(body?.details)) for (const d of body.details) fields[d.field.split('.')[0]!] ??= d.message;
  const msg = body?.message ?? '';
  switch (status) {
    case 400:
      return new ApiError(status, Object.keys(fields).length ? 'Please fix the fields marked below.' : msg || 'The request was not accepted.', fields);
    case 401:
      return new ApiError(status, /session|password|incorrect|email/i.test(msg) ? msg : 'Please sign in.', fields);
    case 403:
      if (msg === 'tenant suspended') return new ApiError(status, 'Your organization is suspended. Contact the operator of this service.');
      if (/viewers/.test(msg)) return new ApiError(status, 'Your role can only view. Ask an admin if you need to change things.');
      if (/CSRF/.test(msg)) return new ApiError(status, 'Your page is out of date. Reload it and try again.');
      return new ApiError(status, /^requires role/.test(msg) ? 'Your role does not allow this. Ask an admin of your organization.' : msg);
    case 404:
      return new ApiError(status, 'Not found. It may have been deleted.');
    case 409: {
      const which = !Array.isArray(body?.details) && body?.details?.fields?.join(', ');
      return new ApiError(
        status,
        Object.keys(fields).length ? 'Please fix the fields marked below.' : which ? `That ${which} is already taken.` : msg || 'That already exists.',
        fields,
      );
    }
    case 410:
    case 429:
      return new ApiError(status, msg);
    default:
      return new ApiError(status, 'Something went wrong on our side. Try again in a moment.');
  }
}

export async function api<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  if (method !== 'GET') h['x-csrf-token'] = csrf();
  let res: Response;
  try {
    res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'Cannot reach the server. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const err = humanError(res.status, data as ErrorBody | null);
    if (res.status === 401) window.dispatchEvent(new CustomEvent('sb:signed-out'));
    throw err;
  }
  return data as T;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface Session {
  email: string;
  operator: boolean;
  role: 'operator_admin' | 'tenant_admin' | 'tenant_member' | 'tenant_viewer';
  tenant: { id: string; name: string; status: string } | null;
  memberships: Array<{ tenantId: string; name: string; role: string }>;
}

export type Limits = Record<string, number>;

export interface Account {
  id: string;
  name: string;
  publicKey: string;
  limits: Limits;
  createdAt: string;
}

export interface User {
  id: string;
  name: string;
  publicKey: string;
  permissions: { pub?: { allow?: string[]; deny?: string[] }; sub?: { allow?: string[]; deny?: string[] } } | null;
  jwt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export interface Connection {
  broker: string;
  cid: number;
  name: string;
  lang: string;
  version: string;
  ip: string;
  rtt: string;
  uptime: string;
  subscriptions: number;
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
  user: string;
}

export interface HourlyUsage {
  period: string;
  msgsIn: number;
  msgsOut: number;
  bytesIn: number;
  bytesOut: number;
  connections: number;
  subscriptions: number;
  /** Gauges: the hour's peak, summed over brokers. */
  leafNodes: number;
  jsMemory: number;
  jsStorage: number;
  jsStreams: number;
  jsConsumers: number;
}

export interface Usage {
  totals: HourlyUsage;
  hourly: HourlyUsage[];
  quota: { monthlyMsgs: number; monthlyBytes: number; overQuota: boolean };
  leafNodes: { peak: number; limit: number };
}

export interface Consumer {
  name: string;
  durable: boolean;
  created: string;
  ackPolicy: string;
  deliverPolicy: string;
  filterSubject: string;
  pushBound: boolean;
  numPending: number;
  numAckPending: number;
  numRedelivered: number;
  numWaiting: number;
  deliveredStreamSeq: number;
  ackFloorStreamSeq: number;
  lastActive: string | null;
  lag: number;
}

export interface Stream {
  broker: string;
  name: string;
  created: string;
  subjects: string[];
  storage: string;
  retention: string;
  maxMsgs: number;
  maxBytes: number;
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  firstTs: string | null;
  lastTs: string | null;
  numSubjects: number;
  consumerCount: number;
  consumers: Consumer[];
}

export interface Streams {
  memory: number;
  storage: number;
  items: Stream[];
  unreachable: string[];
}

export interface Bucket {
  broker: string;
  bucket: string;
  values: number;
  bytes: number;
  history: number;
  ttlSeconds: number;
  storage: string;
  created: string;
}

export interface KvEntry {
  revision: number;
  operation: string;
  created: string;
  length: number;
  value: string;
  encoding: 'utf8' | 'base64';
}

export interface KvKey {
  bucket: string;
  key: string;
  current: KvEntry;
  history: KvEntry[];
}
