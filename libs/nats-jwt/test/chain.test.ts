import { describe, expect, it } from 'vitest';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';
import {
  authorizeUser,
  checkAccount,
  encode,
  newAccountClaims,
  newOperatorClaims,
  newScopedUserClaims,
  newUserClaims,
  newUserScope,
  trustKeys,
  trustOperators,
  type AccountClaims,
  type AuthorizeRequest,
  type UserClaims,
} from '../src/index.js';
import { makeWorld } from './helpers.js';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0); // 12:00:00 UTC
const NONCE = 'pzBt3HqH2YY5yrk';
const sign = (kp: KeyPair, nonce = NONCE) => Buffer.from(kp.sign(Buffer.from(nonce))).toString('base64url');

function setup() {
  const w = makeWorld(NOW);
  const req = (over: Partial<AuthorizeRequest> = {}): AuthorizeRequest => ({
    userJwt: w.userJwt,
    accountJwt: w.accountJwt,
    trust: w.trust,
    nonce: NONCE,
    sig: sign(w.user),
    clientIp: '127.0.0.1',
    now: NOW,
    ...over,
  });
  const userJwt = (edit: (c: UserClaims) => void, signer: KeyPair = w.account, now = NOW) => {
    const c = newUserClaims(w.user.getPublicKey(), 'alice');
    edit(c);
    return encode(c, signer, { now });
  };
  const accountJwt = (edit: (c: AccountClaims) => void, signer: KeyPair = w.operatorSigner) => {
    const c = newAccountClaims(w.account.getPublicKey(), 'acme');
    c.nats.signing_keys = [w.accountSigner.getPublicKey()];
    edit(c);
    return encode(c, signer, { now: NOW });
  };
  return { w, req, userJwt, accountJwt };
}

const code = (r: ReturnType<typeof authorizeUser>) => (r.ok ? 'ok' : r.code);

