// The OpenAPI document at /docs-json against the app itself: every route Fastify registered is
// documented, every operation documents its success answer and the error shape, and real answers
// (a walk through most routes, and generated signups and users) validate against what is documented
// for their route and status, with ajv (fastify's own validator).
import fs from 'node:fs';
import path from 'node:path';
import { createAccount, createUser } from '@nats-io/nkeys';
import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@switchboard/testing';
import { startControlPlane, type Harness } from './harness.js';

type Json = Record<string, any>;
let h: Harness;
let doc: Json;
const ajv = new Ajv({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its plugin is module.exports and, as here, its `default`.
(formats as unknown as { default: (a: Ajv) => void }).default(ajv);

beforeAll(async () => {
  h = await startControlPlane();
  const res = await h.app.inject({ method: 'GET', url: '/docs-json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
  ajv.addSchema(doc.components.schemas.Error, '#/components/schemas/Error');
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** The web console's files (served at / once `npm run build` made them): pages, not API routes. */
const consoleDist = path.join(REPO_ROOT, 'apps/console/dist');
const isConsoleFile = (p: string): boolean => fs.existsSync(path.join(consoleDist, 'index.html')) && (p === '/' || fs.existsSync(path.join(consoleDist, p)));

/** Method and path (`/v1/x/{id}`) of every route Fastify serves, from its route tree; /docs itself and the console's files aside. */
function registeredRoutes(): string[] {
  const tree = h.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)(?:├── |└── )(\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const route = (stack[depth - 1] ?? '') + m[2]!;
    stack[depth] = route;
    if (route.startsWith('/docs') || isConsoleFile(route)) continue;
    for (const method of m[3]!.split(', ')) if (method !== 'HEAD') out.push(`${method} ${route.replace(/:(\w+)/g, '{$1}')}`);
  }
  return out;
}

const operations = (): Array<[string, Json]> =>
  Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([m, op]) => [`${m.toUpperCase()} ${path}`, op as Json] as [string, Json]),
  );

const validators = new Map<string, ValidateFunction>();
/** Checks one real answer against the schema documented for its route and status (the error shape for 4xx/5xx). */
function checkAnswer(method: string, template: string, status: number, contentType: string, body: string): void {
  const op = doc.paths[template]?.[method.toLowerCase()] as Json | undefined;
  expect(op, `${method} ${template} documented`).toBeDefined();
  const key = `${method} ${template} ${status}`;
  if (status >= 400) {
    expect(contentType).toMatch(/^application\/json/);
    const v = ajv.getSchema('#/components/schemas/Error')!;
    expect(v(JSON.parse(body)), `${key}: ${JSON.stringify(v.errors)}`).toBe(true);
    return;
  }
  const documented = op!.responses[String(status)] as Json | undefined;
  expect(documented, `${key} documented`).toBeDefined();
  if (status === 204) return expect(body).toBe('');
  const [type, media] = Object.entries(documented!.content as Json)[0]!;
  expect(contentType.split(';')[0]).toBe(type.split(';')[0]);
  if (!type.startsWith('application/json')) return expect(typeof body).toBe('string');
  let v = validators.get(key);
  if (!v) validators.set(key, (v = ajv.compile((media as Json).schema)));
  expect(v(JSON.parse(body)), `${key}: ${JSON.stringify(v.errors)} in ${body.slice(0, 500)}`).toBe(true);
}

/** A request to `template` with its {params} filled in; the answer is checked against the document. */
async function call(method: string, template: string, params: Record<string, string>, token?: string, payload?: unknown) {
  const url = template.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k]!));
  const res = await h.app.inject({
    method: method as 'GET',
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  checkAnswer(method, template.split('?')[0]!, res.statusCode, String(res.headers['content-type'] ?? ''), res.body);
  return {
    status: res.statusCode,
    body: res.body ? (res.headers['content-type']?.toString().startsWith('application/json') ? res.json() : res.body) : undefined,
  };
}

describe('OpenAPI document', () => {
  it('lists every route the app registers (the account server and /metrics too), and nothing else', () => {
    const documented = operations().map(([k]) => k);
    const registered = registeredRoutes();
    expect(registered.length).toBeGreaterThan(50);
    expect([...documented].sort()).toEqual([...registered].sort());
    expect(documented).toEqual(expect.arrayContaining(['GET /jwt/v1/accounts/{publicKey}', 'GET /jwt/v1/operator', 'GET /metrics']));
  });

  it('documents a success answer with its schema and the error shape for every operation', () => {
    for (const [key, op] of operations()) {
      const codes = Object.keys(op.responses);
      const ok = codes.filter((c) => /^2\d\d$/.test(c));
      expect(ok, key).toHaveLength(1);
      if (ok[0] !== '204') {
        const content = Object.values(op.responses[ok[0]!].content ?? {}) as Json[];
        expect(content[0]?.schema, `${key} ${ok[0]} schema`).toBeDefined();
      }
      expect(op.responses.default?.content?.['application/json']?.schema, `${key} error`).toEqual({ $ref: '#/components/schemas/Error' });
    }
    expect(doc.components.schemas.Error.required).toEqual(['statusCode', 'error', 'message']);
  });

  it('real answers of most routes validate against their documented schemas', async () => {
    const admin = h.adminToken;
    await call('GET', '/healthz', {});
    await call('GET', '/metrics', {});
    await call('GET', '/v1/operator', {}, admin);
    const plan = await call('POST', '/v1/plans', {}, admin, { name: 'docs-plan', limits: { maxConnections: 10 }, maxAccounts: 3 });
    expect(plan.status).toBe(201);
    const id = { id: plan.body.id };
    await call('GET', '/v1/plans', {}, admin);
    await call('GET', '/v1/plans/{id}', id, admin);
    await call('GET', '/v1/plans/{id}/impact', id, admin);
    await call('PATCH', '/v1/plans/{id}', id, admin, { maxAccounts: 4 });
    await call('GET', '/v1/plans/{id}', { id: '0190b6a4-0000-7000-8000-000000000000' }, admin); // 404

    const A = (await call('POST', '/v1/signup', {}, undefined, { email: 'docs-a@example.com', organization: 'Docs A' })).body;
    const B = (await call('POST', '/v1/tenants', {}, admin, { email: 'docs-b@example.com', organization: 'Docs B' })).body;
    await call('POST', '/v1/signup', {}, undefined, { email: 'nope', organization: '' }); // 400 with details
    await call('GET', '/v1/tenants', {}, admin);
    await call('GET', '/v1/tenants/{id}', { id: A.tenant.id }, admin);
    await call('PATCH', '/v1/tenants/{id}', { id: B.tenant.id }, admin, { status: 'suspended' });
    await call('PATCH', '/v1/tenants/{id}', { id: B.tenant.id }, admin, { status: 'active' });

    const acc = { id: A.account.id };
    await call('GET', '/v1/accounts', {}, A.token);
    await call('GET', '/v1/accounts/{id}', acc, A.token);
    await call('GET', '/v1/accounts/{id}/jwt', acc, A.token);
    await call('PATCH', '/v1/accounts/{id}', acc, admin, { limits: { maxConnections: 5 } });
    const extra = await call('POST', '/v1/accounts', {}, A.token, { name: 'extra' });
    await call('POST', '/v1/accounts/{id}/signing-keys', acc, A.token);
    await call('DELETE', '/v1/accounts/{id}', { id: extra.body.id }, A.token);
    const user = await call('POST', '/v1/accounts/{id}/users', acc, A.token, { name: 'docs-user', publicKey: createUser().getPublicKey() });
    await call('GET', '/v1/accounts/{id}/users', acc, A.token);
    await call('GET', '/v1/accounts/{id}/users/{userId}', { ...acc, userId: user.body.id }, A.token);
    await call('POST', '/v1/accounts/{id}/users/{userId}/revoke', { ...acc, userId: user.body.id }, A.token);
    await call('GET', '/v1/accounts/{id}/usage', acc, A.token);
    await call('GET', '/v1/accounts/{id}/connections', acc, A.token);
    await call('GET', '/v1/accounts/{id}/streams', acc, A.token);
    await call('GET', '/v1/accounts/{id}/kv', acc, A.token);
    await call('GET', '/v1/accounts/{id}/kv/{bucket}/keys', { ...acc, bucket: 'nothing' }, A.token); // 404
    await call('GET', '/v1/accounts/{id}/kv/{bucket}/keys/{key}', { ...acc, bucket: 'nothing', key: 'a*' }, A.token); // 400

    const exp = await call('POST', '/v1/accounts/{id}/exports', acc, A.token, { name: 'help', subject: 'help.>', type: 'service', tokenRequired: true });
    await call('GET', '/v1/accounts/{id}/exports', acc, A.token);
    const act = await call('POST', '/v1/accounts/{id}/exports/{exportId}/activations', { ...acc, exportId: exp.body.id }, A.token, {
      importer: B.account.publicKey,
    });
    const bAcc = { id: B.account.id };
    const imp = await call('POST', '/v1/accounts/{id}/imports', bAcc, B.token, {
      name: 'help',
      account: A.account.publicKey,
      subject: 'help.>',
      type: 'service',
      token: act.body.token,
    });
    expect(imp.status).toBe(201);
    await call('GET', '/v1/accounts/{id}/imports', bAcc, B.token);
    await call('DELETE', '/v1/accounts/{id}/imports/{importId}', { ...bAcc, importId: imp.body.id }, B.token);

    const tok = await call('POST', '/v1/tokens', {}, A.token, { name: 'ci', role: 'tenant_member' });
    await call('GET', '/v1/tokens', {}, A.token);
    await call('DELETE', '/v1/tokens/{id}', { id: tok.body.id }, A.token);
    await call('GET', '/v1/members', {}, A.token);
    const invite = await call('POST', '/v1/invites', {}, A.token, { role: 'member' });
    await call('GET', '/v1/invites', {}, A.token);
    await call('POST', '/v1/invites/preview', {}, undefined, { token: invite.body.token });

    const broker = await call('POST', '/v1/brokers', {}, admin, { name: 'docs-broker', url: 'nats://127.0.0.1:4999' });
    await call('GET', '/v1/brokers', {}, admin);
    await call('GET', '/v1/brokers/status', {}, admin);
    await call('DELETE', '/v1/brokers/{id}', { id: broker.body.id }, admin);
    await call('GET', '/v1/audit', {}, admin);
    await call('GET', '/v1/propagation', {}, admin);
    await call('POST', '/v1/propagation/replay', {}, admin);

    await call('GET', '/jwt/v1/accounts', {});
    await call('GET', '/jwt/v1/accounts/{publicKey}', { publicKey: A.account.publicKey });
    await call('GET', '/jwt/v1/accounts/{publicKey}', { publicKey: createAccount().getPublicKey() }); // 404
    await call('GET', '/jwt/v1/operator', {});
    await call('GET', '/v1/accounts', {}, 'not-a-token'); // 401
  });

  it('(property) generated signups, users and pages answer as documented', async () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
    await fc.assert(
      fc.asyncProperty(name, name, fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 5 }), async (org, user, limit, offset) => {
        const t = await call('POST', '/v1/tenants', {}, h.adminToken, { email: `${org}-${Date.now()}@example.com`, organization: `${org} ${Date.now()}` });
        expect(t.status).toBe(201);
        const acc = { id: t.body.account.id };
        await call('POST', '/v1/accounts/{id}/users', acc, t.body.token, { name: user, publicKey: createUser().getPublicKey() });
        await call('GET', `/v1/accounts/{id}/users?limit=${limit}&offset=${offset}`, acc, t.body.token);
        await call('GET', `/v1/tenants?limit=${limit}&offset=${offset}`, {}, h.adminToken);
      }),
      { numRuns: 8 },
    );
  });
});
