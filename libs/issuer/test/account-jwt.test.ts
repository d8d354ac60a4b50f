// The one account-JWT path on real PostgreSQL, judged by the real nats-server: rows in, a JWT
// nats-server takes out (or an IssuerError naming the API field, and nothing stored).
import { createUser } from '@nats-io/nkeys';
import { connect, jwtAuthenticator } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitsFromClaims } from '@switchboard/accounts';
import { checkAccount, decode, parseCreds, trustOperators, type AccountClaims } from '@switchboard/nats-jwt';
import { Keyring, generateMasterKey } from '@switchboard/secrets';
import { operatorModeConfig, startNatsServer, testDatabase, type RunningServer, type TestDatabase } from '@switchboard/testing';
import {
  IssuerError,
  OperatorKeysError,
  bootstrapOperator,
  issueActivation,
  issueUserJwt,
  loadOperatorSigner,
  loadSystemCreds,
  newSealedKey,
  openSigner,
  resignAccount,
  type SealedKey,
  type Tx,
} from '@switchboard/issuer';

const keyring = new Keyring([generateMasterKey()]);
let t: TestDatabase;
let op: ReturnType<typeof bootstrapOperator>;
let operatorId: string;
let sysId: string;
const signer = () => openSigner(keyring, op.signingKey);
const tx = <T>(fn: (tx: Tx) => Promise<T>) => t.db.prisma.$transaction(fn);
let n = 0;

beforeAll(async () => {
  t = await testDatabase();
  // Before the bootstrap: nothing to load.
  expect(await loadOperatorSigner(t.db.prisma, keyring)).toBeNull();
  await expect(loadSystemCreds(t.db.prisma, keyring)).rejects.toThrow(/no operator with a system user yet/);
  op = bootstrapOperator(keyring, { name: 'op' });
  const row = await t.db.prisma.operator.create({
    data: {
      name: op.name,
      publicKey: op.publicKey,
      seedEnc: op.seedEnc,
      jwt: op.jwt,
      systemAccount: op.systemAccount.publicKey,
      systemUserPublicKey: op.systemUser.publicKey,
      systemUserSeedEnc: op.systemUser.seedEnc,
      systemUserJwt: op.systemUser.jwt,
      signingKeys: { create: { publicKey: op.signingKey.publicKey, seedEnc: op.signingKey.seedEnc } },
    },
  });
  operatorId = row.id;
  sysId = (await newAccountRow(null, 'SYS', op.systemAccount)).id;
  await tx((tx) => resignAccount(tx, sysId, signer()));
});
afterAll(async () => {
  await t?.drop();
});

async function newAccountRow(tenantId: string | null, name: string, key: SealedKey & { signingKey?: SealedKey } = newSealedKey(keyring, 'account')) {
  const sk = key.signingKey ?? newSealedKey(keyring, 'account');
  return t.db.prisma.account.create({
    data: {
      tenantId,
      operatorId,
      name,
      publicKey: key.publicKey,
      seedEnc: key.seedEnc,
      jwt: '',
      jwtIssuedAt: new Date(0),
      signingKeys: { create: { publicKey: sk.publicKey, seedEnc: sk.seedEnc } },
    },
    include: { signingKeys: { omit: { seedEnc: false } } },
  });
}

/** A tenant on a new plan and an account of it, signed once. */
async function tenantAccount(
  plan: {
    maxConnections?: number;
    maxLeafNodes?: number;
    rateMsgs?: bigint;
    maxExports?: number;
    jsMemoryStorage?: bigint;
    jsDiskStorage?: bigint;
    jsStreams?: number;
    jsConsumers?: number;
    jsMaxAckPending?: number;
    jsDiskMaxStreamBytes?: bigint;
    jsMaxBytesRequired?: boolean;
  } = {},
) {
  const i = ++n;
  const p = await t.db.prisma.plan.create({ data: { name: `p${i}`, ...plan } });
  const tenant = await t.db.prisma.tenant.create({ data: { name: `t${i}`, email: `t${i}@example.com`, planId: p.id } });
  const a = await newAccountRow(tenant.id, `a${i}`);
  await tx((tx) => resignAccount(tx, a.id, signer()));
  return { ...a, tenant, accountSigner: openSigner(keyring, a.signingKeys[0]!) };
}

