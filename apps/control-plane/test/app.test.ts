// The control plane on real PostgreSQL and Redis, through Fastify's inject (no socket needed).
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type FreshDatabase } from '@switchboard/db';
import { generateMasterKey } from '@switchboard/secrets';
import { poll, REDIS_URL } from '@switchboard/testing';
import { createApp, loadConfig, type ControlPlaneConfig, type Health } from '@switchboard/control-plane';

const adminToken = 'test-admin-token-0123456789';
const auth = { authorization: `Bearer ${adminToken}` };

describe('control plane', () => {
  let fresh: FreshDatabase;
  let app: NestFastifyApplication;
  let config: ControlPlaneConfig;

  beforeAll(async () => {
    fresh = await freshDatabase();
    config = { ...loadConfig({ DATABASE_URL: fresh.url, REDIS_URL }), adminToken };
    app = await createApp({ ...config, masterKey: generateMasterKey().toString('base64') }, { logger: false });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await fresh?.drop();
  });

  it('reports healthy when the database and Redis answer', async () => {
    const res = await poll(
      async () => {
        const r = await app.inject({ method: 'GET', url: '/healthz' });
        return r.statusCode === 200 ? r : undefined;
      },
      10_000,
      '/healthz to answer 200',
    );
    expect(res.statusCode).toBe(200);
    expect(res.json<Health>()).toEqual({
      status: 'ok',
      checks: { database: { status: 'up', kind: 'postgres' }, redis: { status: 'up' } },
    });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/no/such/thing' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /no/such/thing' });
  });

  it('guards the admin API with the admin token', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/plans' })).statusCode).toBe(401);
    const wrong = await app.inject({ method: 'GET', url: '/v1/plans', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: 'Unauthorized', message: 'invalid token' });
    expect((await app.inject({ method: 'GET', url: '/v1/plans', headers: auth })).statusCode).toBe(200);
  });

  it('rejects invalid input with 400 and a message per field', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/plans',
      headers: auth,
      payload: { name: 'Bad Name', limits: { maxConnections: -5 }, maxAccounts: 'many', extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ message: string; details: Array<{ field: string; message: string }> }>();
    expect(body.message).toBe('validation failed');
    const fields = body.details.map((d) => d.field).sort();
    expect(fields).toEqual(['(body)', 'limits.maxConnections', 'maxAccounts', 'name']);
    expect(body.details.find((d) => d.field === 'name')?.message).toMatch(/lowercase letters/);

    const notJson = await app.inject({ method: 'POST', url: '/v1/plans', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"name":' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('creates, reads and lists plans; a duplicate is a 409 naming the field', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/plans',
      headers: auth,
      payload: { name: 'team', limits: { maxConnections: 100, maxPayload: 1048576 } },
    });
    expect(created.statusCode).toBe(201);
    const plan = created.json<{ id: string; name: string; limits: Record<string, number> }>();
    expect(plan).toMatchObject({ name: 'team', limits: { maxConnections: 100, maxPayload: 1048576, maxData: -1 } });

    const got = await app.inject({ method: 'GET', url: `/v1/plans/${plan.id}`, headers: auth });
    expect(got.json()).toMatchObject({ id: plan.id, name: 'team' });
    const list = await app.inject({ method: 'GET', url: '/v1/plans', headers: auth });
    expect(list.json<{ items: Array<{ name: string }> }>().items.map((p) => p.name)).toEqual(['free', 'team']);

    const dup = await app.inject({ method: 'POST', url: '/v1/plans', headers: auth, payload: { name: 'team' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toEqual({ statusCode: 409, error: 'Conflict', message: 'already exists', details: { fields: ['name'] } });

    expect((await app.inject({ method: 'GET', url: '/v1/plans/not-a-uuid', headers: auth })).statusCode).toBe(400);
    const missing = await app.inject({ method: 'GET', url: '/v1/plans/0190b6a4-0000-7000-8000-000000000000', headers: auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'plan not found' });
  });

  it('exports Prometheus metrics labelled by route template', async () => {
    await app.inject({ method: 'GET', url: '/v1/plans/0190b6a4-0000-7000-8000-000000000001', headers: auth });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toMatch(/switchboard_http_request_duration_seconds_count\{method="GET",route="\/v1\/plans\/:id",status_code="404"\} [1-9]/);
    expect(res.body).not.toContain('0190b6a4-0000-7000-8000-000000000001');
    expect(res.body).toContain('process_cpu_seconds_total');
  });

  it('serves OpenAPI at /docs with the zod request schemas', async () => {
    const ui = await app.inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    const spec = (await app.inject({ method: 'GET', url: '/docs-json' })).json<{
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: object } }> } }>>;
    }>();
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/healthz', '/v1/plans', '/v1/plans/{id}']));
    expect(spec.paths['/metrics']).toBeDefined();
    const plan = spec.paths['/v1/plans']!.post!.requestBody!.content['application/json']!.schema as {
      properties: { limits: { properties: Record<string, { type: string; minimum?: number; maximum?: number }> } };
    };
    expect(Object.keys(plan.properties)).toContain('limits');
    // JetStream limits as nats-server's JWT has them: counts >= -1 within their columns, one flag.
    expect(plan.properties.limits.properties).toMatchObject({
      jsDiskStorage: { type: 'integer', minimum: -1 },
      jsMaxAckPending: { type: 'integer', minimum: -1, maximum: 2147483647 },
      jsMemMaxStreamBytes: { type: 'integer', minimum: -1 },
      jsMaxBytesRequired: { type: 'boolean' },
    });
  });
});

describe('control plane with Redis unreachable', () => {
  let fresh: FreshDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    fresh = await freshDatabase();
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const config = loadConfig({ DATABASE_URL: fresh.url, REDIS_URL: 'redis://127.0.0.1:1' });
    app = await createApp({ ...config, masterKey: generateMasterKey().toString('hex') }, { logger: false });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await fresh?.drop();
  });

  it('answers /healthz with 503 and says which check failed', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    const body = res.json<Health>();
    expect(body.status).toBe('unavailable');
    expect(body.checks.database).toEqual({ status: 'up', kind: 'postgres' });
    expect(body.checks.redis.status).toBe('down');
    expect(body.checks.redis.error).toBeTruthy();
  });
});
