// Issuer domain logic without HTTP: every JWT is checked with libs/nats-jwt's own verification.
import { createAccount, createUser, fromSeed } from '@nats-io/nkeys';
import { describe, expect, it } from 'vitest';
import { authorizeUser, checkAccount, checkActivation, decode, trustOperators, verify, type AccountClaims, type OperatorClaims } from '@switchboard/nats-jwt';
import { limitsFromClaims } from '@switchboard/accounts';
import { Keyring, generateMasterKey, openSeed, sealSeed } from '@switchboard/secrets';
import {
  ApiTokenSigner,
  IssuerError,
  UNLIMITED,
  bootstrapOperator,
  checkUserPublicKey,
  effectiveLimits,
  expiryOf,
  issueActivation,
  issueUserJwt,
  newSealedKey,
  openSigner,
  durationField,
  limitsOf,
  signAccount,
  SYSTEM_ACCOUNT_NAME,
  RecordingPropagationQueue,
} from '@switchboard/issuer';

const keyring = new Keyring([generateMasterKey()]);
const op = bootstrapOperator(keyring, { name: 'test-op', accountServerUrl: 'http://127.0.0.1:1/jwt/v1' });
const trust = trustOperators([op.jwt]);
const opSigner = openSigner(keyring, op.signingKey);

function newAccount(name: string, extra: Partial<Parameters<typeof signAccount>[0]> = {}) {
  const key = newSealedKey(keyring, 'account');
  const sk = newSealedKey(keyring, 'account');
  const spec = { publicKey: key.publicKey, name, limits: UNLIMITED, signingKeys: [sk.publicKey], ...extra };
  return { key, sk, spec, jwt: signAccount(spec, opSigner).jwt };
}

function userNonceSig(seed: Uint8Array, nonce: string): string {
  return Buffer.from(fromSeed(seed).sign(Buffer.from(nonce))).toString('base64url');
}

describe('operator bootstrap', () => {
  it('makes a self-signed operator naming its signing key, system account and resolver URL', () => {
    const { claims } = verify(op.jwt, { type: 'operator' }) as { claims: OperatorClaims };
    expect(claims.iss).toBe(op.publicKey);
    expect(claims.sub).toBe(op.publicKey);
    expect(claims.nats.signing_keys).toEqual([op.signingKey.publicKey]);
    expect(claims.nats.system_account).toBe(op.systemAccount.publicKey);
    expect(claims.nats.account_server_url).toBe('http://127.0.0.1:1/jwt/v1');
    expect(claims.nats.strict_signing_key_usage).toBe(true);
  });

  it('makes a system user that chains to the system account (signed by its signing key)', () => {
    const sys = signAccount(
      { publicKey: op.systemAccount.publicKey, name: SYSTEM_ACCOUNT_NAME, limits: UNLIMITED, signingKeys: [op.systemAccount.signingKey.publicKey] },
      opSigner,
    ).jwt;
    expect(checkAccount(sys, trust, { account: op.systemAccount.publicKey }).ok).toBe(true);
    const seed = openSeed(keyring, op.systemUser.publicKey, op.systemUser.seedEnc);
    const r = authorizeUser({ userJwt: op.systemUser.jwt, accountJwt: sys, trust, nonce: 'n1', sig: userNonceSig(seed, 'n1') });
    expect(r).toMatchObject({ ok: true, account: op.systemAccount.publicKey });
  });

  it('keeps seeds sealed: nothing in the bootstrap result is a seed in clear', () => {
    const text = JSON.stringify(op, (_k, v) => (Buffer.isBuffer(v) || (v && v.type === 'Buffer') ? '<bytes>' : v));
    expect(text).not.toMatch(/(?<![A-Z2-7])S[OAU][A-Z2-7]{56}(?![A-Z2-7])/);
    // and each envelope opens only for its own public key
    expect(() => openSeed(keyring, op.publicKey, op.signingKey.seedEnc)).toThrow();
    expect(openSigner(keyring, op).getPublicKey()).toBe(op.publicKey);
  });
});