describe('authorizeUser: the chain', () => {
  it('accepts user <- account <- operator signing key, with unlimited limits and no permissions', () => {
    const { w, req } = setup();
    const r = authorizeUser(req());
    expect(r).toMatchObject({
      ok: true,
      user: w.user.getPublicKey(),
      account: w.account.getPublicKey(),
      userName: 'alice',
      accountName: 'acme',
      bearer: false,
      defaultPermissions: true,
      limits: { subs: -1, data: -1, payload: -1 },
    });
    expect(r.ok && r.permissions).toBe(undefined);
    expect(r.ok && r.expiresAt).toBe(undefined);
  });

  it('accepts a user issued by an account signing key (issuer_account)', () => {
    const { w, req, userJwt } = setup();
    const r = authorizeUser(req({ userJwt: userJwt((c) => (c.nats.issuer_account = w.account.getPublicKey()), w.accountSigner) }));
    expect(r).toMatchObject({ ok: true, signingKey: w.accountSigner.getPublicKey() });
  });

  it('refuses a user issued by a key the account does not list', () => {
    const { w, req, userJwt } = setup();
    expect(code(authorizeUser(req({ userJwt: userJwt((c) => (c.nats.issuer_account = w.account.getPublicKey()), createAccount()) })))).toBe(
      'user_issuer_unknown',
    );
  });

  it('refuses a signing-key user without issuer_account (its account is then the signing key)', () => {
    const { w, req, userJwt } = setup();
    expect(code(authorizeUser(req({ userJwt: userJwt(() => {}, w.accountSigner) })))).toBe('account_mismatch');
  });

  it("refuses when the account JWT given is not the user's account", () => {
    const { req } = setup();
    const other = encode(newAccountClaims(createAccount().getPublicKey()), makeWorld(NOW).operator);
    expect(code(authorizeUser(req({ accountJwt: other })))).toBe('account_mismatch');
  });

  it('refuses an account signed by an operator that is not trusted', () => {
    const { req, accountJwt } = setup();
    expect(code(authorizeUser(req({ accountJwt: accountJwt(() => {}, createOperator()) })))).toBe('account_not_trusted');
  });

  it('trust from bare keys, and strict_signing_key_usage', () => {
    const { w, req, accountJwt } = setup();
    expect(code(authorizeUser(req({ trust: trustKeys([w.operatorSigner.getPublicKey()]) })))).toBe('ok');
    expect(code(authorizeUser(req({ trust: trustKeys([w.operator.getPublicKey()]) })))).toBe('account_not_trusted');
    const oc = newOperatorClaims(w.operator.getPublicKey());
    oc.nats.signing_keys = [w.operatorSigner.getPublicKey()];
    oc.nats.strict_signing_key_usage = true;
    const strict = trustOperators([encode(oc, w.operator, { now: NOW })], NOW);
    expect(code(authorizeUser(req({ trust: strict })))).toBe('ok');
    expect(code(authorizeUser(req({ trust: strict, accountJwt: accountJwt(() => {}, w.operator) })))).toBe('account_not_trusted');
  });

  it('refuses expired and not-yet-valid users and accounts', () => {
    const { req, userJwt, accountJwt } = setup();
    const s = NOW / 1000;
    expect(code(authorizeUser(req({ userJwt: userJwt((c) => (c.exp = s - 1)) })))).toBe('user_expired');
    expect(code(authorizeUser(req({ userJwt: userJwt((c) => (c.nbf = s + 60)) })))).toBe('user_not_yet_valid');
    expect(code(authorizeUser(req({ accountJwt: accountJwt((c) => (c.exp = s - 1)) })))).toBe('account_expired');
    expect(code(authorizeUser(req({ accountJwt: accountJwt((c) => (c.nbf = s + 60)) })))).toBe('account_not_yet_valid');
  });

  it('reports the earliest expiry of user and account', () => {
    const { req, userJwt, accountJwt } = setup();
    const s = NOW / 1000;
    const r = authorizeUser(req({ userJwt: userJwt((c) => (c.exp = s + 100)), accountJwt: accountJwt((c) => (c.exp = s + 50)) }));
    expect(r.ok && r.expiresAt).toBe((s + 50) * 1000);
  });

  it('refuses malformed user and account JWTs with a reason that holds no token', () => {
    const { req, w } = setup();
    for (const [over, want] of [
      [{ userJwt: 'garbage' }, 'user_jwt_invalid'],
      [{ userJwt: w.accountJwt }, 'user_jwt_invalid'],
      [{ accountJwt: w.userJwt }, 'account_jwt_invalid'],
      [{ accountJwt: '' }, 'account_jwt_invalid'],
    ] as const) {
      const r = authorizeUser(req(over));
      expect(code(r)).toBe(want);
      expect(!r.ok && r.reason).not.toContain('eyJ');
    }
  });
});

describe('checkAccount (for pushed account updates and resolver answers)', () => {
  it('accepts a trusted account JWT and returns frozen claims', () => {
    const { w } = setup();
    const r = checkAccount(w.accountJwt, w.trust, { now: NOW, account: w.account.getPublicKey() });
    expect(r).toMatchObject({ ok: true, claims: { sub: w.account.getPublicKey(), name: 'acme' } });
    expect(r.ok && Object.isFrozen(r.claims.nats.limits)).toBe(true);
  });

  it('refuses wrong subject, untrusted issuer, bad content, expiry, garbage', () => {
    const { w, accountJwt } = setup();
    const c = (token: string, account?: string) => {
      const r = checkAccount(token, w.trust, account ? { now: NOW, account } : { now: NOW });
      return r.ok ? 'ok' : r.code;
    };
    expect(c(w.accountJwt, createAccount().getPublicKey())).toBe('account_mismatch');
    expect(c(accountJwt(() => {}, createOperator()))).toBe('account_not_trusted');
    expect(c(accountJwt((a) => (a.nats.signing_keys = ['nope'])))).toBe('account_claims_invalid');
    expect(c(accountJwt((a) => (a.exp = NOW / 1000 - 1)))).toBe('account_expired');
    expect(c(w.userJwt)).toBe('account_jwt_invalid');
    expect(c('x.y.z')).toBe('account_jwt_invalid');
  });
});

