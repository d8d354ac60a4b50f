// POST /users requests that arrive together share one INSERT (UserInserts): each request must still
// get its own answer — its user, its 409, or a re-signed JWT after a key rotation — and every user
// written must have its audit row.
import { createUser } from '@nats-io/nkeys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@switchboard/db';
import { decode } from '@switchboard/nats-jwt';
import { issuingAccount, UserInserts, type NewUserRow } from '../src/users/user-rows.js';
import { startControlPlane, type Harness } from './harness.js';

describe('POST /users in batches', { timeout: 60_000 }, () => {
  let h: Harness;
  const T = { accountId: '', tenantId: '', token: '' };

  beforeAll(async () => {
    h = await startControlPlane();
    const s = (await h.call('POST', '/v1/signup', undefined, { email: 'batch@example.com', organization: 'Batch' })).body;
    Object.assign(T, { accountId: s.account.id, tenantId: s.tenant.id, token: s.token });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const auditedUsers = async () =>
    (await h.db.prisma.auditLog.findMany({ where: { tenantId: T.tenantId, action: 'user.create' } })).map((a) => a.targetId).sort();

  it('answers each of many concurrent requests on its own: created users, a duplicate name and a reused key get 409', async () => {
    const keys = Array.from({ length: 6 }, () => createUser().getPublicKey());
    const bodies = [
      ...keys.map((publicKey, i) => ({ name: `c${i}`, publicKey })),
      { name: 'c0', publicKey: createUser().getPublicKey() },
      { name: 'other', publicKey: keys[1]! },
    ];
    const rs = await Promise.all(bodies.map((b) => h.call('POST', `/v1/accounts/${T.accountId}/users`, T.token, b)));
    // Which of two clashing requests wins is the order they reach the batch in, not the order they
    // were sent: each looks its account up first, and those queries can come back in any order
    // (about 1 in 10 with a fresh account). Each clashing pair has one winner and one 409.
    const status = rs.map((r) => r.status);
    expect(status.slice(2, 6)).toEqual([201, 201, 201, 201]);
    expect([status[0], status[6]].sort()).toEqual([201, 409]); // the same name
    expect([status[1], status[7]].sort()).toEqual([201, 409]); // the same public key
    expect(rs[status[0] === 409 ? 0 : 6]!.body).toMatchObject({ message: 'already exists', details: { fields: ['accountId', 'name'] } });
    expect(rs[status[1] === 409 ? 1 : 7]!.body).toMatchObject({ message: 'already exists', details: { fields: ['publicKey'] } });
    const created = bodies.flatMap((b, i) => (rs[i]!.status === 201 ? [{ b, r: rs[i]! }] : []));
    expect(created).toHaveLength(6);
    for (const { b, r } of created) {
      expect(r.body).toMatchObject({ name: b.name, publicKey: b.publicKey });
      expect(decode(r.body.jwt).claims.sub).toBe(b.publicKey);
    }
    const ids = created.map(({ r }) => r.body.id as string);
    expect(await auditedUsers()).toEqual([...ids].sort());
  });

  it('writes the users of one turn in one transaction, leaving out (for a retry alone) those that cannot go in', async () => {
    const a = (await issuingAccount(h.db.prisma, T.accountId, T.tenantId))!;
    const row = (name: string, publicKey = createUser().getPublicKey(), signedBy = a.signingKey!.publicKey): NewUserRow => ({
      id: uuidv7(),
      accountId: T.accountId,
      name,
      publicKey,
      permissions: {},
      jwt: `jwt-of-${name}`,
      expiresAt: null,
      signedBy,
      audit: { tenantId: T.tenantId, actor: 'test', details: { name } },
    });
    const inserts = new UserInserts(h.db);
    const rows = [row('t1'), row('t2'), row('t1'), row('t3', undefined, createUser().getPublicKey()), row('t4')];
    const out = await Promise.allSettled(rows.map((r) => inserts.add(r)));
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    // Not signed by the account's newest active key: not written (the service looks the account up again).
    expect((out[3] as PromiseFulfilledResult<unknown>).value).toBeNull();
    expect((out[2] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
    const written = await h.db.query<{ name: string; tx: string }>(
      { name: 'test_user_batch_xmin', text: 'SELECT name, xmin::text AS tx FROM users WHERE account_id = $1::uuid AND name = ANY($2::text[]) ORDER BY name' },
      [T.accountId, ['t1', 't2', 't3', 't4']],
    );
    expect(written.map((w) => w.name)).toEqual(['t1', 't2', 't4']);
    expect(new Set(written.map((w) => w.tx)).size).toBe(1);
    const audited = await h.db.prisma.auditLog.findMany({ where: { actor: 'test' }, orderBy: { id: 'asc' } });
    expect(audited.map((x) => x.targetId)).toEqual([rows[0]!.id, rows[1]!.id, rows[4]!.id]);
  });

  it('re-signs with the new key when the signing key is rotated between requests', async () => {
    const first = await h.call('POST', `/v1/accounts/${T.accountId}/users`, T.token, { name: 'before', publicKey: createUser().getPublicKey() });
    const rotated = (await h.call('POST', `/v1/accounts/${T.accountId}/signing-keys?rotate=true`, T.token)).body.publicKey as string;
    const rs = await Promise.all(
      ['after1', 'after2', 'after3'].map((name) =>
        h.call('POST', `/v1/accounts/${T.accountId}/users`, T.token, { name, publicKey: createUser().getPublicKey() }),
      ),
    );
    expect(decode(first.body.jwt).claims.iss).not.toBe(rotated);
    expect(rs.map((r) => [r.status, decode(r.body.jwt).claims.iss])).toEqual([
      [201, rotated],
      [201, rotated],
      [201, rotated],
    ]);
  });
});