describe('opened signing keys', () => {
  it('are opened once per keyring and envelope, and an envelope of another key is still refused', () => {
    const k = newSealedKey(keyring, 'account');
    const first = openSigner(keyring, k);
    expect(openSigner(keyring, { publicKey: k.publicKey, seedEnc: Uint8Array.from(k.seedEnc) })).toBe(first);
    // The same seed sealed again (a master key rotation re-seals): opened again, same key.
    const resealed = { publicKey: k.publicKey, seedEnc: new Uint8Array(sealSeed(keyring, k.publicKey, k.pair.getSeed())) };
    const again = openSigner(keyring, resealed);
    expect(again).not.toBe(first);
    expect(again.getPublicKey()).toBe(k.publicKey);
    // Another row's envelope under this public key fails, even though this key is open.
    const other = newSealedKey(keyring, 'account');
    expect(() => openSigner(keyring, { publicKey: k.publicKey, seedEnc: other.seedEnc })).toThrow(/authentication/);
    // Another keyring does not share what this one opened.
    expect(() => openSigner(new Keyring([generateMasterKey()]), k)).toThrow();
  });
});

describe('account JWTs', () => {
  it('carries the plan limits with overrides, signing keys, exports, imports and revocations', () => {
    const exporter = newAccount('exporter');
    const revokedUser = createUser().getPublicKey();
    const limits = effectiveLimits({ ...UNLIMITED, maxConnections: 10, maxPayload: 1024 }, { maxConnections: 50, bogus: 3 } as never);
    const a = newAccount('acme', {
      limits,
      exports: [
        { name: 'events', subject: 'events.>', type: 'stream' },
        { name: 'help', subject: 'help.*', type: 'service', tokenRequired: true, responseType: 'Stream', accountTokenPosition: 2 },
      ],
      imports: [{ name: 'feed', account: exporter.key.publicKey, subject: 'feed.>', localSubject: 'in.feed.>', type: 'stream' }],
      revocations: { [revokedUser]: new Date(1_700_000_000_000) },
    });
    const r = checkAccount(a.jwt, trust, { account: a.key.publicKey });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const c = (r as { claims: AccountClaims }).claims;
    expect(c.name).toBe('acme');
    expect(c.nats.limits).toMatchObject({ conn: 50, payload: 1024, subs: -1 });
    expect(c.nats.signing_keys).toEqual([a.sk.publicKey]);
    expect(c.nats.exports).toEqual([
      { name: 'events', subject: 'events.>', type: 'stream' },
      { name: 'help', subject: 'help.*', type: 'service', token_req: true, response_type: 'Stream', account_token_position: 2 },
    ]);
    expect(c.nats.imports).toEqual([{ name: 'feed', subject: 'feed.>', account: exporter.key.publicKey, type: 'stream', local_subject: 'in.feed.>' }]);
    expect(c.nats.revocations).toEqual({ [revokedUser]: 1_700_000_000 });
  });

  it('carries rates and subs_total as sb: tags the broker reads back; an over-quota account gets sb:rate_msgs=0', () => {
    const limits = effectiveLimits({ ...UNLIMITED, rateMsgs: 100, rateBytes: 65536, monthlyMsgs: 1000 }, { subsTotal: 20 });
    const a = newAccount('metered', { limits });
    const c = (checkAccount(a.jwt, trust, { account: a.key.publicKey }) as { claims: AccountClaims }).claims;
    expect(c.nats.tags).toEqual(['sb:subs_total=20', 'sb:rate_msgs=100', 'sb:rate_bytes=65536']);
    expect(limitsFromClaims(c.nats)).toMatchObject({ maxAccountSubscriptions: 20, rateMsgs: 100, rateBytes: 65536 });
    const held = newAccount('held', { limits, overQuota: true });
    expect(limitsFromClaims(decode<AccountClaims>(held.jwt).claims.nats).rateMsgs).toBe(0);
    // Unlimited plans (the default) write no tags: existing JWTs stay as they were.
    expect(decode<AccountClaims>(newAccount('plain').jwt).claims.nats.tags).toBeUndefined();
  });

  it('reads plan rows with bigint columns as numbers', () => {
    const row = { ...UNLIMITED, maxPayload: 1048576n, rateBytes: 5_000_000_000n, monthlyMsgs: 7n, jsDiskMaxStreamBytes: 1n << 40n };
    expect(limitsOf(row)).toEqual({ ...UNLIMITED, maxPayload: 1048576, rateBytes: 5_000_000_000, monthlyMsgs: 7, jsDiskMaxStreamBytes: 2 ** 40 });
    expect(limitsOf({ ...row, jsMaxBytesRequired: true }).jsMaxBytesRequired).toBe(true);
  });

  it("writes every JetStream limit under nats-io/jwt's names; max_bytes_required only when set (omitempty)", () => {
    const js = {
      jsMemoryStorage: 1 << 20,
      jsDiskStorage: 1 << 30,
      jsStreams: 5,
      jsConsumers: 50,
      jsMaxAckPending: 1000,
      jsMemMaxStreamBytes: 1 << 19,
      jsDiskMaxStreamBytes: 1 << 29,
    };
    const on = newAccount('js', { limits: effectiveLimits({ ...UNLIMITED, ...js }, { jsMaxBytesRequired: true, jsStreams: 'x' } as never) });
    const c = (checkAccount(on.jwt, trust, { account: on.key.publicKey }) as { claims: AccountClaims }).claims;
    expect(c.nats.limits).toMatchObject({
      mem_storage: 1 << 20,
      disk_storage: 1 << 30,
      streams: 5,
      consumer: 50,
      max_ack_pending: 1000,
      mem_max_stream_bytes: 1 << 19,
      disk_max_stream_bytes: 1 << 29,
      max_bytes_required: true,
    });
    expect(c.nats.limits?.tiered_limits).toBeUndefined();
    // The defaults: JetStream off (mem and disk 0), the per-stream caps unlimited, no flag.
    const off = decode<AccountClaims>(newAccount('off').jwt).claims.nats.limits!;
    expect(off).toMatchObject({ mem_storage: 0, disk_storage: 0, max_ack_pending: -1, mem_max_stream_bytes: -1, disk_max_stream_bytes: -1 });
    expect(off).not.toHaveProperty('max_bytes_required');
    // An override of the flag only takes a boolean.
    expect(effectiveLimits({ ...UNLIMITED, jsMaxBytesRequired: true }, { jsMaxBytesRequired: false }).jsMaxBytesRequired).toBe(false);
    expect(effectiveLimits({ ...UNLIMITED, jsMaxBytesRequired: true }, { jsMaxBytesRequired: 0 } as never).jsMaxBytesRequired).toBe(true);
  });

  it('is not trusted when signed by a key the operator does not list', () => {
    const rogue = newSealedKey(keyring, 'operator');
    const a = newAccount('x');
    const { jwt } = signAccount(a.spec, rogue.pair);
    expect(checkAccount(jwt, trust)).toMatchObject({ ok: false, code: 'account_not_trusted' });
  });
});