describe('authorizeUser: nonce signature and bearer tokens', () => {
  it('accepts std base64 signatures as nats-server does', () => {
    const { w, req } = setup();
    expect(code(authorizeUser(req({ sig: Buffer.from(w.user.sign(Buffer.from(NONCE))).toString('base64') })))).toBe('ok');
  });

  it('refuses missing, non-base64, wrong-key and wrong-nonce signatures', () => {
    const { w, req } = setup();
    expect(code(authorizeUser(req({ sig: undefined })))).toBe('signature_missing');
    expect(code(authorizeUser(req({ sig: '***' })))).toBe('signature_invalid');
    expect(code(authorizeUser(req({ sig: sign(createUser()) })))).toBe('signature_invalid');
    expect(code(authorizeUser(req({ sig: sign(w.user, 'other-nonce') })))).toBe('signature_invalid');
    expect(code(authorizeUser(req({ sig: sign(w.user).slice(0, 40) })))).toBe('signature_invalid');
  });

  it('refuses a CONNECT nkey that is not the JWT subject', () => {
    const { w, req } = setup();
    expect(code(authorizeUser(req({ nkey: createUser().getPublicKey() })))).toBe('nkey_mismatch');
    expect(code(authorizeUser(req({ nkey: w.user.getPublicKey() })))).toBe('ok');
  });

  it('bearer tokens need no signature unless the account disallows them', () => {
    const { req, userJwt, accountJwt } = setup();
    const bearer = userJwt((c) => (c.nats.bearer_token = true));
    expect(authorizeUser(req({ userJwt: bearer, sig: undefined }))).toMatchObject({ ok: true, bearer: true });
    const strict = accountJwt((c) => (c.nats.limits!.disallow_bearer = true));
    expect(code(authorizeUser(req({ userJwt: bearer, sig: undefined, accountJwt: strict })))).toBe('bearer_not_allowed');
  });
});

describe('authorizeUser: revocations', () => {
  it('revokes users issued at or before the revocation time, by key or "*"', () => {
    const { w, req, userJwt, accountJwt } = setup();
    const s = NOW / 1000;
    const uk = w.user.getPublicKey();
    expect(code(authorizeUser(req({ accountJwt: accountJwt((c) => (c.nats.revocations = { [uk]: s })) })))).toBe('user_revoked');
    expect(code(authorizeUser(req({ accountJwt: accountJwt((c) => (c.nats.revocations = { '*': s + 10 })) })))).toBe('user_revoked');
    expect(code(authorizeUser(req({ accountJwt: accountJwt((c) => (c.nats.revocations = { [uk]: s - 1 })) })))).toBe('ok');
    // A JWT re-issued after the revocation is accepted again.
    const later = userJwt(() => {}, w.account, NOW + 5000);
    expect(code(authorizeUser(req({ userJwt: later, accountJwt: accountJwt((c) => (c.nats.revocations = { [uk]: s + 1 })) })))).toBe('ok');
  });
});

