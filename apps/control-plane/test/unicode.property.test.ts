// Arbitrary Unicode in every string field of every route never gets a 500 (issue 9: NUL and lone
// surrogates reached PostgreSQL). A string PostgreSQL cannot store is a 400 naming that field.
import { createAccount, createUser } from '@nats-io/nkeys';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textProblem } from '@switchboard/db';
import { startControlPlane, type Harness } from './harness.js';

/** One "character": any code point, a lone surrogate half, NUL, or a character subjects care about. */
const unit = fc.oneof(
  fc
    .integer({ min: 0, max: 0x10ffff })
    .filter((c) => c < 0xd800 || c > 0xdfff)
    .map((c) => String.fromCodePoint(c)),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('\u0000', '.', '*', '>', ' ', '\t', '\n', 'a', '1', '-', '@', '%', '/'),
);
const anyText = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit, minLength: 200, maxLength: 5000 }) },
);

/**
 * Percent-encoding that also sends lone surrogates (encodeURIComponent throws on them), as the
 * 3-byte sequence a careless client would produce: not valid UTF-8, so the server must cope.
 */
const enc = (s: string): string => {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff)
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    else out += encodeURIComponent(ch);
  }
  return out;
};

type Body = Record<string, unknown>;
interface Route {
  method: string;
  /** Builds the URL; `s` is set when the string goes into the path or query. */
  url: (s?: string) => string;
  body?: () => Body;
  /** Dotted paths of the body's string fields. */
  fields?: string[];
  /** Where a path/query string goes (the field name a 400 names). */
  param?: string;
  token?: () => string | undefined;
}

const set = (b: Body, path: string, v: unknown): Body => {
  const out = structuredClone(b);
  const keys = path.split('.');
  let o: Record<string, unknown> = out;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[keys.at(-1)!] = v;
  return out;
};