describe('user JWTs', () => {
  const acct = newAccount('users');
  const signer = openSigner(keyring, acct.sk);

  it('are signed by an account signing key and pass the broker chain check with permissions', () => {
    const u = createUser();
    const jwt = issueUserJwt(
      {
        publicKey: u.getPublicKey(),
        name: 'alice',
        account: acct.key.publicKey,
        permissions: { pub: { allow: ['a.>'] }, sub: { deny: ['secret'] }, resp: { max: 1, ttl: '5s' } },
      },
      signer,
    );
    const r = authorizeUser({ userJwt: jwt, accountJwt: acct.jwt, trust, nonce: 'abc', sig: userNonceSig(u.getSeed(), 'abc') });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(r).toMatchObject({ account: acct.key.publicKey, signingKey: acct.sk.publicKey, userName: 'alice' });
    const c = decode(jwt).claims as unknown as { nats: Record<string, unknown> };
    expect(c.nats.pub).toEqual({ allow: ['a.>'] });
    expect(c.nats.resp).toEqual({ max: 1, ttl: 5_000_000_000 });
  });

  it('are refused once the account JWT revokes the user', () => {
    const u = createUser();
    const now = Date.now();
    const jwt = issueUserJwt({ publicKey: u.getPublicKey(), name: 'bob', account: acct.key.publicKey }, signer, now - 5000);
    const revoked = signAccount({ ...acct.spec, revocations: { [u.getPublicKey()]: new Date(now) } }, opSigner).jwt;
    const r = authorizeUser({ userJwt: jwt, accountJwt: revoked, trust, nonce: 'n', sig: userNonceSig(u.getSeed(), 'n') });
    expect(r).toMatchObject({ ok: false, code: 'user_revoked' });
  });

  it('carry expiry and bearer flags', () => {
    const u = createUser();
    const exp = expiryOf({ expiresIn: '24h' }, 1_000_000)!;
    expect(exp.getTime()).toBe(1_000_000 + 86_400_000);
    const jwt = issueUserJwt({ publicKey: u.getPublicKey(), name: 'c', account: acct.key.publicKey, expiresAt: exp, bearer: true }, signer, 1_000_000);
    const c = decode(jwt).claims as unknown as { exp?: number; nats: Record<string, unknown> };
    expect(c.exp).toBe(Math.floor(exp.getTime() / 1000));
    expect(c.nats.bearer_token).toBe(true);
  });

  it('refuse a seed sent as public key without echoing it, and other non-user keys', () => {
    const seed = new TextDecoder().decode(createUser().getSeed());
    try {
      checkUserPublicKey(seed);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IssuerError);
      expect((e as IssuerError).field).toBe('publicKey');
      expect((e as Error).message).not.toContain(seed);
      expect((e as Error).message).toMatch(/seed/);
    }
    expect(() => checkUserPublicKey(createAccount().getPublicKey())).toThrow(/user public key/);
    const u = createUser().getPublicKey();
    expect(() => checkUserPublicKey(u.slice(0, -1) + (u.endsWith('A') ? 'B' : 'A'))).toThrow(IssuerError); // bad checksum
    expect(checkUserPublicKey(u)).toBe(u);
  });

  it('refuse permissions a broker would refuse', () => {
    const u = createUser();
    expect(() =>
      issueUserJwt({ publicKey: u.getPublicKey(), name: 'd', account: acct.key.publicKey, permissions: { pub: { allow: ['a..b'] } } }, signer),
    ).toThrow(expect.objectContaining({ code: 'invalid', field: 'permissions' }));
  });

  it('parse expiry inputs strictly', () => {
    expect(expiryOf({})).toBeNull();
    expect(() => expiryOf({ expiresIn: '1y' })).toThrow(IssuerError);
    expect(() => expiryOf({ expiresAt: '2000-01-01T00:00:00Z' })).toThrow(/future/);
    expect(() => expiryOf({ expiresIn: '1h', expiresAt: '2999-01-01T00:00:00Z' })).toThrow(/not both/);
    expect(durationField('500ms', 'x')).toBe(500);
    expect(() => durationField('0s', 'x')).toThrow(IssuerError);
  });
});