describe('authorizeUser: src, times, connection types', () => {
  it('src CIDRs (v4, v6, v4-mapped, comma string)', () => {
    const { req, userJwt } = setup();
    const u = userJwt((c) => (c.nats.src = ['192.168.0.0/16', '2001:db8::/32']));
    expect(code(authorizeUser(req({ userJwt: u, clientIp: '192.168.4.5' })))).toBe('ok');
    expect(code(authorizeUser(req({ userJwt: u, clientIp: '::ffff:192.168.4.5' })))).toBe('ok');
    expect(code(authorizeUser(req({ userJwt: u, clientIp: '2001:db8::7' })))).toBe('ok');
    expect(code(authorizeUser(req({ userJwt: u, clientIp: '10.0.0.1' })))).toBe('source_not_allowed');
    expect(code(authorizeUser(req({ userJwt: u, clientIp: undefined })))).toBe('source_not_allowed');
    const s = userJwt((c) => ((c.nats as Record<string, unknown>).src = '10.0.0.0/8,127.0.0.1/32'));
    expect(code(authorizeUser(req({ userJwt: s, clientIp: '127.0.0.1' })))).toBe('ok');
  });

  it('refuses invalid CIDRs as invalid claims', () => {
    const { req, userJwt } = setup();
    expect(code(authorizeUser(req({ userJwt: userJwt((c) => (c.nats.src = ['10.0.0.0/99'])) })))).toBe('user_claims_invalid');
  });

  it('connect times in a zone, across midnight, with the remaining window as expiry', () => {
    const { req, userJwt } = setup();
    const inUtc = userJwt((c) => ((c.nats.times = [{ start: '11:00:00', end: '13:00:00' }]), (c.nats.times_location = 'UTC')));
    const r = authorizeUser(req({ userJwt: inUtc }));
    expect(r.ok && r.expiresAt).toBe(NOW + 3600_000);
    // 12:00 UTC is 21:00 in Tokyo.
    const tokyo = userJwt((c) => ((c.nats.times = [{ start: '11:00:00', end: '13:00:00' }]), (c.nats.times_location = 'Asia/Tokyo')));
    expect(code(authorizeUser(req({ userJwt: tokyo })))).toBe('outside_connect_times');
    const night = userJwt((c) => ((c.nats.times = [{ start: '20:00:00', end: '06:00:00' }]), (c.nats.times_location = 'Asia/Tokyo')));
    const n = authorizeUser(req({ userJwt: night }));
    expect(n.ok && n.expiresAt).toBe(NOW + 9 * 3600_000);
    const bad = userJwt((c) => (c.nats.times = [{ start: '25:00:00', end: '06:00:00' }]));
    expect(code(authorizeUser(req({ userJwt: bad })))).toBe('user_claims_invalid');
    const zone = userJwt((c) => (c.nats.times_location = 'Mars/Olympus'));
    expect(code(authorizeUser(req({ userJwt: zone })))).toBe('user_claims_invalid');
  });

  it('allowed connection types (unknown ones ignored, none known = refuse)', () => {
    const { req, userJwt } = setup();
    const ws = userJwt((c) => (c.nats.allowed_connection_types = ['WEBSOCKET', 'FUTURE']));
    expect(code(authorizeUser(req({ userJwt: ws })))).toBe('connection_type_not_allowed');
    expect(code(authorizeUser(req({ userJwt: ws, connectionType: 'WEBSOCKET' })))).toBe('ok');
    const std = userJwt((c) => (c.nats.allowed_connection_types = ['standard']));
    expect(code(authorizeUser(req({ userJwt: std })))).toBe('ok');
    const unknown = userJwt((c) => (c.nats.allowed_connection_types = ['FUTURE']));
    expect(code(authorizeUser(req({ userJwt: unknown })))).toBe('connection_type_not_allowed');
  });
});