const stored = (id: string) => t.db.prisma.account.findUniqueOrThrow({ where: { id } });
const claimsOf = async (id: string) => decode<AccountClaims>((await stored(id)).jwt).claims;

describe('resignAccount', () => {
  it('builds the JWT from the rows: plan limits with overrides, signing keys, exports, imports, revocations', async () => {
    const exporter = await tenantAccount();
    const a = await tenantAccount({ maxConnections: 10, maxLeafNodes: 3, rateMsgs: 100n });
    await t.db.prisma.account.update({ where: { id: a.id }, data: { limits: { maxConnections: 50 } } });
    await t.db.prisma.export.create({
      data: { accountId: a.id, name: 'help', subject: 'help.*', type: 'service', responseType: 'Stream', accountTokenPosition: 2 },
    });
    await t.db.prisma.import.create({
      data: { accountId: a.id, name: 'feed', exporterPublicKey: exporter.publicKey, subject: 'feed.>', localSubject: 'in.feed.>', type: 'stream' },
    });
    const revokedAt = new Date('2026-01-02T03:04:05Z');
    const u = createUser().getPublicKey();
    await t.db.prisma.user.create({ data: { accountId: a.id, name: 'gone', publicKey: u, revokedAt } });
    const signed = await tx((tx) => resignAccount(tx, a.id, signer()));
    expect(signed.publicKey).toBe(a.publicKey);
    const c = await claimsOf(a.id);
    expect(checkAccount(signed.jwt, trustOperators([op.jwt]), { account: a.publicKey }).ok).toBe(true);
    expect(c.iss).toBe(op.signingKey.publicKey);
    // The plan's leaf node limit is the JWT's `leaf`, which the broker enforces on leaf connections.
    expect(c.nats.limits).toMatchObject({ conn: 50, leaf: 3 });
    expect(limitsFromClaims(c.nats).rateMsgs).toBe(100);
    expect(limitsFromClaims(c.nats).maxLeafNodes).toBe(3);
    expect(c.nats.signing_keys).toEqual([a.signingKeys[0]!.publicKey]);
    expect(c.nats.exports).toEqual([{ name: 'help', subject: 'help.*', type: 'service', response_type: 'Stream', account_token_position: 2 }]);
    expect(c.nats.imports).toEqual([{ name: 'feed', subject: 'feed.>', account: exporter.publicKey, type: 'stream', local_subject: 'in.feed.>' }]);
    expect(c.nats.revocations).toEqual({ [u]: Math.floor(revokedAt.getTime() / 1000) });
    expect((await stored(a.id)).jwtIssuedAt.getTime()).toBe(c.iat! * 1000);
  });

  it('gives a first JWT the current time, and every later one an iat after the last', async () => {
    const before = Math.floor(Date.now() / 1000);
    const a = await tenantAccount();
    const first = (await claimsOf(a.id)).iat!;
    expect(first).toBeGreaterThanOrEqual(before);
    expect(first).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    let last = first;
    for (let i = 0; i < 3; i++) {
      const from = Math.floor(Date.now() / 1000);
      await tx((tx) => resignAccount(tx, a.id, signer()));
      const to = Math.floor(Date.now() / 1000);
      const iat = (await claimsOf(a.id)).iat!;
      // One after the last while the clock is behind that; the clock's second once it has passed it
      // (a loaded machine can take over a second between two re-signs).
      if (to <= last + 1) expect(iat).toBe(last + 1);
      else {
        expect(iat).toBeGreaterThanOrEqual(Math.max(last + 1, from));
        expect(iat).toBeLessThanOrEqual(to);
      }
      last = iat;
    }
  });

  it('holds an over-quota account (sb:rate_msgs=0) and revokes every user of a suspended tenant ("*" at the iat)', async () => {
    const a = await tenantAccount({ rateMsgs: 20n });
    await t.db.prisma.account.update({ where: { id: a.id }, data: { overQuotaSince: new Date() } });
    await tx((tx) => resignAccount(tx, a.id, signer()));
    expect(limitsFromClaims((await claimsOf(a.id)).nats).rateMsgs).toBe(0);

    await t.db.prisma.tenant.update({ where: { id: a.tenantId! }, data: { status: 'suspended' } });
    await tx((tx) => resignAccount(tx, a.id, signer()));
    const c = await claimsOf(a.id);
    expect(c.nats.revocations?.['*']).toBe(c.iat);
    await t.db.prisma.tenant.update({ where: { id: a.tenantId! }, data: { status: 'active' } });
    await tx((tx) => resignAccount(tx, a.id, signer()));
    expect((await claimsOf(a.id)).nats.revocations).toBeUndefined();
  });

  it('refuses what nats-server would refuse with an IssuerError naming the API field, and stores nothing', async () => {
    const a = await tenantAccount();
    const before = await stored(a.id);
    const err = await tx(async (tx) => {
      await tx.export.create({ data: { accountId: a.id, name: 'bad', subject: 'svc.*', type: 'service', accountTokenPosition: 3 } });
      return resignAccount(tx, a.id, signer());
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IssuerError);
    expect(err).toMatchObject({ code: 'invalid', field: 'accountTokenPosition' });
    expect((err as Error).message).toBe(
      `nats-server would refuse the account JWT: export "bad" (svc.*): Account Token Position 3 exceeds length of subject 'svc.*'`,
    );
    expect(await stored(a.id)).toMatchObject({ jwt: before.jwt });
    expect(await t.db.prisma.export.count({ where: { accountId: a.id } })).toBe(0);

    const over = await tenantAccount({ maxExports: 1 });
    const e2 = await tx(async (tx) => {
      await tx.export.createMany({
        data: [
          { accountId: over.id, name: 'x', subject: 'x', type: 'stream' },
          { accountId: over.id, name: 'y', subject: 'y', type: 'stream' },
        ],
      });
      return resignAccount(tx, over.id, signer());
    }).catch((e: unknown) => e);
    expect(e2).toMatchObject({ code: 'invalid', field: 'limits.maxExports' });
  });

  it('serialises concurrent changes of one account without deadlocks: every revocation ends up in the JWT', async () => {
    const a = await tenantAccount();
    // Each transaction inserts a row referring to the account before re-signing it.
    const users = Array.from({ length: 6 }, () => createUser().getPublicKey());
    await Promise.all(
      users.map((pk, i) =>
        tx(async (tx) => {
          await tx.user.create({ data: { accountId: a.id, name: `u${i}`, publicKey: pk, revokedAt: new Date() } });
          await resignAccount(tx, a.id, signer());
        }),
      ),
    );
    expect(Object.keys((await claimsOf(a.id)).nats.revocations ?? {}).sort()).toEqual([...users].sort());
  });
});

describe('operator keys', () => {
  it('loads the signing key and the system user creds from the database', async () => {
    const keys = await loadOperatorSigner(t.db.prisma, keyring);
    expect(keys).toMatchObject({ operatorId, operatorPublicKey: op.publicKey });
    expect(keys!.signer.getPublicKey()).toBe(op.signingKey.publicKey);
    const creds = parseCreds(await loadSystemCreds(t.db.prisma, keyring));
    expect(creds.jwt).toBe(op.systemUser.jwt);
  });

  it('has no signer while the operator has no active signing key', async () => {
    const where = { publicKey: op.signingKey.publicKey };
    await t.db.prisma.operatorSigningKey.update({ where, data: { revokedAt: new Date() } });
    expect(await loadOperatorSigner(t.db.prisma, keyring)).toBeNull();
    await t.db.prisma.operatorSigningKey.update({ where, data: { revokedAt: null } });
  });

  it('says so when the master key is not the one that sealed them', async () => {
    const other = new Keyring([generateMasterKey()]);
    await expect(loadOperatorSigner(t.db.prisma, other)).rejects.toThrow(OperatorKeysError);
    await expect(loadSystemCreds(t.db.prisma, other)).rejects.toThrow(/wrong master key/);
  });
});

describe('nats-server takes what resignAccount signs', () => {
  let server: RunningServer;
  let exporter: Awaited<ReturnType<typeof tenantAccount>>;
  let importer: Awaited<ReturnType<typeof tenantAccount>>;
  let suspended: Awaited<ReturnType<typeof tenantAccount>>;
  let jetstream: Awaited<ReturnType<typeof tenantAccount>>;

  beforeAll(async () => {
    jetstream = await tenantAccount({
      jsMemoryStorage: 1n << 20n,
      jsDiskStorage: 1n << 24n,
      jsStreams: 3,
      jsConsumers: 7,
      jsMaxAckPending: 100,
      jsDiskMaxStreamBytes: 1n << 22n,
      jsMaxBytesRequired: true,
    });
    exporter = await tenantAccount({ maxConnections: 5, rateMsgs: 1000n });
    importer = await tenantAccount();
    suspended = await tenantAccount();
    await t.db.prisma.export.createMany({
      data: [
        { accountId: exporter.id, name: 'per-account', subject: 'svc.*.req', type: 'service', responseType: 'Singleton', accountTokenPosition: 2 },
        { accountId: exporter.id, name: 'feed', subject: 'feed.>', type: 'stream', tokenRequired: true },
      ],
    });
    const exporterKey = await t.db.prisma.account.findUniqueOrThrow({ where: { id: exporter.id }, omit: { seedEnc: false } });
    const token = issueActivation({ importer: importer.publicKey, subject: 'feed.>', type: 'stream' }, openSigner(keyring, exporterKey));
    await t.db.prisma.import.createMany({
      data: [
        {
          accountId: importer.id,
          name: 'feed',
          exporterPublicKey: exporter.publicKey,
          subject: 'feed.>',
          localSubject: 'in.>',
          type: 'stream',
          activationToken: token,
        },
        {
          accountId: importer.id,
          name: 'svc',
          exporterPublicKey: exporter.publicKey,
          subject: `svc.${importer.publicKey}.req`,
          localSubject: 'svc',
          type: 'service',
        },
      ],
    });
    await t.db.prisma.tenant.update({ where: { id: suspended.tenantId! }, data: { status: 'suspended' } });
    for (const a of [exporter, importer, suspended]) await tx((tx) => resignAccount(tx, a.id, signer()));
    const rows = await t.db.prisma.account.findMany({ select: { publicKey: true, jwt: true } });
    server = await startNatsServer({
      config: (dir) =>
        operatorModeConfig({
          operatorJwt: op.jwt,
          systemAccount: op.systemAccount.publicKey,
          resolver: 'resolver: MEMORY',
          preload: Object.fromEntries(rows.map((r) => [r.publicKey, r.jwt])),
        }) + `jetstream { store_dir: "${dir}/js", max_memory_store: 64MB, max_file_store: 256MB }\n`,
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function connectAs(a: { publicKey: string; accountSigner: ReturnType<typeof openSigner> }) {
    const u = createUser();
    const jwt = issueUserJwt({ publicKey: u.getPublicKey(), name: 'u', account: a.publicKey }, a.accountSigner, Date.now() - 2000);
    return connect({ servers: server.url, authenticator: jwtAuthenticator(jwt, u.getSeed()), reconnect: false, timeout: 5000 });
  }

  it('users of the accounts connect, and the import of the token-required export delivers', async () => {
    const pub = await connectAs(exporter);
    const sub = await connectAs(importer);
    const got = new Promise<string>((resolve) => sub.subscribe('in.x', { callback: (_e, m) => resolve(m.subject) }));
    await sub.flush();
    pub.publish('feed.x', 'hi');
    expect(await got).toBe('in.x');
    await Promise.all([pub.close(), sub.close()]);
  });

  it("turns on JetStream with the plan's limits (nats-server's $JS.API.INFO), and leaves it off without them", async () => {
    const nc = await connectAs(jetstream);
    const info = JSON.parse((await nc.request('$JS.API.INFO', '', { timeout: 5000 })).string());
    expect(info.limits).toEqual({
      max_memory: 1 << 20,
      max_storage: 1 << 24,
      max_streams: 3,
      max_consumers: 7,
      max_ack_pending: 100,
      memory_max_stream_bytes: -1,
      storage_max_stream_bytes: 1 << 22,
      max_bytes_required: true,
    });
    await nc.close();
    const off = await connectAs(importer);
    const r = JSON.parse((await off.request('$JS.API.INFO', '', { timeout: 5000 })).string());
    expect(r.error).toEqual({ code: 503, err_code: 10039, description: 'JetStream not enabled for account' });
    await off.close();
  });

  it("refuses a suspended tenant's users", async () => {
    await expect(connectAs(suspended)).rejects.toThrow(/Authorization Violation/i);
  });

  it('the system user connects with the creds loadSystemCreds gives', async () => {
    const creds = parseCreds(await loadSystemCreds(t.db.prisma, keyring));
    const nc = await connect({ servers: server.url, authenticator: jwtAuthenticator(creds.jwt, new TextEncoder().encode(creds.seed)), reconnect: false });
    await nc.close();
  });
});