describe('unicode in every string field', { timeout: 300_000 }, () => {
  let h: Harness;
  const ctx = { admin: '', tenantToken: '', tenantId: '', accountId: '', exportId: '', n: 0 };

  beforeAll(async () => {
    h = await startControlPlane({ SIGNUPS_PER_HOUR: '1000000' });
    ctx.admin = h.adminToken;
    const s = await h.call('POST', '/v1/signup', undefined, { email: 'p@unicode.example', organization: 'P' });
    Object.assign(ctx, { tenantToken: s.body.token, tenantId: s.body.tenant.id, accountId: s.body.account.id });
    const e = await h.call('POST', `/v1/accounts/${ctx.accountId}/exports`, ctx.tenantToken, {
      name: 'svc',
      subject: 'svc.>',
      type: 'service',
      tokenRequired: true,
    });
    ctx.exportId = e.body.id;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const uniq = () => `u${ctx.n++}`;
  const admin = () => ctx.admin;
  const tenant = () => ctx.tenantToken;
  const routes: Record<string, Route> = {
    'POST /v1/signup': {
      method: 'POST',
      url: () => '/v1/signup',
      token: () => undefined,
      body: () => ({ email: `${uniq()}@s.example`, organization: 'Org', plan: 'free' }),
      fields: ['email', 'organization', 'plan'],
    },
    'POST /v1/tenants': {
      method: 'POST',
      url: () => '/v1/tenants',
      token: admin,
      body: () => ({ email: `${uniq()}@t.example`, organization: 'Org', plan: 'free' }),
      fields: ['email', 'organization', 'plan'],
    },
    'PATCH /v1/tenants/:id': { method: 'PATCH', url: () => `/v1/tenants/${ctx.tenantId}`, token: admin, body: () => ({ plan: 'free' }), fields: ['plan'] },
    'POST /v1/tokens': {
      method: 'POST',
      url: () => '/v1/tokens',
      token: tenant,
      body: () => ({ name: 'n', role: 'tenant_member', expiresIn: '1h' }),
      fields: ['name', 'role', 'tenantId', 'expiresIn'],
    },
    'POST /v1/accounts': {
      method: 'POST',
      url: () => '/v1/accounts',
      token: admin,
      body: () => ({ name: uniq(), tenantId: ctx.tenantId }),
      fields: ['name', 'tenantId'],
    },
    'POST users': {
      method: 'POST',
      url: () => `/v1/accounts/${ctx.accountId}/users`,
      token: tenant,
      body: () => ({
        name: 'u',
        publicKey: createUser().getPublicKey(),
        permissions: { pub: { allow: ['a.>'] }, sub: { allow: ['b.*'] }, resp: { max: 1, ttl: '1s' } },
        expiresIn: '1h',
      }),
      fields: ['name', 'publicKey', 'expiresIn', 'expiresAt', 'permissions.pub.allow.0', 'permissions.sub.allow.0', 'permissions.resp.ttl'],
    },
    'POST exports': {
      method: 'POST',
      url: () => `/v1/accounts/${ctx.accountId}/exports`,
      token: tenant,
      body: () => ({ name: 'e', subject: `${uniq()}.>`, type: 'service', responseType: 'Singleton' }),
      fields: ['name', 'subject', 'type', 'responseType'],
    },
    'POST activations': {
      method: 'POST',
      url: () => `/v1/accounts/${ctx.accountId}/exports/${ctx.exportId}/activations`,
      token: tenant,
      body: () => ({ importer: createAccount().getPublicKey(), expiresIn: '1d' }),
      fields: ['importer', 'expiresIn'],
    },
    'POST imports': {
      method: 'POST',
      url: () => `/v1/accounts/${ctx.accountId}/imports`,
      token: tenant,
      body: () => ({ name: 'i', account: createAccount().getPublicKey(), subject: `${uniq()}.>`, localSubject: 'l.>', type: 'stream' }),
      fields: ['name', 'account', 'subject', 'localSubject', 'type', 'token'],
    },
    'POST /v1/brokers': {
      method: 'POST',
      url: () => '/v1/brokers',
      token: admin,
      body: () => ({ name: uniq(), url: 'nats://127.0.0.1:4222' }),
      fields: ['name', 'url'],
    },
    'POST /v1/plans': { method: 'POST', url: () => '/v1/plans', token: admin, body: () => ({ name: uniq() }), fields: ['name'] },
    'POST /v1/session/signup': {
      method: 'POST',
      url: () => '/v1/session/signup',
      token: () => undefined,
      body: () => ({ organization: 'O', email: `${uniq()}@c.example`, password: 'correct horse battery staple 9' }),
      fields: ['organization', 'email', 'password'],
    },
    'POST /v1/session': {
      method: 'POST',
      url: () => '/v1/session',
      token: () => undefined,
      body: () => ({ email: 'nobody@c.example', password: 'x' }),
      fields: ['email', 'password'],
    },
    'POST /v1/invites': {
      method: 'POST',
      url: () => '/v1/invites',
      token: tenant,
      body: () => ({ role: 'tenant_member', email: `${uniq()}@i.example` }),
      fields: ['role', 'email'],
    },
    'POST /v1/invites/preview': {
      method: 'POST',
      url: () => '/v1/invites/preview',
      token: () => undefined,
      body: () => ({ token: 'x'.repeat(30) }),
      fields: ['token'],
    },
    'GET /v1/accounts?tenant=': { method: 'GET', url: (s) => `/v1/accounts?tenant=${enc(s!)}`, token: admin, param: 'tenant' },
    'GET /v1/tokens?limit=': { method: 'GET', url: (s) => `/v1/tokens?limit=${enc(s!)}`, token: tenant, param: 'limit' },
    'GET usage?from=': { method: 'GET', url: (s) => `/v1/accounts/${ctx.accountId}/usage?from=${enc(s!)}`, token: tenant, param: 'from' },
    'DELETE signing-keys/:publicKey': {
      method: 'DELETE',
      url: (s) => `/v1/accounts/${ctx.accountId}/signing-keys/${enc(s!)}`,
      token: tenant,
      param: 'publicKey',
    },
    'GET /jwt/v1/accounts/:publicKey': { method: 'GET', url: (s) => `/jwt/v1/accounts/${enc(s!)}`, token: () => undefined },
  };

  // [route, body field]; '' for routes whose string goes into the path or query.
  const cases: [string, string][] = Object.entries(routes).flatMap(([name, r]) => (r.fields ?? ['']).map((f): [string, string] => [name, f]));

  it.each(cases)('%s %s', async (name, field) => {
    const r = routes[name]!;
    await fc.assert(
      fc.asyncProperty(anyText, async (s) => {
        const res = r.body
          ? await h.call(r.method, r.url(), r.token?.(), set(r.body(), field, s), `10.1.${ctx.n % 250}.${ctx.n % 200}`)
          : await h.call(r.method, r.url(s), r.token?.());
        expect(res.status, `${res.status} ${res.text}`).toBeLessThan(500);
        // A lone surrogate cannot reach a URL as such (its bytes are not UTF-8, which the router may
        // refuse before any field is known): in paths and queries only a NUL is sure to arrive.
        const named = field || r.param;
        const unstorable = field ? textProblem(s) : s.includes('\u0000') && textProblem(s.replaceAll('\u0000', '')) === undefined;
        if (unstorable && named) {
          // Not storable: refused up front, naming the field.
          expect(res.status, res.text).toBe(400);
          expect(res.body.details.map((d: { field: string }) => d.field)).toContain(named);
        }
      }),
      { numRuns: 25 },
    );
  });
});