describe('authorizeUser: permissions, limits and scoped signing keys', () => {
  it('user permissions win; else the account default permissions apply', () => {
    const { req, userJwt, accountJwt } = setup();
    const acct = accountJwt((c) => (c.nats.default_permissions = { pub: { deny: ['admin.>'] }, sub: {} }));
    const d = authorizeUser(req({ accountJwt: acct }));
    expect(d).toMatchObject({ ok: true, defaultPermissions: true, permissions: { pub: { deny: ['admin.>'] } } });
    const own = authorizeUser(req({ accountJwt: acct, userJwt: userJwt((c) => (c.nats.pub = { allow: ['x'] })) }));
    expect(own).toMatchObject({ ok: true, defaultPermissions: false, permissions: { pub: { allow: ['x'] } } });
  });

  it('limits: omitted = unlimited, otherwise the smaller of user and account', () => {
    const { req, userJwt, accountJwt } = setup();
    const u = userJwt((c) => {
      c.nats.subs = 10;
      delete c.nats.payload;
      delete c.nats.data;
    });
    const a = accountJwt((c) => ((c.nats.limits!.subs = 100), (c.nats.limits!.payload = 2048)));
    expect(authorizeUser(req({ userJwt: u, accountJwt: a }))).toMatchObject({ ok: true, limits: { subs: 10, payload: 2048, data: -1 } });
  });

  it('refuses invalid permission subjects', () => {
    const { req, userJwt } = setup();
    expect(code(authorizeUser(req({ userJwt: userJwt((c) => (c.nats.pub = { allow: ['a..b'] })) })))).toBe('user_claims_invalid');
    expect(code(authorizeUser(req({ userJwt: userJwt((c) => (c.nats.pub = { allow: ['a q'] })) })))).toBe('user_claims_invalid');
    expect(code(authorizeUser(req({ userJwt: userJwt((c) => (c.nats.sub = { allow: ['a q'] })) })))).toBe('ok');
  });

  function scoped(template: Parameters<typeof newUserScope>[2], tags?: string[]) {
    const t = setup();
    const sk = createAccount();
    const acct = t.accountJwt((c) => {
      c.nats.signing_keys = [newUserScope(sk.getPublicKey(), 'dev', template)];
      c.nats.tags = ['region:eu'];
    });
    const uc = newScopedUserClaims(t.w.user.getPublicKey(), t.w.account.getPublicKey(), 'alice');
    if (tags) uc.nats.tags = tags;
    return { ...t, sk, acct, uc };
  }

  it('scoped key: the template gives permissions and limits, with templates expanded', () => {
    const { req, sk, acct, uc, w } = scoped(
      {
        pub: { allow: ['{{name()}}.>', '{{account-name()}}.{{tag(team)}}.x', 'r.{{account-tag(region)}}'], deny: ['{{subject()}}'] },
        sub: { allow: ['acct.{{account-subject()}}'] },
        subs: 5,
        bearer_token: false,
      },
      ['team:blue', 'team:red'],
    );
    const r = authorizeUser(req({ userJwt: encode(uc, sk, { now: NOW }), accountJwt: acct }));
    expect(r).toMatchObject({
      ok: true,
      scopeRole: 'dev',
      limits: { subs: 5, payload: -1, data: -1 },
      permissions: {
        pub: { allow: ['alice.>', 'acme.blue.x', 'acme.red.x', 'r.eu'], deny: [w.user.getPublicKey()] },
        sub: { allow: [`acct.${w.account.getPublicKey()}`] },
      },
    });
  });

  it('scoped key: an allow list emptied by a missing tag becomes deny >', () => {
    const { req, sk, acct, uc } = scoped({ pub: { allow: ['{{tag(team)}}.x'] } });
    expect(authorizeUser(req({ userJwt: encode(uc, sk, { now: NOW }), accountJwt: acct }))).toMatchObject({
      ok: true,
      permissions: { pub: { allow: [], deny: ['>'] } },
    });
  });

  it('scoped key: a missing tag in a deny list or an unknown function refuses', () => {
    const a = scoped({ pub: { deny: ['{{tag(team)}}.x'] } });
    expect(code(authorizeUser(a.req({ userJwt: encode(a.uc, a.sk, { now: NOW }), accountJwt: a.acct })))).toBe('scope_template_invalid');
    const b = scoped({ pub: { allow: ['{{nope()}}'] } });
    expect(code(authorizeUser(b.req({ userJwt: encode(b.uc, b.sk, { now: NOW }), accountJwt: b.acct })))).toBe('scope_template_invalid');
  });

  it('scoped key: a user JWT with its own permissions or limits is refused (as nats-server)', () => {
    const { req, sk, acct, w } = scoped({ pub: { allow: ['a'] } });
    const uc = newUserClaims(w.user.getPublicKey(), 'alice');
    uc.nats.issuer_account = w.account.getPublicKey();
    expect(code(authorizeUser(req({ userJwt: encode(uc, sk, { now: NOW }), accountJwt: acct })))).toBe('scoped_user_not_empty');
  });

  it('scoped key: bearer and connection types come from the template', () => {
    const { req, sk, acct, uc } = scoped({ bearer_token: true, allowed_connection_types: ['WEBSOCKET'] });
    const token = encode(uc, sk, { now: NOW });
    expect(code(authorizeUser(req({ userJwt: token, accountJwt: acct, sig: undefined })))).toBe('connection_type_not_allowed');
    expect(authorizeUser(req({ userJwt: token, accountJwt: acct, sig: undefined, connectionType: 'WEBSOCKET' }))).toMatchObject({ ok: true, bearer: true });
  });
});