describe('activation tokens', () => {
  it('let the importer use a token-required export (checked as the broker does)', () => {
    const exporter = newAccount('exp', { exports: [{ name: 'svc', subject: 'svc.>', type: 'service', tokenRequired: true }] });
    const importer = newAccount('imp');
    const token = issueActivation({ importer: importer.key.publicKey, subject: 'svc.>', type: 'service' }, openSigner(keyring, exporter.key));
    const exporterClaims = decode(exporter.jwt).claims as AccountClaims;
    const ok = checkActivation({
      importer: importer.key.publicKey,
      import: { account: exporter.key.publicKey, subject: 'svc.>', type: 'service', token },
      exporter: exporterClaims,
    });
    expect(ok.ok, JSON.stringify(ok)).toBe(true);
    const other = newAccount('other');
    const wrong = checkActivation({
      importer: other.key.publicKey,
      import: { account: exporter.key.publicKey, subject: 'svc.>', type: 'service', token },
      exporter: exporterClaims,
    });
    expect(wrong.ok).toBe(false);
  });

  it('refuse an importer that is not an account key', () => {
    const exporter = newAccount('e2');
    expect(() => issueActivation({ importer: createUser().getPublicKey(), subject: 'a', type: 'stream' }, openSigner(keyring, exporter.key))).toThrow(
      IssuerError,
    );
  });
});

