// Console sessions on real PostgreSQL: sign-up and sign-in with a password, the cookie, CSRF, expiry,
// sign-out, invites and the role matrix (viewer reads only, member cannot manage members, another
// tenant's ids are 404), sign-in rate limit, operator persons made with the admin token.
import { createUser } from '@nats-io/nkeys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@switchboard/db';
import { startControlPlane, type Harness } from './harness.js';

interface Res {
  status: number;
  body: any;
  cookies: string[];
}

/** A browser's view of the API: keeps the cookies it is given, sends X-CSRF-Token like the console. */
class Browser {
  readonly jar = new Map<string, string>();
  csrf = true;
  constructor(
    private readonly h: Harness,
    readonly address = '10.0.0.1',
  ) {}

  async call(method: string, url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<Res> {
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const csrf = this.jar.get('sb_csrf');
    const res = await this.h.app.inject({
      method: method as 'GET',
      url,
      remoteAddress: this.address,
      headers: { ...(cookie ? { cookie } : {}), ...(this.csrf && csrf ? { 'x-csrf-token': csrf } : {}), ...headers },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    this.h.bodies.push(res.body);
    const set = res.headers['set-cookie'];
    const cookies = set === undefined ? [] : Array.isArray(set) ? set : [set];
    for (const c of cookies) {
      const [pair] = c.split(';');
      const [k, v] = pair!.split('=');
      if (v) this.jar.set(k!, v);
      else this.jar.delete(k!);
    }
    let body: unknown = res.body;
    try {
      body = JSON.parse(res.body);
    } catch {
      /* empty or text */
    }
    return { status: res.statusCode, body, cookies };
  }
}

const PASSWORD = 'a long passphrase 42';

describe('console sessions, members and invites', { timeout: 60_000 }, () => {
  let h: Harness;
  let db: Database;
  const A = { owner: undefined as unknown as Browser, tenantId: '', accountId: '' };
  const B = { owner: undefined as unknown as Browser, tenantId: '', accountId: '', memberId: '', inviteId: '' };

  beforeAll(async () => {
    h = await startControlPlane();
    db = h.db;
    A.owner = new Browser(h, '10.0.0.1');
    B.owner = new Browser(h, '10.0.0.2');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const join = async (owner: Browser, role: string, email: string, address: string): Promise<Browser> => {
    const inv = await owner.call('POST', '/v1/invites', { role });
    expect(inv.status).toBe(201);
    const b = new Browser(h, address);
    const r = await b.call('POST', '/v1/invites/accept', { token: inv.body.token, email, password: PASSWORD });
    expect(r.status).toBe(200);
    return b;
  };

  it('signs up an organization (tenant + first account) and signs its owner in with an httpOnly SameSite cookie', async () => {
    const r = await A.owner.call('POST', '/v1/session/signup', { organization: 'Acme', email: 'Owner@Acme.test', password: PASSWORD });
    expect(r.status).toBe(201);
    const session = r.cookies.find((c) => c.startsWith('sb_session='))!;
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Strict/);
    expect(session).not.toMatch(/Secure/); // plain http here
    expect(r.cookies.find((c) => c.startsWith('sb_csrf='))).not.toMatch(/HttpOnly/);
    expect(r.body.csrfToken).toBe(A.owner.jar.get('sb_csrf'));
    expect(r.body).not.toHaveProperty('token'); // no API token minted for a console sign-up

    const me = await A.owner.call('GET', '/v1/session');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'owner@acme.test', operator: false, role: 'tenant_admin', tenant: { name: 'Acme', status: 'active' } });
    expect(me.body.memberships).toEqual([{ tenantId: me.body.tenant.id, name: 'Acme', role: 'owner' }]);
    A.tenantId = me.body.tenant.id;
    const accounts = await A.owner.call('GET', '/v1/accounts');
    expect(accounts.status).toBe(200);
    expect(accounts.body.items.map((a: { name: string }) => a.name)).toEqual(['default']);
    A.accountId = accounts.body.items[0].id;

    const person = await db.prisma.person.findUniqueOrThrow({ where: { email: 'owner@acme.test' } });
    expect(person.passwordHash).toMatch(/^scrypt\$/);
    const row = await db.prisma.session.findFirstOrThrow({ where: { personId: person.id } });
    expect(row.tokenHash).not.toBe(A.owner.jar.get('sb_session')); // only the hash is stored

    const b = await B.owner.call(
      'POST',
      '/v1/session/signup',
      { organization: 'Bolt', email: 'owner@bolt.test', password: PASSWORD },
      { 'x-forwarded-proto': 'https' },
    );
    expect(b.cookies.find((c) => c.startsWith('sb_session='))).toMatch(/; Secure/);
    B.tenantId = (await B.owner.call('GET', '/v1/session')).body.tenant.id;
    B.accountId = (await B.owner.call('GET', '/v1/accounts')).body.items[0].id;
  });

  it('refuses weak passwords and taken emails next to the field', async () => {
    const b = new Browser(h, '10.0.0.3');
    const short = await b.call('POST', '/v1/session/signup', { organization: 'X', email: 'x@x.test', password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.details).toEqual([{ field: 'password', message: 'Use at least 10 characters.' }]);
    const mine = await b.call('POST', '/v1/session/signup', { organization: 'X', email: 'jonathan@x.test', password: 'jonathan-secret-1' });
    expect(mine.body.details).toEqual([{ field: 'password', message: 'Do not use your email address in the password.' }]);
    const email = await b.call('POST', '/v1/session/signup', { organization: 'X', email: 'nope', password: PASSWORD });
    expect(email.body.details[0]).toMatchObject({ field: 'email' });
    const taken = await b.call('POST', '/v1/session/signup', { organization: 'Again', email: 'owner@acme.test', password: PASSWORD });
    expect(taken.status).toBe(409);
    expect(taken.body.details).toEqual([{ field: 'email', message: 'This email already has an account: sign in instead.' }]);
    expect(await db.prisma.tenant.count({ where: { name: 'Again' } })).toBe(0);
  });

  it('refuses a changing request of a session without the CSRF token; API tokens need none', async () => {
    A.owner.csrf = false;
    const none = await A.owner.call('POST', '/v1/accounts', { name: 'nocsrf' });
    expect(none.status).toBe(403);
    expect(none.body.message).toMatch(/CSRF/);
    const wrong = await A.owner.call('POST', '/v1/accounts', { name: 'nocsrf' }, { 'x-csrf-token': 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    expect((await A.owner.call('GET', '/v1/accounts')).status).toBe(200); // reads need none
    A.owner.csrf = true;
    expect((await A.owner.call('POST', '/v1/accounts', { name: 'withcsrf' })).status).toBe(201);
    expect(await db.prisma.account.count({ where: { name: 'nocsrf' } })).toBe(0);

    const token = await A.owner.call('POST', '/v1/tokens', { name: 'cli', role: 'tenant_member' });
    expect(token.status).toBe(201);
    const cli = await h.call('POST', `/v1/accounts/${A.accountId}/users`, token.body.token, { name: 'cli-user', publicKey: createUser().getPublicKey() });
    expect(cli.status).toBe(201);
  });

  it("scopes the session to its tenant: another tenant's ids answer 404", async () => {
    expect((await A.owner.call('GET', `/v1/accounts/${B.accountId}`)).status).toBe(404);
    expect((await A.owner.call('POST', `/v1/accounts/${B.accountId}/users`, { name: 'x', publicKey: createUser().getPublicKey() })).status).toBe(404);
    expect((await A.owner.call('GET', `/v1/tenants/${B.tenantId}`)).status).toBe(404);
    expect((await A.owner.call('GET', '/v1/tenants')).status).toBe(403);
    const bMembers = await B.owner.call('GET', '/v1/members');
    B.memberId = bMembers.body.items[0].id;
    expect((await A.owner.call('PATCH', `/v1/members/${B.memberId}`, { role: 'viewer' })).status).toBe(404);
    expect((await A.owner.call('DELETE', `/v1/members/${B.memberId}`)).status).toBe(404);
    const inv = await B.owner.call('POST', '/v1/invites', { role: 'member' });
    B.inviteId = inv.body.id;
    expect((await A.owner.call('DELETE', `/v1/invites/${B.inviteId}`)).status).toBe(404);
    expect((await A.owner.call('GET', '/v1/members')).body.items.map((m: { email: string }) => m.email)).toEqual(['owner@acme.test']);
    expect((await A.owner.call('POST', '/v1/session/tenant', { tenantId: B.tenantId })).status).toBe(404);
  });

  it('invites with a role: a viewer only reads, a member works but cannot manage members', async () => {
    const preview = await A.owner.call('POST', '/v1/invites', { role: 'viewer', email: 'viewer@acme.test' });
    expect(preview.status).toBe(201);
    expect(preview.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const anon = new Browser(h, '10.0.1.1');
    expect((await anon.call('POST', '/v1/invites/preview', { token: preview.body.token })).body).toMatchObject({
      organization: 'Acme',
      role: 'viewer',
      email: 'viewer@acme.test',
    });
    const wrongEmail = await anon.call('POST', '/v1/invites/accept', { token: preview.body.token, email: 'other@acme.test', password: PASSWORD });
    expect(wrongEmail.body.details).toEqual([{ field: 'email', message: 'This invite is for another email address.' }]);
    const viewer = anon;
    expect((await viewer.call('POST', '/v1/invites/accept', { token: preview.body.token, email: 'viewer@acme.test', password: PASSWORD })).status).toBe(200);
    expect((await viewer.call('GET', '/v1/session')).body).toMatchObject({ role: 'tenant_viewer', tenant: { id: A.tenantId } });
    const again = await new Browser(h, '10.0.1.9').call('POST', '/v1/invites/accept', { token: preview.body.token, email: 'x2@acme.test', password: PASSWORD });
    expect(again.status).toBe(410);

    // Viewer: reads, never changes.
    expect((await viewer.call('GET', '/v1/accounts')).status).toBe(200);
    expect((await viewer.call('GET', `/v1/accounts/${A.accountId}/users`)).status).toBe(200);
    expect((await viewer.call('GET', '/v1/members')).status).toBe(200);
    for (const [method, url, body] of [
      ['POST', '/v1/accounts', { name: 'v' }],
      ['POST', `/v1/accounts/${A.accountId}/users`, { name: 'v', publicKey: createUser().getPublicKey() }],
      ['PATCH', `/v1/accounts/${A.accountId}`, { limits: { maxConnections: 1 } }],
      ['POST', '/v1/invites', { role: 'viewer' }],
      ['POST', '/v1/tokens', { name: 't', role: 'tenant_viewer' }],
    ] as const) {
      const r = await viewer.call(method, url, body);
      expect(r.status, `${method} ${url}`).toBe(403);
    }

    // Member: creates users, cannot manage members or invites.
    const member = await join(A.owner, 'member', 'member@acme.test', '10.0.1.2');
    expect((await member.call('GET', '/v1/session')).body.role).toBe('tenant_member');
    expect((await member.call('POST', `/v1/accounts/${A.accountId}/users`, { name: 'm-user', publicKey: createUser().getPublicKey() })).status).toBe(201);
    const members = (await member.call('GET', '/v1/members')).body.items as Array<{ id: string; email: string; role: string }>;
    const viewerRow = members.find((m) => m.email === 'viewer@acme.test')!;
    expect(viewerRow).toMatchObject({ role: 'viewer', canSignIn: true });
    expect((await member.call('PATCH', `/v1/members/${viewerRow.id}`, { role: 'admin' })).status).toBe(403);
    expect((await member.call('DELETE', `/v1/members/${viewerRow.id}`)).status).toBe(403);
    expect((await member.call('POST', '/v1/invites', { role: 'admin' })).status).toBe(403);
    expect((await member.call('GET', '/v1/invites')).status).toBe(403);

    // Admin (owner) promotes the viewer; the next request of that session acts with the new role.
    expect((await A.owner.call('PATCH', `/v1/members/${viewerRow.id}`, { role: 'member' })).body.role).toBe('member');
    expect((await viewer.call('POST', `/v1/accounts/${A.accountId}/users`, { name: 'promoted', publicKey: createUser().getPublicKey() })).status).toBe(201);
    // Removed: the session ends at once.
    expect((await A.owner.call('DELETE', `/v1/members/${viewerRow.id}`)).status).toBe(204);
    const gone = await viewer.call('GET', '/v1/accounts');
    expect(gone.status).toBe(401);
  });

  it('keeps owners safe: only owners touch owners, the last owner stays', async () => {
    const admin = await join(A.owner, 'admin', 'admin@acme.test', '10.0.1.3');
    const owner = (await admin.call('GET', '/v1/members')).body.items.find((m: { role: string }) => m.role === 'owner');
    const demote = await admin.call('PATCH', `/v1/members/${owner.id}`, { role: 'viewer' });
    expect(demote.status).toBe(403);
    expect(demote.body.message).toBe('Only an owner can change another owner.');
    const last = await A.owner.call('DELETE', `/v1/members/${owner.id}`);
    expect(last.status).toBe(403);
    expect(last.body.message).toMatch(/at least one owner/);
  });

  it('signs in with a clear message on a wrong password and rate-limits failures per email', async () => {
    const b = new Browser(h, '10.0.2.1');
    const unknown = await b.call('POST', '/v1/session', { email: 'nobody@acme.test', password: PASSWORD });
    const wrong = await b.call('POST', '/v1/session', { email: 'owner@bolt.test', password: 'not the password' });
    expect(unknown.status).toBe(401);
    expect(wrong.body.message).toBe('Email or password is incorrect.');
    expect(unknown.body.message).toBe(wrong.body.message);
    for (let i = 0; i < 4; i++) expect((await b.call('POST', '/v1/session', { email: 'owner@bolt.test', password: 'still wrong!' })).status).toBe(401);
    const limited = await b.call('POST', '/v1/session', { email: 'owner@bolt.test', password: PASSWORD });
    expect(limited.status).toBe(429);
    expect(limited.body.message).toBe('Too many sign-in attempts. Try again in 15 minutes.');
    expect(limited.body.details.retryAfterSeconds).toBeGreaterThan(800);
    // From anywhere: the limit is per email.
    expect((await new Browser(h, '10.0.2.2').call('POST', '/v1/session', { email: 'owner@bolt.test', password: PASSWORD })).status).toBe(429);
    // Another email is not held back.
    const ok = await new Browser(h, '10.0.2.3').call('POST', '/v1/session', { email: 'owner@acme.test', password: PASSWORD });
    expect(ok.status).toBe(200);
  });

  it('ends a session at its expiry, and on sign-out on the server', async () => {
    const b = new Browser(h, '10.0.3.1');
    expect((await b.call('POST', '/v1/session', { email: 'member@acme.test', password: PASSWORD })).status).toBe(200);
    const stolen = b.jar.get('sb_session')!;
    expect((await b.call('GET', '/v1/session')).status).toBe(200);
    const person = await db.prisma.person.findUniqueOrThrow({ where: { email: 'member@acme.test' } });
    await db.prisma.session.updateMany({ where: { personId: person.id, revokedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await b.call('GET', '/v1/accounts');
    expect(expired.status).toBe(401);
    expect(expired.body.message).toBe('Your session has expired. Sign in again.');

    expect((await b.call('POST', '/v1/session', { email: 'member@acme.test', password: PASSWORD })).status).toBe(200);
    const out = await b.call('DELETE', '/v1/session');
    expect(out.status).toBe(204);
    expect(out.cookies.find((c) => c.startsWith('sb_session='))).toMatch(/^sb_session=; .*Max-Age=0/);
    const replay = new Browser(h, '10.0.3.2');
    replay.jar.set('sb_session', b.jar.get('sb_session') ?? stolen);
    expect((await replay.call('GET', '/v1/accounts')).status).toBe(401);
    replay.jar.set('sb_session', stolen);
    expect((await replay.call('GET', '/v1/accounts')).status).toBe(401);
  });

  it('makes operator persons with the admin token; an operator session sees every tenant', async () => {
    expect((await A.owner.call('POST', '/v1/session/operators', { email: 'op@ops.test', password: PASSWORD })).status).toBe(403);
    const made = await h.call('POST', '/v1/session/operators', h.adminToken, { email: 'op@ops.test', password: PASSWORD });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ id: expect.any(String), email: 'op@ops.test' });
    const op = new Browser(h, '10.0.4.1');
    expect((await op.call('POST', '/v1/session', { email: 'op@ops.test', password: PASSWORD })).status).toBe(200);
    expect((await op.call('GET', '/v1/session')).body).toMatchObject({ operator: true, role: 'operator_admin', tenant: null });
    const tenants = await op.call('GET', '/v1/tenants');
    expect(tenants.body.items.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['Acme', 'Bolt']));
    expect((await op.call('GET', `/v1/members?tenant=${B.tenantId}`)).body.items).toHaveLength(1);
    // Suspension locks the tenant's sessions out.
    expect((await op.call('PATCH', `/v1/tenants/${B.tenantId}`, { status: 'suspended' })).status).toBe(200);
    expect((await B.owner.call('GET', '/v1/accounts')).body).toMatchObject({ statusCode: 403, message: 'tenant suspended' });
    expect((await op.call('PATCH', `/v1/tenants/${B.tenantId}`, { status: 'active' })).status).toBe(200);
    expect((await B.owner.call('GET', '/v1/accounts')).status).toBe(200);
  });

  it('never returns or logs a password or its hash', async () => {
    const hashes = (await db.prisma.person.findMany()).map((p) => p.passwordHash.split('$')[5]!);
    const all = [...h.bodies, ...h.logs].join('\n');
    expect(all).not.toContain(PASSWORD);
    for (const x of hashes) expect(all).not.toContain(x);
    expect(all).not.toMatch(/passwordHash|password_hash/);
  });
});
