// Faults found by trying the API as a hostile user (issue 9): each answered in the API's own terms,
// never with a 500 or a silently wrong result.
import { createAccount } from '@nats-io/nkeys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type Harness } from './harness.js';

describe('control-plane faults', { timeout: 60_000 }, () => {
  let h: Harness;
  let admin: string;
  const A = { tenantId: '', accountId: '', publicKey: '', token: '' };
  const B = { tenantId: '', accountId: '', publicKey: '', token: '' };

  beforeAll(async () => {
    h = await startControlPlane({ SIGNUPS_PER_HOUR: '3' });
    admin = h.adminToken;
    for (const [t, email] of [
      [A, 'a@faults.example'],
      [B, 'b@faults.example'],
    ] as const) {
      const r = await h.call('POST', '/v1/signup', undefined, { email, organization: email }, '10.0.0.1');
      expect(r.status).toBe(201);
      Object.assign(t, { tenantId: r.body.tenant.id, accountId: r.body.account.id, publicKey: r.body.account.publicKey, token: r.body.token });
    }
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const fields = (r: { body: { details?: { field: string }[] } }) => (r.body.details ?? []).map((d) => d.field);

  it('refuses a NUL byte or a lone surrogate with 400 naming the field (PostgreSQL would refuse it: was 500)', async () => {
    const org = await h.call('POST', '/v1/signup', undefined, { email: 'nul@faults.example', organization: 'Ac\u0000me' }, '10.0.0.2');
    expect(org.status).toBe(400);
    expect(fields(org)).toEqual(['organization']);
    for (const name of ['ci\u0000', 'ci\ud800', '\udfffci']) {
      const t = await h.call('POST', '/v1/tokens', A.token, { name, role: 'tenant_member' });
      expect(t.status, JSON.stringify(name)).toBe(400);
      expect(fields(t)).toEqual(['name']);
    }
    const e = await h.call('POST', `/v1/accounts/${A.accountId}/exports`, A.token, { name: 'x', subject: 'a.\u0000', type: 'stream' });
    expect(e.status).toBe(400);
    expect(fields(e)).toEqual(['subject']);
    // Every string field has a length bound, named in the 400.
    const long = await h.call('POST', '/v1/tokens', A.token, { name: 'ok', role: 'tenant_member', expiresIn: '1'.repeat(5000) });
    expect(long.status).toBe(400);
    expect(fields(long)).toEqual(['expiresIn']);
    const q = await h.call('GET', `/v1/accounts?tenant=%00`, admin);
    expect(q.status).toBe(400);
    expect(fields(q)).toEqual(['tenant']);
    const p = await h.call('DELETE', `/v1/accounts/${A.accountId}/signing-keys/A%00B`, A.token);
    expect(p.status).toBe(400);
    expect(fields(p)).toEqual(['publicKey']);
  });

  it('accepts JSON bodies only: a cross-site form (urlencoded) or text gets 415', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const r = await h.app.inject({
        method: 'POST',
        url: '/v1/signup',
        headers: { 'content-type': type },
        payload: 'email=f%40faults.example&organization=F',
      });
      expect(r.statusCode, type).toBe(415);
      expect(r.json()).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    }
    const t = await h.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { authorization: `Bearer ${A.token}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=x&role=tenant_admin',
    });
    expect(t.statusCode).toBe(415);
    const json = await h.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { authorization: `Bearer ${A.token}`, 'content-type': 'application/json; charset=utf-8' },
      payload: '{"name":"j","role":"tenant_member"}',
    });
    expect(json.statusCode).toBe(201);
    // No body, no content type: still fine (revoke, add signing key).
    expect((await h.call('POST', `/v1/accounts/${A.accountId}/signing-keys`, A.token)).status).toBe(201);
  });

  it('takes the Authorization scheme in any case ("bearer", "BEARER")', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const r = await h.app.inject({ method: 'GET', url: `/v1/accounts/${A.accountId}`, headers: { authorization: `${scheme} ${A.token}` } });
      expect(r.statusCode, scheme).toBe(200);
    }
    expect((await h.app.inject({ method: 'GET', url: '/v1/operator', headers: { authorization: `Basic ${admin}` } })).statusCode).toBe(401);
  });

  it('answers 429 with Retry-After (seconds until the window reopens)', async () => {
    let r = await h.app.inject({ method: 'POST', url: '/v1/signup', remoteAddress: '10.0.0.1', payload: { email: 'c@faults.example', organization: 'C' } });
    expect(r.statusCode).toBe(201);
    r = await h.app.inject({ method: 'POST', url: '/v1/signup', remoteAddress: '10.0.0.1', payload: { email: 'd@faults.example', organization: 'D' } });
    expect(r.statusCode).toBe(429);
    const after = Number(r.headers['retry-after']);
    expect(Number.isInteger(after)).toBe(true);
    expect(after).toBeGreaterThan(3000);
    expect(after).toBeLessThanOrEqual(3600);
  });

  it("refuses POST /v1/tokens for another tenant's tenantId (was: a token for the caller's own tenant)", async () => {
    const r = await h.call('POST', '/v1/tokens', A.token, { name: 'x', role: 'tenant_admin', tenantId: B.tenantId });
    expect(r.status).toBe(403);
    const own = await h.call('POST', '/v1/tokens', A.token, { name: 'own', role: 'tenant_member', tenantId: A.tenantId });
    expect(own.status).toBe(201); // The same rule for invites and member lists (they too ignored the other tenant's id).
    expect((await h.call('POST', '/v1/invites', A.token, { role: 'member', tenantId: B.tenantId })).status).toBe(403);
    expect((await h.call('GET', `/v1/members?tenant=${B.tenantId}`, A.token)).status).toBe(403);
    expect((await h.call('POST', '/v1/invites', A.token, { role: 'member', tenantId: A.tenantId })).status).toBe(201);
  });

  it('refuses an import of a token-required export without a token, saying a token is needed (was: stored, never working)', async () => {
    expect(
      (await h.call('POST', `/v1/accounts/${A.accountId}/exports`, A.token, { name: 'priv', subject: 'priv.>', type: 'service', tokenRequired: true })).status,
    ).toBe(201);
    expect((await h.call('POST', `/v1/accounts/${A.accountId}/exports`, A.token, { name: 'pub', subject: 'pub.>', type: 'stream' })).status).toBe(201);
    for (const subject of ['priv.>', 'priv.x']) {
      const r = await h.call('POST', `/v1/accounts/${B.accountId}/imports`, B.token, { name: 'priv', account: A.publicKey, subject, type: 'service' });
      expect(r.status, subject).toBe(400);
      expect(r.body.details).toEqual([{ field: 'token', message: expect.stringMatching(/token.*(required|needed)/i) }]);
    }
    const ok = await h.call('POST', `/v1/accounts/${B.accountId}/imports`, B.token, { name: 'pub', account: A.publicKey, subject: 'pub.>', type: 'stream' });
    expect(ok.status).toBe(201);
    // An exporter outside this control plane is the broker's business (nothing to check here).
    expect(
      (
        await h.call('POST', `/v1/accounts/${B.accountId}/imports`, B.token, {
          name: 'far',
          account: createAccount().getPublicKey(),
          subject: 'far.>',
          type: 'stream',
        })
      ).status,
    ).toBe(201);
  });

  it('lets the operator create tenants with POST /v1/tenants, beyond the public signup limit; tenants may not', async () => {
    for (const n of [1, 2, 3, 4]) {
      const r = await h.call('POST', '/v1/tenants', admin, { email: `op${n}@faults.example`, organization: `Op ${n}`, plan: 'free' }, '10.0.0.1');
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ tenant: { name: `Op ${n}`, plan: 'free', status: 'active' }, account: { name: 'default' }, token: expect.any(String) });
    }
    expect((await h.call('POST', '/v1/tenants', A.token, { email: 'x@faults.example', organization: 'X' })).status).toBe(403);
    expect((await h.call('POST', '/v1/tenants', undefined, { email: 'y@faults.example', organization: 'Y' })).status).toBe(401);
    // Audited as the operator's act, not as a signup.
    const audit = (await h.call('GET', '/v1/audit?limit=500', admin)).body.items;
    expect(audit.filter((e: { action: string; actor: string }) => e.action === 'tenant.create' && e.actor.startsWith('token:'))).toHaveLength(4);
  });
});
