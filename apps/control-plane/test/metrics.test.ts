// The control plane's /metrics on real PostgreSQL: each counted API call moves its counter (and only
// a successful one), the entity gauges follow, dead letters come from the queue. Parsed by the test
// kit's strict reader, which also holds the names to Prometheus' conventions.
import { createUser } from '@nats-io/nkeys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheus, poll, sampleValue, type Exposition } from '@switchboard/testing';
import { startControlPlane, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startControlPlane();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

async function scrape(): Promise<Exposition> {
  const r = await h.app.inject({ method: 'GET', url: '/metrics' });
  expect(r.statusCode).toBe(200);
  return parsePrometheus(r.body);
}
const value = (m: Exposition, name: string, labels: Record<string, string> = {}) => sampleValue(m, name, labels) ?? 0;
/** The entity counts are re-read at most once a second: wait for the one that shows `ok`. */
const until = (ok: (m: Exposition) => boolean, what: string) =>
  poll(
    async () => {
      const m = await scrape();
      return ok(m) ? m : undefined;
    },
    10_000,
    what,
  );

describe('control plane /metrics', () => {
  it('counts signups by channel, credentials and revocations by kind; gauges follow the tables', async () => {
    const m0 = await scrape();
    expect(value(m0, 'switchboard_tenants', { status: 'active' })).toBe(0);
    expect(value(m0, 'switchboard_accounts')).toBe(1); // the system account
    for (const channel of ['api', 'console', 'operator']) expect(sampleValue(m0, 'switchboard_signups_total', { channel })).toBe(0);

    const a = await h.call('POST', '/v1/signup', undefined, { email: 'm@a.example', organization: 'A' });
    expect(a.status).toBe(201);
    expect((await h.call('POST', '/v1/signup', undefined, { email: 'not-an-email', organization: 'B' })).status).toBe(400);
    expect((await h.call('POST', '/v1/tenants', h.adminToken, { email: 'm@c.example', organization: 'C' })).status).toBe(201);
    const viaConsole = await h.app.inject({
      method: 'POST',
      url: '/v1/session/signup',
      payload: { organization: 'D', email: 'm@d.example', password: 'correct horse battery staple' },
    });
    expect(viaConsole.statusCode).toBe(201);

    const account = a.body.account.id as string;
    const user = await h.call('POST', `/v1/accounts/${account}/users`, a.body.token, { name: 'u', publicKey: createUser().getPublicKey() });
    expect(user.status).toBe(201);
    expect((await h.call('POST', `/v1/accounts/${account}/users/${user.body.id}/revoke`, a.body.token)).status).toBe(200);
    expect((await h.call('POST', `/v1/accounts/${account}/signing-keys?rotate=true`, a.body.token)).status).toBe(201);
    expect((await h.call('PATCH', `/v1/tenants/${a.body.tenant.id}`, h.adminToken, { status: 'suspended' })).status).toBe(200);

    const m = await until((x) => value(x, 'switchboard_tenants', { status: 'suspended' }) === 1, 'the suspension counted');
    expect(value(m, 'switchboard_signups_total', { channel: 'api' })).toBe(1);
    expect(value(m, 'switchboard_signups_total', { channel: 'operator' })).toBe(1);
    expect(value(m, 'switchboard_signups_total', { channel: 'console' })).toBe(1);
    expect(value(m, 'switchboard_user_credentials_issued_total')).toBe(1);
    expect(value(m, 'switchboard_revocations_total', { kind: 'user' })).toBe(1);
    expect(value(m, 'switchboard_revocations_total', { kind: 'signing_key' })).toBe(1);
    expect(value(m, 'switchboard_revocations_total', { kind: 'tenant_suspension' })).toBe(1);
    expect(value(m, 'switchboard_tenants', { status: 'active' })).toBe(2);
    expect(value(m, 'switchboard_accounts')).toBe(4);
    expect(value(m, 'switchboard_users', { state: 'revoked' })).toBe(1);
    expect(value(m, 'switchboard_http_request_duration_seconds_count', { method: 'POST', route: '/v1/signup', status_code: '400' })).toBe(1);
  });

  it('reports the queue: jobs by state and dead letters', async () => {
    const m0 = await scrape();
    expect(value(m0, 'switchboard_propagation_dead_letters')).toBe(0);
    expect(sampleValue(m0, 'switchboard_propagation_jobs', { state: 'waiting' })).toBe(0);
    h.queue.dead.push({ account: 'ADEAD', reason: 'broker down', attempts: 10, failedAt: new Date().toISOString() });
    expect(value(await scrape(), 'switchboard_propagation_dead_letters')).toBe(1);
    expect((await h.call('POST', '/v1/propagation/replay', h.adminToken)).status).toBeLessThan(300);
    expect(value(await scrape(), 'switchboard_propagation_dead_letters')).toBe(0);
  });
});
