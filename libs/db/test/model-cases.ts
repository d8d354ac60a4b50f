// The same model checks, run against real PostgreSQL and against embedded PGlite.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { classifyDbError, uuidv7, type Database, type Db } from '@switchboard/db';

const key = (prefix: string) => `${prefix}${randomBytes(27).toString('hex').toUpperCase().slice(0, 55)}`;

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

export function modelCases(client: () => Db, database: () => Database): void {
  it('creates the whole tenant graph and reads it back through relations', async () => {
    const prisma = client();
    const plan = await prisma.plan.create({ data: { name: `free-${randomBytes(3).toString('hex')}`, maxConnections: 10, maxPayload: 1n << 20n } });
    const operator = await prisma.operator.create({
      data: {
        name: `op-${randomBytes(3).toString('hex')}`,
        publicKey: key('O'),
        seedEnc: Buffer.from([1, 2, 3]),
        jwt: 'eyJ.op.jwt',
        signingKeys: { create: [{ publicKey: key('O'), seedEnc: Buffer.from([4, 5]) }] },
      },
    });
    const tenant = await prisma.tenant.create({
      data: {
        name: 'Acme',
        email: `ops-${randomBytes(4).toString('hex')}@acme.test`,
        plan: { connect: { id: plan.id } },
        members: { create: [{ email: 'alice@acme.test', role: 'owner' }] },
      },
    });
    const account = await prisma.account.create({
      data: {
        tenantId: tenant.id,
        operatorId: operator.id,
        name: 'main',
        publicKey: key('A'),
        seedEnc: Buffer.from('sealed'),
        jwt: 'eyJ.acct.jwt',
        jwtIssuedAt: new Date(),
        signingKeys: { create: [{ publicKey: key('A'), seedEnc: Buffer.from([9]), scope: { role: 'dev', pub: { allow: ['dev.>'] } } }] },
        users: {
          create: [{ name: 'svc', publicKey: key('U'), permissions: { pub: { allow: ['orders.>'] } }, expiresAt: new Date(Date.now() + 86_400_000) }],
        },
        exports: { create: [{ name: 'orders', subject: 'orders.>', type: 'stream', tokenRequired: true }] },
      },
      include: { exports: true },
    });
    const other = await prisma.account.create({
      data: { tenantId: tenant.id, operatorId: operator.id, name: 'second', publicKey: key('A'), seedEnc: Buffer.from('x'), jwt: 'j', jwtIssuedAt: new Date() },
    });
    await prisma.import.create({
      data: {
        accountId: other.id,
        name: 'orders',
        exporterPublicKey: account.publicKey,
        exportId: account.exports[0]!.id,
        subject: 'orders.>',
        localSubject: 'upstream.orders.>',
        type: 'stream',
        activationToken: 'eyJ.activation',
        activationExpiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    await prisma.apiToken.create({ data: { tenantId: tenant.id, name: 'ci', tokenHash: randomBytes(32).toString('hex'), scopes: ['accounts:read'] } });

    const read = await prisma.tenant.findUniqueOrThrow({
      where: { id: tenant.id },
      include: {
        plan: true,
        members: true,
        apiTokens: true,
        accounts: { include: { users: true, signingKeys: true, imports: { include: { export: true } } }, orderBy: { name: 'asc' } },
      },
    });
    expect(read.plan.maxPayload).toBe(1n << 20n);
    expect(read.plan.maxSubscriptions).toBe(-1);
    expect(read.members).toMatchObject([{ email: 'alice@acme.test', role: 'owner' }]);
    expect(read.apiTokens[0]!.scopes).toEqual(['accounts:read']);
    expect(read.accounts.map((a) => a.name)).toEqual(['main', 'second']);
    const [main, second] = read.accounts;
    // Seeds are omitted from results unless asked for.
    expect('seedEnc' in main!).toBe(false);
    expect('seedEnc' in main!.signingKeys[0]!).toBe(false);
    const withSeed = await prisma.account.findUniqueOrThrow({ where: { id: main!.id }, omit: { seedEnc: false } });
    expect(Buffer.from(withSeed.seedEnc).toString()).toBe('sealed');
    expect(main!.users[0]!.permissions).toEqual({ pub: { allow: ['orders.>'] } });
    expect(main!.users[0]!.revokedAt).toBeNull();
    expect(main!.signingKeys[0]!.scope).toEqual({ role: 'dev', pub: { allow: ['dev.>'] } });
    expect(second!.imports[0]!.export?.tokenRequired).toBe(true);
    expect(second!.imports[0]!.localSubject).toBe('upstream.orders.>');
    expect(read.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/); // uuid v7

    // Revoking a user and deleting the tenant cascade as designed.
    await prisma.user.updateMany({ where: { accountId: main!.id }, data: { revokedAt: new Date() } });
    expect(await prisma.user.count({ where: { accountId: main!.id, revokedAt: { not: null } } })).toBe(1);
    await prisma.tenant.delete({ where: { id: tenant.id } });
    expect(await prisma.account.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await prisma.user.count({ where: { accountId: main!.id } })).toBe(0);
    expect(await prisma.operatorSigningKey.count({ where: { operatorId: operator.id } })).toBe(1);
  });

  it('maps unique violations to the colliding fields', async () => {
    const prisma = client();
    const plan = await prisma.plan.create({ data: { name: `p-${randomBytes(3).toString('hex')}` } });
    const email = `dup-${randomBytes(4).toString('hex')}@x.test`;
    await prisma.tenant.create({ data: { name: 'a', email, planId: plan.id } });
    const e = await caught(prisma.tenant.create({ data: { name: 'b', email, planId: plan.id } }));
    expect(classifyDbError(e)).toEqual({ kind: 'unique', fields: ['email'] });

    const t = await prisma.tenant.findUniqueOrThrow({ where: { email } });
    await prisma.member.create({ data: { tenantId: t.id, email: 'm@x.test' } });
    const e2 = await caught(prisma.member.create({ data: { tenantId: t.id, email: 'm@x.test' } }));
    expect(classifyDbError(e2)).toEqual({ kind: 'unique', fields: ['tenantId', 'email'] });
  });

  it('maps the violations of raw statements (hot paths written in SQL) the same way', async () => {
    const prisma = client();
    const plan = await prisma.plan.create({ data: { name: `p-${randomBytes(3).toString('hex')}` } });
    const email = `raw-${randomBytes(4).toString('hex')}@x.test`;
    const t = await prisma.tenant.create({ data: { name: 'a', email, planId: plan.id } });
    await prisma.member.create({ data: { tenantId: t.id, email: 'm@x.test' } });
    const dup = await caught(prisma.$queryRaw`
      WITH m AS (INSERT INTO members (id, tenant_id, email, updated_at) VALUES (${uuidv7()}::uuid, ${t.id}::uuid, 'm@x.test', now()) RETURNING id)
      SELECT id FROM m`);
    expect(classifyDbError(dup)).toEqual({ kind: 'unique', fields: ['tenantId', 'email'] });
    const dangling = await caught(
      prisma.$executeRaw`INSERT INTO members (id, tenant_id, email, updated_at) VALUES (${uuidv7()}::uuid, '0190b6a4-0000-7000-8000-000000000000'::uuid, 'x@x.test', now())`,
    );
    expect(classifyDbError(dangling)?.kind).toBe('foreign_key');
  });

  it('runs hot-path statements with query (arrays in, parsed rows out), their violations mapped the same way', async () => {
    const prisma = client();
    const db = database();
    const plan = await prisma.plan.create({ data: { name: `p-${randomBytes(3).toString('hex')}` } });
    const t = await prisma.tenant.create({ data: { name: 'q', email: `q-${randomBytes(4).toString('hex')}@x.test`, planId: plan.id } });
    const insert = {
      name: 'test_insert_members',
      text: `INSERT INTO members (id, tenant_id, email, updated_at)
             SELECT id, $1::uuid, email, now() FROM unnest($2::uuid[], $3::text[]) AS i(id, email)
             RETURNING email, created_at AS "createdAt"`,
    };
    const rows = await db.query<{ email: string; createdAt: Date }>(insert, [t.id, [uuidv7(), uuidv7()], ['a@x.test', 'b@x.test']]);
    expect(rows.map((r) => r.email)).toEqual(['a@x.test', 'b@x.test']);
    expect(rows[0]!.createdAt).toBeInstanceOf(Date);
    // The same statement again (prepared on the connection by now): a duplicate email.
    const dup = await caught(db.query(insert, [t.id, [uuidv7()], ['a@x.test']]));
    expect(classifyDbError(dup)).toEqual({ kind: 'unique', fields: ['tenantId', 'email'] });
    const dangling = await caught(db.query(insert, ['0190b6a4-0000-7000-8000-000000000000', [uuidv7()], ['c@x.test']]));
    expect(classifyDbError(dangling)?.kind).toBe('foreign_key');
  });

  it('maps missing rows and dangling references', async () => {
    const prisma = client();
    const missing = await caught(prisma.tenant.update({ where: { id: '0190b6a4-0000-7000-8000-000000000000' }, data: { name: 'x' } }));
    expect(classifyDbError(missing)?.kind).toBe('not_found');
    const dangling = await caught(
      prisma.tenant.create({ data: { name: 'x', email: `d-${randomBytes(3).toString('hex')}@x.test`, planId: '0190b6a4-0000-7000-8000-000000000000' } }),
    );
    expect(classifyDbError(dangling)?.kind).toBe('foreign_key');
    expect(classifyDbError(new Error('other'))).toBeNull();
  });

  it('keeps the audit log append-only', async () => {
    const prisma = client();
    const entry = await prisma.auditLog.create({ data: { actor: 'system', action: 'tenant.create', data: { plan: 'free' } } });
    expect(typeof entry.id).toBe('bigint');
    await expect(prisma.auditLog.update({ where: { id: entry.id }, data: { action: 'forged' } })).rejects.toThrow(/append-only/);
    await expect(prisma.auditLog.deleteMany({})).rejects.toThrow(/append-only/);
    expect((await prisma.auditLog.findUniqueOrThrow({ where: { id: entry.id } })).action).toBe('tenant.create');
  });
}
