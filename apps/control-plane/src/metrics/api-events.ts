// Which answered API calls are the domain events /metrics counts. Read from the route template and
// status once the response went out (the change is committed and answered), so the services, whose
// write paths others tune, carry no metrics code; a call that failed counts nothing.

export type ApiEvent =
  | { counter: 'signups'; channel: 'api' | 'console' | 'operator' }
  | { counter: 'credentials' }
  | { counter: 'revocations'; kind: 'user' | 'signing_key' | 'tenant_suspension' };

const SIGNING_KEY: ApiEvent = { counter: 'revocations', kind: 'signing_key' };
const EVENTS = new Map<string, ApiEvent>([
  ['POST /v1/signup', { counter: 'signups', channel: 'api' }],
  ['POST /v1/session/signup', { counter: 'signups', channel: 'console' }],
  ['POST /v1/tenants', { counter: 'signups', channel: 'operator' }],
  ['POST /v1/accounts/:id/users', { counter: 'credentials' }],
  ['POST /v1/accounts/:id/users/:userId/revoke', { counter: 'revocations', kind: 'user' }],
  ['DELETE /v1/accounts/:id/signing-keys/:publicKey', SIGNING_KEY],
]);
const SUSPENSION: ApiEvent = { counter: 'revocations', kind: 'tenant_suspension' };

/** The answered request: its method, parsed body and query. */
export interface AnsweredRequest {
  method: string;
  body?: unknown;
  query?: unknown;
}

export function apiEvent(req: AnsweredRequest, route: string, status: number): ApiEvent | undefined {
  if (status < 200 || status > 299) return undefined;
  // A suspension re-signs every account of the tenant with all its users revoked.
  if (req.method === 'PATCH' && route === '/v1/tenants/:id') return (req.body as { status?: unknown } | null)?.status === 'suspended' ? SUSPENSION : undefined;
  // A rotation revokes every other signing key of the account.
  if (req.method === 'POST' && route === '/v1/accounts/:id/signing-keys')
    return (req.query as { rotate?: unknown } | null)?.rotate === 'true' ? SIGNING_KEY : undefined;
  return EVENTS.get(`${req.method} ${route}`);
}

/** A successful change: the entity counts /metrics caches may have moved. */
export const isChange = (method: string, status: number): boolean => method !== 'GET' && method !== 'HEAD' && status >= 200 && status <= 299;
