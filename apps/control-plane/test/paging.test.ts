// Every list route honours ?limit=&offset= the same way (README: `{ items, total }`, limit 1–500,
// offset ≥ 0): pages are disjoint windows of the full list, in the same order, with the same total.
import { createAccount, createUser } from '@nats-io/nkeys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type Harness } from './harness.js';

describe('list paging', { timeout: 60_000 }, () => {
  let h: Harness;
  let admin: string;
  let acc = '';

  beforeAll(async () => {
    h = await startControlPlane();
    admin = h.adminToken;
    const ok = async (method: string, url: string, payload?: unknown, token = admin) => {
      const r = await h.call(method, url, token, payload);
      expect(r.status, `${method} ${url}: ${r.text}`).toBeLessThan(300);
      return r.body;
    };
    const a = await ok('POST', '/v1/signup', { email: 'a@paging.example', organization: 'A' }, undefined);
    await ok('POST', '/v1/signup', { email: 'b@paging.example', organization: 'B' }, undefined);
    await ok('POST', '/v1/signup', { email: 'c@paging.example', organization: 'C' }, undefined);
    acc = a.account.id;
    for (let i = 0; i < 3; i++) {
      await ok('POST', `/v1/accounts/${acc}/users`, { name: `u${i}`, publicKey: createUser().getPublicKey() });
      await ok('POST', `/v1/accounts/${acc}/exports`, { name: `e${i}`, subject: `e${i}.>`, type: 'stream' });
      await ok('POST', `/v1/accounts/${acc}/imports`, { name: `i${i}`, account: createAccount().getPublicKey(), subject: `i${i}.>`, type: 'stream' });
      await ok('POST', '/v1/tokens', { name: `t${i}`, role: 'tenant_member', tenantId: a.tenant.id });
      await ok('POST', '/v1/brokers', { name: `n${i}`, url: `nats://127.0.0.1:${4300 + i}` });
      await ok('POST', '/v1/plans', { name: `p${i}` });
    }
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const idOf = (x: { id?: string; publicKey?: string }) => x.id ?? x.publicKey;

  it.each([
    '/v1/tenants',
    '/v1/accounts',
    '/v1/accounts/:acc/users',
    '/v1/accounts/:acc/exports',
    '/v1/accounts/:acc/imports',
    '/v1/tokens',
    '/v1/brokers',
    '/v1/audit',
    '/v1/plans',
  ])('%s: limit and offset select a window of the whole list', async (pattern) => {
    const url = pattern.replace(':acc', acc);
    const all = await h.call('GET', `${url}?limit=500`, admin);
    expect(all.status).toBe(200);
    const ids = all.body.items.map(idOf);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(all.body.total).toBe(ids.length);
    const seen: string[] = [];
    for (let offset = 0; offset < ids.length; offset += 2) {
      const p = await h.call('GET', `${url}?limit=2&offset=${offset}`, admin);
      expect(p.status).toBe(200);
      expect(p.body.total).toBe(ids.length);
      expect(p.body.items.length).toBe(Math.min(2, ids.length - offset));
      seen.push(...p.body.items.map(idOf));
    }
    expect(seen).toEqual(ids);
    expect((await h.call('GET', `${url}?offset=${ids.length}`, admin)).body).toEqual({ items: [], total: ids.length });
    for (const bad of ['limit=0', 'limit=501', 'offset=-1', 'limit=x']) {
      const r = await h.call('GET', `${url}?${bad}`, admin);
      expect(r.status, `${url}?${bad}`).toBe(400);
      expect(r.body.details[0].field).toBe(bad.split('=')[0]);
    }
  });
});
