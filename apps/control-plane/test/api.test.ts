// The REST API on real PostgreSQL: signup, accounts, users, revocation, exports/imports, tokens,
// the role matrix across two tenants, validation, and that no seed ever leaves the server.
import { createAccount, createUser, fromSeed } from '@nats-io/nkeys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUser, checkAccount, checkActivation, decode, trustOperators, verify, type AccountClaims, type Trust } from '@switchboard/nats-jwt';
import { SEED, startControlPlane, type Harness } from './harness.js';

const sign = (seed: Uint8Array, nonce: string) => Buffer.from(fromSeed(seed).sign(Buffer.from(nonce))).toString('base64url');

describe('control-plane REST API', { timeout: 60_000 }, () => {
  let h: Harness;
  let trust: Trust;
  let admin: string;
  // tenant A and B, from signup
  const A = { tenantId: '', accountId: '', publicKey: '', token: '', memberToken: '' };
  const B = { tenantId: '', accountId: '', publicKey: '', token: '' };

  beforeAll(async () => {
    h = await startControlPlane({ SIGNUPS_PER_HOUR: '5', SWITCHBOARD_ACCOUNT_SERVER_URL: 'http://127.0.0.1:9/jwt/v1' });
    admin = h.adminToken;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const accountJwt = async (id: string, token = admin) => (await h.call('GET', `/v1/accounts/${id}/jwt`, token)).text;
  const accountClaims = async (id: string) => decode<AccountClaims>(await accountJwt(id)).claims;

  it('bootstraps the operator once: admin token written to a 0600 file, operator JWT self-signed, system account trusted', async () => {
    expect(admin.split('.')).toHaveLength(3);
    expect(h.tokenFileMode & 0o777).toBe(0o600);
    expect(h.logs.join('\n')).toContain('operator admin API token written to');
    expect(h.logs.join('\n')).not.toContain(admin);
    const op = await h.call('GET', '/v1/operator', admin);
    expect(op.status).toBe(200);
    expect(op.body).toMatchObject({ name: 'switchboard', accountServerUrl: 'http://127.0.0.1:9/jwt/v1' });
    expect(verify(op.body.jwt, { type: 'operator' }).claims.sub).toBe(op.body.publicKey);
    trust = trustOperators([op.body.jwt]);
    expect(checkAccount(op.body.systemAccount.jwt, trust).ok).toBe(true);
    expect((await h.call('GET', '/v1/operator')).status).toBe(401);
    expect((await h.call('GET', '/v1/operator', 'not.a.token')).body).toMatchObject({ statusCode: 401, message: 'invalid token' });
  });

  it('serves the NATS URL resolver without auth', async () => {
    const op = (await h.call('GET', '/v1/operator', admin)).body;
    expect((await h.call('GET', '/jwt/v1/accounts/')).status).toBe(200);
    const sys = await h.call('GET', `/jwt/v1/accounts/${op.systemAccount.publicKey}`);
    expect(sys.status).toBe(200);
    expect(sys.text).toBe(op.systemAccount.jwt);
    expect((await h.call('GET', `/jwt/v1/accounts/${createAccount().getPublicKey()}`)).status).toBe(404);
    expect((await h.call('GET', '/jwt/v1/accounts/not-a-key')).status).toBe(404);
    expect((await h.call('GET', '/jwt/v1/operator')).text).toBe(op.jwt);
  });

  it('signs up a tenant: account JWT signed by the operator with the plan limits, token shown once, propagation queued', async () => {
    const r = await h.call('POST', '/v1/signup', undefined, { email: 'Ops@Acme.example', organization: 'Acme' });
    expect(r.status).toBe(201);
    expect(r.body.tenant).toMatchObject({ name: 'Acme', email: 'ops@acme.example', plan: 'free', status: 'active' });
    expect(r.body.account).toMatchObject({ name: 'default' });
    Object.assign(A, { tenantId: r.body.tenant.id, accountId: r.body.account.id, publicKey: r.body.account.publicKey, token: r.body.token });
    const jwt = await accountJwt(A.accountId, A.token);
    const check = checkAccount(jwt, trust, { account: A.publicKey });
    expect(check.ok, JSON.stringify(check)).toBe(true);
    expect((check as { claims: AccountClaims }).claims.nats.limits).toMatchObject({ conn: 100, subs: 1000, payload: 1048576, imports: 10, exports: 10 });
    expect(h.queue.enqueued).toContain(A.publicKey);
    expect((await h.call('GET', `/jwt/v1/accounts/${A.publicKey}`)).text).toBe(jwt);

    const b = await h.call('POST', '/v1/signup', undefined, { email: 'root@beta.example', organization: 'Beta' });
    expect(b.status).toBe(201);
    Object.assign(B, { tenantId: b.body.tenant.id, accountId: b.body.account.id, publicKey: b.body.account.publicKey, token: b.body.token });
  });

  it('refuses a duplicate email with 409 and writes nothing of it', async () => {
    const before = (await h.call('GET', '/v1/tenants', admin)).body.total;
    const dup = await h.call('POST', '/v1/signup', undefined, { email: 'OPS@acme.example', organization: 'Acme again' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect((await h.call('GET', '/v1/tenants', admin)).body.total).toBe(before);
    const accounts = (await h.call('GET', '/v1/accounts', admin)).body;
    expect(accounts.items.filter((a: { name: string }) => a.name === 'default')).toHaveLength(2);
  });

  it('validates signup input with 400 per field', async () => {
    const r = await h.call('POST', '/v1/signup', undefined, { email: 'nope', organization: '', extra: true });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('validation failed');
    expect(r.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['(body)', 'email', 'organization']);
    const plan = await h.call('POST', '/v1/signup', undefined, { email: 'x@y.example', organization: 'X', plan: 'platinum' });
    expect(plan.status).toBe(400);
    expect(plan.body.details).toEqual([{ field: 'plan', message: 'no plan named platinum' }]);
  });

  it('rate-limits signups per client address (429)', async () => {
    const ip = '10.9.8.7';
    for (let i = 0; i < 5; i++) {
      expect((await h.call('POST', '/v1/signup', undefined, { email: `r${i}@rate.example`, organization: `R${i}` }, ip)).status).toBe(201);
    }
    const over = await h.call('POST', '/v1/signup', undefined, { email: 'r9@rate.example', organization: 'R9' }, ip);
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect((await h.call('POST', '/v1/signup', undefined, { email: 'r9@rate.example', organization: 'R9' }, '10.9.8.6')).status).toBe(201);
  });

  it('issues user JWTs from a client-made public key; the broker chain check accepts them', async () => {
    const u = createUser();
    const r = await h.call('POST', `/v1/accounts/${A.accountId}/users`, A.token, {
      name: 'alice',
      publicKey: u.getPublicKey(),
      permissions: { pub: { allow: ['orders.>'] }, sub: { allow: ['_INBOX.>'] }, resp: { max: 1, ttl: '5s' } },
      expiresIn: '24h',
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'alice', publicKey: u.getPublicKey() });
    expect(Date.parse(r.body.expiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    const ok = authorizeUser({ userJwt: r.body.jwt, accountJwt: await accountJwt(A.accountId), trust, nonce: 'n0', sig: sign(u.getSeed(), 'n0') });
    expect(ok.ok, JSON.stringify(ok)).toBe(true);
    expect(ok).toMatchObject({ account: A.publicKey, userName: 'alice' });
    const got = await h.call('GET', `/v1/accounts/${A.accountId}/users/${r.body.id}`, A.token);
    expect(got.body.jwt).toBe(r.body.jwt);
    expect((await h.call('GET', `/v1/accounts/${A.accountId}/users`, A.token)).body.total).toBe(1);
  });

  it('refuses a seed sent as the public key with 400, without echoing it', async () => {
    const seed = new TextDecoder().decode(createUser().getSeed());
    const r = await h.call('POST', `/v1/accounts/${A.accountId}/users`, A.token, { name: 'oops', publicKey: seed });
    expect(r.status).toBe(400);
    expect(r.body.details[0].field).toBe('publicKey');
    expect(r.text).not.toContain(seed);
    expect(h.logs.join('\n')).not.toContain(seed);
    const acct = await h.call('POST', `/v1/accounts/${A.accountId}/users`, A.token, { name: 'oops', publicKey: createAccount().getPublicKey() });
    expect(acct.status).toBe(400);
    const bad = await h.call('POST', `/v1/accounts/${A.accountId}/users`, A.token, { name: 'bad name!', publicKey: 'U', expiresIn: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toContain('name');
    const perms = await h.call('POST', `/v1/accounts/${A.accountId}/users`, A.token, {
      name: 'perm',
      publicKey: createUser().getPublicKey(),
      permissions: { pub: { allow: ['ok.>'], deny: ['a..b'] }, sub: { allow: ['q.* workers', 'a b c', '>.x'] } },
    });
    expect(perms.status).toBe(400);
    expect(perms.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'permissions.pub.deny.0',
      'permissions.sub.allow.1',
      'permissions.sub.allow.2',
    ]);
    expect(perms.body.details[0].message).toMatch(/not a valid subject/);
  });

  it('revokes a user: the re-signed account JWT refuses it, and propagation is queued', async () => {
    const u = createUser();
    const created = (await h.call('POST', `/v1/accounts/${A.accountId}/users`, A.token, { name: 'bob', publicKey: u.getPublicKey() })).body;
    const queued = h.queue.enqueued.length;
    const r = await h.call('POST', `/v1/accounts/${A.accountId}/users/${created.id}/revoke`, A.token);
    expect(r.status).toBe(200);
    expect(typeof r.body.revokedAt).toBe('string');
    const claims = await accountClaims(A.accountId);
    expect(Object.keys(claims.nats.revocations ?? {})).toContain(u.getPublicKey());
    const refused = authorizeUser({ userJwt: created.jwt, accountJwt: await accountJwt(A.accountId), trust, nonce: 'n', sig: sign(u.getSeed(), 'n') });
    expect(refused.ok).toBe(false);
    expect(h.queue.enqueued.slice(queued)).toEqual([A.publicKey]);
  });

  it('gives every re-signed account JWT a later iat, even within one second (brokers keep the newest by iat)', async () => {
    const iats: number[] = [];
    for (let i = 0; i < 3; i++) {
      const u = createUser();
      const created = (await h.call('POST', `/v1/accounts/${A.accountId}/users`, A.token, { name: `iat${i}`, publicKey: u.getPublicKey() })).body;
      expect((await h.call('POST', `/v1/accounts/${A.accountId}/users/${created.id}/revoke`, A.token)).status).toBe(200);
      iats.push((await accountClaims(A.accountId)).iat!);
    }
    expect(iats[1]).toBeGreaterThan(iats[0]!);
    expect(iats[2]).toBeGreaterThan(iats[1]!);
  });

  it('loses no revocation when several land at once (account JWT rebuilds are serialised)', async () => {
    const keys = Array.from({ length: 5 }, () => createUser().getPublicKey());
    const users = [];
    for (const [i, publicKey] of keys.entries())
      users.push((await h.call('POST', `/v1/accounts/${A.accountId}/users`, A.token, { name: `many-${i}`, publicKey })).body);
    const results = await Promise.all(users.map((u) => h.call('POST', `/v1/accounts/${A.accountId}/users/${u.id}/revoke`, A.token)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const revoked = Object.keys((await accountClaims(A.accountId)).nats.revocations ?? {});
    expect(revoked).toEqual(expect.arrayContaining(keys));
  });

  it('keeps tenants apart: another tenant sees 404, never the object', async () => {
    const users = (await h.call('GET', `/v1/accounts/${A.accountId}/users`, A.token)).body.items;
    for (const [m, url, payload] of [
      ['GET', `/v1/accounts/${A.accountId}`],
      ['GET', `/v1/accounts/${A.accountId}/jwt`],
      ['GET', `/v1/accounts/${A.accountId}/users`],
      ['GET', `/v1/accounts/${A.accountId}/users/${users[0].id}`],
      ['POST', `/v1/accounts/${A.accountId}/users`, { name: 'x', publicKey: createUser().getPublicKey() }],
      ['POST', `/v1/accounts/${A.accountId}/users/${users[0].id}/revoke`],
      ['GET', `/v1/accounts/${A.accountId}/exports`],
      ['POST', `/v1/accounts/${A.accountId}/signing-keys`],
      ['DELETE', `/v1/accounts/${A.accountId}`],
      ['GET', `/v1/tenants/${A.tenantId}`],
      ['GET', `/v1/accounts/${A.accountId}/usage`],
    ] as [string, string, unknown?][]) {
      const r = await h.call(m, url, B.token, payload);
      expect(r.status, `${m} ${url}`).toBe(404);
    }
    const list = (await h.call('GET', '/v1/accounts', B.token)).body;
    expect(list.items.map((a: { id: string }) => a.id)).toEqual([B.accountId]);
    expect((await h.call('GET', `/v1/tenants/${B.tenantId}`, B.token)).body).toMatchObject({ id: B.tenantId, name: 'Beta' });
  });

  it('enforces roles: tenant_member reads and creates users only; operator-only routes refuse tenants', async () => {
    const t = await h.call('POST', '/v1/tokens', A.token, { name: 'ci', role: 'tenant_member' });
    expect(t.status).toBe(201);
    A.memberToken = t.body.token;
    const m = A.memberToken;
    expect((await h.call('GET', `/v1/accounts/${A.accountId}`, m)).status).toBe(200);
    expect((await h.call('POST', `/v1/accounts/${A.accountId}/users`, m, { name: 'from-member', publicKey: createUser().getPublicKey() })).status).toBe(201);
    const users = (await h.call('GET', `/v1/accounts/${A.accountId}/users`, m)).body.items;
    const forbidden: [string, string, unknown?][] = [
      ['POST', `/v1/accounts/${A.accountId}/users/${users[0].id}/revoke`],
      ['POST', `/v1/accounts/${A.accountId}/exports`, { name: 'e', subject: 'a.>', type: 'stream' }],
      ['POST', '/v1/accounts', { name: 'second' }],
      ['POST', `/v1/accounts/${A.accountId}/signing-keys`],
      ['GET', '/v1/tokens'],
      ['POST', '/v1/tokens', { name: 'x', role: 'tenant_admin' }],
      ['GET', '/v1/audit'],
    ];
    for (const [method, url, payload] of forbidden) expect((await h.call(method, url, m, payload)).status, `member ${method} ${url}`).toBe(403);
    const operatorOnly: [string, string, unknown?][] = [
      ['GET', '/v1/tenants'],
      ['PATCH', `/v1/tenants/${A.tenantId}`, { plan: 'free' }],
      ['DELETE', `/v1/tenants/${A.tenantId}`],
      ['PATCH', `/v1/accounts/${A.accountId}`, { limits: { maxConnections: 1 } }],
      ['POST', '/v1/plans', { name: 'gold' }],
      ['GET', '/v1/brokers'],
      ['POST', '/v1/brokers', { name: 'n1', url: 'nats://127.0.0.1:4222' }],
    ];
    for (const [method, url, payload] of operatorOnly) {
      const r = await h.call(method, url, A.token, payload);
      expect(r.status, `tenant admin ${method} ${url}`).toBe(403);
      expect(r.body.error).toBe('Forbidden');
    }
    expect((await h.call('GET', '/v1/plans', m)).status).toBe(200);
  });

  it('revokes API tokens (401 afterwards) and lists only the own tenant’s', async () => {
    const list = (await h.call('GET', '/v1/tokens', A.token)).body;
    expect(list.items.every((t: { tenantId: string }) => t.tenantId === A.tenantId)).toBe(true);
    expect(JSON.stringify(list)).not.toMatch(/eyJ/); // tokens themselves are never listed
    const ci = list.items.find((t: { name: string }) => t.name === 'ci');
    expect((await h.call('DELETE', `/v1/tokens/${ci.id}`, B.token)).status).toBe(404);
    expect((await h.call('DELETE', `/v1/tokens/${ci.id}`, A.token)).status).toBe(204);
    const after = await h.call('GET', `/v1/accounts/${A.accountId}`, A.memberToken);
    expect(after.status).toBe(401);
    expect(after.body.message).toBe('token revoked');
  });

  it('exports, activation tokens and imports end up in the account JWTs as the broker checks them', async () => {
    const bad = await h.call('POST', `/v1/accounts/${A.accountId}/exports`, A.token, { name: 'x', subject: 'a..b', type: 'rpc' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['subject', 'type']);
    const e = await h.call('POST', `/v1/accounts/${A.accountId}/exports`, A.token, {
      name: 'help',
      subject: 'help.>',
      type: 'service',
      tokenRequired: true,
      responseType: 'Stream',
    });
    expect(e.status).toBe(201);
    expect((await h.call('POST', `/v1/accounts/${A.accountId}/exports`, A.token, { name: 'help2', subject: 'help.>', type: 'service' })).status).toBe(409);
    const act = await h.call('POST', `/v1/accounts/${A.accountId}/exports/${e.body.id}/activations`, A.token, { importer: B.publicKey, expiresIn: '7d' });
    expect(act.status).toBe(201);
    const imp = await h.call('POST', `/v1/accounts/${B.accountId}/imports`, B.token, {
      name: 'help',
      account: A.publicKey,
      subject: 'help.>',
      localSubject: 'acme.help.>',
      type: 'service',
      token: act.body.token,
    });
    expect(imp.status).toBe(201);
    const aClaims = checkAccount(await accountJwt(A.accountId), trust);
    const bClaims = checkAccount(await accountJwt(B.accountId), trust);
    expect(aClaims.ok && bClaims.ok).toBe(true);
    const exporter = (aClaims as { claims: AccountClaims }).claims;
    const importer = (bClaims as { claims: AccountClaims }).claims;
    expect(exporter.nats.exports).toEqual([{ name: 'help', subject: 'help.>', type: 'service', token_req: true, response_type: 'Stream' }]);
    const i = importer.nats.imports![0]!;
    expect(i).toMatchObject({ account: A.publicKey, subject: 'help.>', local_subject: 'acme.help.>', type: 'service' });
    expect(checkActivation({ importer: B.publicKey, import: i, exporter }).ok).toBe(true);
    expect((await h.call('GET', `/v1/accounts/${B.accountId}/imports`, B.token)).body.items[0]).toMatchObject({
      account: A.publicKey,
      localSubject: 'acme.help.>',
    });
    // removal re-signs without it
    expect((await h.call('DELETE', `/v1/accounts/${B.accountId}/imports/${imp.body.id}`, B.token)).status).toBe(204);
    expect((await accountClaims(B.accountId)).nats.imports).toBeUndefined();
    expect((await h.call('DELETE', `/v1/accounts/${A.accountId}/exports/${e.body.id}`, A.token)).status).toBe(204);
    expect((await accountClaims(A.accountId)).nats.exports).toBeUndefined();
  });

  it('adds, rotates and removes account signing keys', async () => {
    const before = (await h.call('GET', `/v1/accounts/${A.accountId}`, A.token)).body.signingKeys;
    expect(before).toHaveLength(1);
    const added = await h.call('POST', `/v1/accounts/${A.accountId}/signing-keys`, A.token);
    expect(added.status).toBe(201);
    expect((await accountClaims(A.accountId)).nats.signing_keys).toEqual([before[0].publicKey, added.body.publicKey]);
    const rotated = await h.call('POST', `/v1/accounts/${A.accountId}/signing-keys?rotate=true`, A.token);
    expect((await accountClaims(A.accountId)).nats.signing_keys).toEqual([rotated.body.publicKey]);
    const last = await h.call('DELETE', `/v1/accounts/${A.accountId}/signing-keys/${rotated.body.publicKey}`, A.token);
    expect(last.status).toBe(409);
    expect((await h.call('DELETE', `/v1/accounts/${A.accountId}/signing-keys/${before[0].publicKey}`, A.token)).status).toBe(404);
    // users issued now chain to the new key
    const u = createUser();
    const r = await h.call('POST', `/v1/accounts/${A.accountId}/users`, A.token, { name: 'carol', publicKey: u.getPublicKey() });
    expect(decode(r.body.jwt).claims.iss).toBe(rotated.body.publicKey);
  });

  it('applies plan limits, operator overrides and plan changes to the account JWT; enforces maxAccounts', async () => {
    const p = await h.call('POST', '/v1/plans', admin, { name: 'team', limits: { maxConnections: 500, maxPayload: 2097152 }, maxAccounts: 2 });
    expect(p.status).toBe(201);
    const patched = await h.call('PATCH', `/v1/tenants/${A.tenantId}`, admin, { plan: 'team' });
    expect(patched.body).toMatchObject({ plan: 'team' });
    expect((await accountClaims(A.accountId)).nats.limits).toMatchObject({ conn: 500, payload: 2097152, subs: -1 });
    const o = await h.call('PATCH', `/v1/accounts/${A.accountId}`, admin, { limits: { maxConnections: 7 } });
    expect(o.status).toBe(200);
    expect(o.body.limits).toMatchObject({ maxConnections: 7, maxPayload: 2097152 });
    expect((await accountClaims(A.accountId)).nats.limits).toMatchObject({ conn: 7 });
    expect((await h.call('PATCH', `/v1/accounts/${A.accountId}`, admin, { limits: { maxConnections: 'lots' } })).status).toBe(400);

    // One slot left on the plan and three creates at once: exactly one gets it.
    const racing = await Promise.all(['second', 'second-b', 'second-c'].map((name) => h.call('POST', '/v1/accounts', A.token, { name })));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const second = racing.find((r) => r.status === 201)!;
    expect(checkAccount(second.body.jwt, trust, { account: second.body.publicKey }).ok).toBe(true);
    const third = await h.call('POST', '/v1/accounts', A.token, { name: 'third' });
    expect(third.status).toBe(409);
    expect(third.body.message).toBe('plan team allows 2 account(s)');
    expect((await h.call('POST', '/v1/accounts', admin, { name: 'x' })).body.details).toEqual([{ field: 'tenantId', message: 'required for operator admins' }]);
    expect((await h.call('DELETE', `/v1/accounts/${second.body.id}`, A.token)).status).toBe(204);
    expect((await h.call('GET', `/jwt/v1/accounts/${second.body.publicKey}`)).status).toBe(404);
    expect(h.queue.enqueued.at(-1)).toBe(second.body.publicKey);
  });

  it("carries JetStream limits: plans and account overrides take them, the JWT has nats-server's names, a plan change pushes them", async () => {
    const js = {
      jsMemoryStorage: 1048576,
      jsDiskStorage: 1073741824,
      jsStreams: 10,
      jsConsumers: 100,
      jsMaxAckPending: 500,
      jsMemMaxStreamBytes: 524288,
      jsDiskMaxStreamBytes: 268435456,
      jsMaxBytesRequired: true,
    };
    const p = await h.call('POST', '/v1/plans', admin, { name: 'js', limits: js });
    expect(p.status).toBe(201);
    expect(p.body.limits).toMatchObject(js);
    expect((await h.call('GET', `/v1/plans/${p.body.id}`, admin)).body.limits).toMatchObject(js);
    // Bad values are refused with the field named: a number for the flag, a count beyond its column, below -1.
    for (const limits of [{ jsMaxBytesRequired: 1 }, { jsMaxAckPending: 2 ** 31 }, { jsDiskStorage: -2 }, { jsStreams: true }]) {
      const r = await h.call('POST', '/v1/plans', admin, { name: 'bad', limits });
      expect(r.status, JSON.stringify(limits)).toBe(400);
      expect(r.body.details[0].field).toBe(`limits.${Object.keys(limits)[0]}`);
    }
    expect((await h.call('PATCH', `/v1/tenants/${B.tenantId}`, admin, { plan: 'js' })).status).toBe(200);
    expect((await accountClaims(B.accountId)).nats.limits).toMatchObject({
      mem_storage: 1048576,
      disk_storage: 1073741824,
      streams: 10,
      consumer: 100,
      max_ack_pending: 500,
      mem_max_stream_bytes: 524288,
      disk_max_stream_bytes: 268435456,
      max_bytes_required: true,
    });
    // A plan change re-signs and announces every account on it.
    const queued = h.queue.enqueued.length;
    const patched = await h.call('PATCH', `/v1/plans/${p.body.id}`, admin, { limits: { jsStreams: 20, jsMaxBytesRequired: false } });
    expect(patched.body).toMatchObject({ accountsChanged: 1, limits: { jsStreams: 20, jsMaxBytesRequired: false } });
    expect(h.queue.enqueued.slice(queued)).toEqual([B.publicKey]);
    const after = (await accountClaims(B.accountId)).nats.limits!;
    expect(after).toMatchObject({ streams: 20, disk_storage: 1073741824 });
    expect(after).not.toHaveProperty('max_bytes_required');
    // An account override, and its removal.
    const o = await h.call('PATCH', `/v1/accounts/${B.accountId}`, admin, { limits: { jsMaxBytesRequired: true, jsDiskStorage: -1 } });
    expect(o.body.limits).toMatchObject({ jsMaxBytesRequired: true, jsDiskStorage: -1, jsStreams: 20 });
    expect((await accountClaims(B.accountId)).nats.limits).toMatchObject({ max_bytes_required: true, disk_storage: -1 });
    const cleared = await h.call('PATCH', `/v1/accounts/${B.accountId}`, admin, { limits: { jsMaxBytesRequired: null, jsDiskStorage: null } });
    expect(cleared.body.limits).toMatchObject({ jsMaxBytesRequired: false, jsDiskStorage: 1073741824 });
    expect((await h.call('PATCH', `/v1/tenants/${B.tenantId}`, admin, { plan: 'free' })).status).toBe(200);
    // Back on the free plan: its modest JetStream limits (a fresh install's default plan has JetStream on).
    expect((await accountClaims(B.accountId)).nats.limits).toMatchObject({ mem_storage: 64 << 20, disk_storage: 1 << 30, streams: 10, consumer: 100 });
  });

  it('suspends a tenant (its tokens get 403, its users are revoked with "*"), resumes it, and deletes one (its accounts leave the resolver)', async () => {
    const u = createUser();
    const user = (await h.call('POST', `/v1/accounts/${B.accountId}/users`, B.token, { name: 'bee', publicKey: u.getPublicKey() })).body;
    const admits = async () =>
      authorizeUser({ userJwt: user.jwt, accountJwt: await accountJwt(B.accountId), trust, nonce: 'n', sig: sign(u.getSeed(), 'n') }).ok;
    expect(await admits()).toBe(true);
    const queued = h.queue.enqueued.length;
    expect((await h.call('PATCH', `/v1/tenants/${B.tenantId}`, admin, { status: 'suspended' })).status).toBe(200);
    // Brokers refuse its users from the pushed JWT on: every user issued up to now is revoked.
    expect((await accountClaims(B.accountId)).nats.revocations?.['*']).toBeGreaterThanOrEqual(decode(user.jwt).claims.iat!);
    expect(await admits()).toBe(false);
    expect(h.queue.enqueued.slice(queued)).toEqual([B.publicKey]);
    const r = await h.call('GET', `/v1/accounts/${B.accountId}`, B.token);
    expect(r.status).toBe(403);
    expect(r.body.message).toBe('tenant suspended');
    // Resuming re-signs without "*" and announces it again.
    expect((await h.call('PATCH', `/v1/tenants/${B.tenantId}`, admin, { status: 'active' })).status).toBe(200);
    expect((await accountClaims(B.accountId)).nats.revocations?.['*']).toBeUndefined();
    expect(await admits()).toBe(true);
    expect(h.queue.enqueued.slice(queued)).toEqual([B.publicKey, B.publicKey]);
    expect((await h.call('GET', `/v1/accounts/${B.accountId}`, B.token)).status).toBe(200);
    expect((await h.call('DELETE', `/v1/tenants/${B.tenantId}`, admin)).status).toBe(204);
    expect((await h.call('GET', `/jwt/v1/accounts/${B.publicKey}`)).status).toBe(404);
    expect((await h.call('GET', `/v1/tenants/${B.tenantId}`, admin)).status).toBe(404);
    expect((await h.call('GET', `/v1/accounts/${B.accountId}`, B.token)).status).toBe(401);
  });

  it('manages brokers (operator admin)', async () => {
    expect((await h.call('POST', '/v1/brokers', admin, { name: 'n1', url: 'http://x' })).status).toBe(400);
    const queued = h.queue.enqueued.length;
    const b = await h.call('POST', '/v1/brokers', admin, { name: 'n1', url: 'nats://127.0.0.1:4222' });
    expect(b.status).toBe(201);
    // The new broker gets every account (the system account included), once each.
    const all = (await h.call('GET', '/v1/accounts?limit=500', admin)).body.items.map((a: { publicKey: string }) => a.publicKey);
    const sys = (await h.call('GET', '/v1/operator', admin)).body.systemAccount.publicKey;
    expect(h.queue.enqueued.slice(queued).sort()).toEqual([...new Set([...all, sys])].sort());
    expect((await h.call('GET', '/v1/brokers', admin)).body).toMatchObject({ total: 1, items: [{ name: 'n1', url: 'nats://127.0.0.1:4222' }] });
    expect((await h.call('DELETE', `/v1/brokers/${b.body.id}`, admin)).status).toBe(204);
    expect((await h.call('GET', '/v1/brokers', admin)).body.total).toBe(0);
  });

  it('audits every change: tenant admins see their own tenant only, operators everything', async () => {
    const mine = (await h.call('GET', '/v1/audit?limit=500', A.token)).body;
    expect(mine.items.every((e: { tenantId: string }) => e.tenantId === A.tenantId)).toBe(true);
    const actions = new Set(mine.items.map((e: { action: string }) => e.action));
    for (const a of [
      'tenant.signup',
      'account.create',
      'user.create',
      'user.revoke',
      'token.create',
      'token.revoke',
      'export.create',
      'export.activate',
      'signing_key.rotate',
      'account.delete',
    ]) {
      expect(actions, a).toContain(a);
    }
    const all = (await h.call('GET', '/v1/audit?limit=500', admin)).body;
    expect(all.total).toBeGreaterThan(mine.total);
    expect(new Set(all.items.map((e: { action: string }) => e.action))).toContain('broker.create');
    expect(all.items[0]).toEqual(
      expect.objectContaining({
        id: expect.any(String),
        at: expect.any(String),
        actor: expect.any(String),
        action: expect.any(String),
        target: expect.any(String),
      }),
    );
    expect((await h.call('GET', '/v1/audit?limit=0', admin)).status).toBe(400);
  });

  it('never puts a seed in a response body or a log line', () => {
    expect(h.bodies.length).toBeGreaterThan(50);
    expect(JSON.stringify({ seed: new TextDecoder().decode(createAccount().getSeed()) })).toMatch(SEED); // the probe itself works
    for (const b of h.bodies) expect(b).not.toMatch(SEED);
    for (const l of h.logs) expect(l).not.toMatch(SEED);
  });

  it('answers usage for the tenant’s own account (nothing reported yet; usage.test.ts has the rest)', async () => {
    const r = await h.call('GET', `/v1/accounts/${A.accountId}/usage`, A.token);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accountId: A.accountId, publicKey: A.publicKey, hourly: [] });
  });
});