describe('API tokens', () => {
  const signer = new ApiTokenSigner(new Uint8Array(32).fill(7));

  it('round-trip sub, role, tenant and jti', async () => {
    const t = await signer.issue({ sub: 'm1', role: 'tenant_admin', tenant: 't1', jti: 'j1' });
    expect(await signer.verify(t)).toEqual({ sub: 'm1', role: 'tenant_admin', tenant: 't1', jti: 'j1' });
    const a = await signer.issue({ sub: 'x', role: 'operator_admin', jti: 'j2' });
    expect(await signer.verify(a)).toEqual({ sub: 'x', role: 'operator_admin', jti: 'j2' });
  });

  it('refuse tokens of another key, expired ones, tampered ones and role/tenant mismatches', async () => {
    const other = new ApiTokenSigner(new Uint8Array(32).fill(8));
    const t = await other.issue({ sub: 'm', role: 'tenant_admin', tenant: 't', jti: 'j' });
    await expect(signer.verify(t)).rejects.toMatchObject({ code: 'unauthorized' });
    const exp = await signer.issue({ sub: 'm', role: 'tenant_member', tenant: 't', jti: 'j', expiresAt: new Date(10_000) }, 0);
    await expect(signer.verify(exp)).rejects.toThrow('token expired');
    const good = await signer.issue({ sub: 'm', role: 'tenant_member', tenant: 't', jti: 'j' });
    const [h, p, s] = good.split('.');
    const forged = JSON.parse(Buffer.from(p!, 'base64url').toString());
    forged.role = 'operator_admin';
    await expect(signer.verify(`${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`)).rejects.toThrow('invalid token');
    const tenantless = await signer.issue({ sub: 'm', role: 'tenant_admin', jti: 'j' });
    await expect(signer.verify(tenantless)).rejects.toThrow('invalid token');
    await expect(signer.verify('garbage')).rejects.toThrow('invalid token');
  });

  it('a token verified once still expires, and a refused one is refused again', async () => {
    const t = await signer.issue({ sub: 'm', role: 'tenant_member', tenant: 't', jti: 'j', expiresAt: new Date(3_600_000) }, 0);
    expect(await signer.verify(t, 1_000)).toMatchObject({ jti: 'j', expiresAt: new Date(3_600_000) });
    expect(await signer.verify(t, 3_599_999)).toMatchObject({ jti: 'j' });
    await expect(signer.verify(t, 3_600_000)).rejects.toThrow('token expired');
    const other = await new ApiTokenSigner(new Uint8Array(32).fill(9)).issue({ sub: 'm', role: 'tenant_admin', tenant: 't', jti: 'k' });
    await expect(signer.verify(other)).rejects.toThrow('invalid token');
    await expect(signer.verify(other)).rejects.toThrow('invalid token');
  });
});

describe('propagation queue', () => {
  it('records enqueued accounts by default', async () => {
    const q = new RecordingPropagationQueue();
    await q.enqueueAccount('AX');
    expect(q.enqueued).toEqual(['AX']);
  });
});
