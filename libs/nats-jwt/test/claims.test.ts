import { describe, expect, it } from 'vitest';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import {
  activationHashId,
  decode,
  encode,
  JwtError,
  newAccountClaims,
  newActivationClaims,
  newOperatorClaims,
  newScopedUserClaims,
  newUserClaims,
  newUserScope,
  verify,
  type AccountClaims,
} from '../src/index.js';
import { goVectors } from './helpers.js';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

describe('constructors write nats-io defaults', () => {
  it('user claims match what nsc/Go wrote in a real user JWT', () => {
    const goUser = decode(goVectors().creds.split('\n')[1]!).claims;
    const ours = newUserClaims(createUser().getPublicKey());
    expect(JSON.stringify(ours.nats)).toBe(JSON.stringify(goUser.nats));
  });

  it('account claims: unlimited limits, wildcards on, empty default permissions', () => {
    const a = newAccountClaims(createAccount().getPublicKey(), 'acme');
    expect(a.nats.limits).toEqual({ subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 });
    expect(a.nats.default_permissions).toEqual({ pub: {}, sub: {} });
    expect(a.nats.type).toBe('account');
  });

  it('scoped user claims carry no permissions or limits', () => {
    const acc = createAccount().getPublicKey();
    expect(newScopedUserClaims(createUser().getPublicKey(), acc).nats).toEqual({ issuer_account: acc, type: 'user', version: 2 });
  });

  it('user scope template defaults limits to unlimited', () => {
    const s = newUserScope(createAccount().getPublicKey(), 'dev', { pub: { allow: ['a.>'] } });
    expect(s).toMatchObject({ kind: 'user_scope', role: 'dev', template: { pub: { allow: ['a.>'] }, sub: {}, subs: -1, data: -1, payload: -1 } });
  });
});

describe('encode / decode round trips', () => {
  const op = createOperator();
  const acc = createAccount();
  const user = createUser();

  it('operator claims, every field plus unknown ones', () => {
    const c = newOperatorClaims(op.getPublicKey(), 'op');
    Object.assign(c.nats, {
      signing_keys: [createOperator().getPublicKey()],
      account_server_url: 'http://localhost:9090/jwt/v1',
      operator_service_urls: ['nats://localhost:4222'],
      system_account: acc.getPublicKey(),
      assert_server_version: '2.9.0',
      strict_signing_key_usage: true,
      tags: ['prod'],
      future_field: { nested: [1, 2] },
    });
    (c as unknown as Record<string, unknown>).x_top = 'kept';
    const token = encode(c, op, { now: NOW });
    const d = verify(token, { type: 'operator', now: NOW });
    expect(d.claims.nats).toEqual({ ...c.nats, version: 2 });
    expect((d.claims as unknown as Record<string, unknown>).x_top).toBe('kept');
    expect(d.claims).toMatchObject({ iss: op.getPublicKey(), sub: op.getPublicKey(), iat: Math.floor(NOW / 1000), name: 'op' });
    // Re-encoding the decoded claims keeps everything.
    const again = verify(encode(d.claims, op, { now: NOW }), { now: NOW }).claims;
    expect(again).toEqual(d.claims);
  });

  it('account claims with imports, exports, revocations, scoped signing keys, mappings', () => {
    const c: AccountClaims = newAccountClaims(acc.getPublicKey(), 'acme');
    const sk = createAccount().getPublicKey();
    Object.assign(c.nats, {
      imports: [{ name: 'svc', subject: 'help', account: createAccount().getPublicKey(), type: 'service', local_subject: 'ask', share: true, token: 'x' }],
      exports: [
        {
          name: 's',
          subject: 'events.>',
          type: 'stream',
          token_req: true,
          revocations: { [createAccount().getPublicKey()]: 5 },
          description: 'd',
          info_url: 'https://x.io',
        },
        {
          name: 'q',
          subject: 'help',
          type: 'service',
          response_type: 'Stream',
          response_threshold: 1_000_000,
          service_latency: { sampling: 'headers', results: 'lat' },
          account_token_position: 0,
        },
      ],
      signing_keys: [sk, newUserScope(createAccount().getPublicKey(), 'ro', { sub: { allow: ['{{name()}}.>'] } })],
      revocations: { [user.getPublicKey()]: 100, '*': 50 },
      default_permissions: { pub: { deny: ['secret.>'] }, sub: {} },
      mappings: {
        'a.b': [
          { subject: 'c.d', weight: 50 },
          { subject: 'e.f', weight: 50, cluster: 'x' },
        ],
      },
      authorization: { auth_users: [user.getPublicKey()], allowed_accounts: ['*'] },
      limits: { ...c.nats.limits, disallow_bearer: true, mem_storage: 1024, tiered_limits: { R1: { disk_storage: 5 } } },
      tags: ['t:1'],
      unknown_feature: true,
    });
    const d = verify(encode(c, op, { now: NOW }), { type: 'account', now: NOW });
    expect(d.claims.nats).toEqual({ ...c.nats, version: 2 });
  });

  it('user claims with permissions, limits, src, times, bearer, connection types, issuer_account', () => {
    const c = newUserClaims(user.getPublicKey(), 'alice');
    Object.assign(c.nats, {
      pub: { allow: ['a.>'], deny: ['a.b'] },
      sub: { allow: ['_INBOX.>', 'q grp'] },
      resp: { max: 1, ttl: 5_000_000_000 },
      src: ['10.0.0.0/8', '::1/128'],
      times: [{ start: '08:00:00', end: '17:00:00' }],
      times_location: 'Europe/Berlin',
      bearer_token: true,
      allowed_connection_types: ['STANDARD', 'WEBSOCKET'],
      issuer_account: acc.getPublicKey(),
      tags: ['team:blue'],
      subs: 10,
      data: 20,
      payload: 30,
      nested_unknown: { a: [null, 'b'] },
    });
    c.exp = Math.floor(NOW / 1000) + 60;
    c.nbf = Math.floor(NOW / 1000) - 60;
    c.aud = 'NATS';
    const d = verify(encode(c, createAccount(), { now: NOW }), { type: 'user', now: NOW });
    expect(d.claims.nats).toEqual({ ...c.nats, version: 2 });
    expect(d.claims).toMatchObject({ exp: c.exp, nbf: c.nbf, aud: 'NATS' });
  });

  it('activation claims and their hash id', () => {
    const importer = createAccount().getPublicKey();
    const c = newActivationClaims(importer, 'events.*.x', 'stream', 'act');
    c.nats.issuer_account = acc.getPublicKey();
    const d = verify(encode(c, createAccount(), { now: NOW }), { type: 'activation', now: NOW });
    expect(d.claims.nats).toEqual({ subject: 'events.*.x', kind: 'stream', issuer_account: acc.getPublicKey(), type: 'activation', version: 2 });
    // Hash id over "iss.sub.events" (subject cut at the first wildcard), base32 with padding.
    expect(activationHashId(d.claims)).toMatch(/^[A-Z2-7]{52}====$/);
    expect(activationHashId({ ...d.claims, nats: { ...d.claims.nats, subject: 'events.a.x' } })).not.toBe(activationHashId(d.claims));
  });

  it('keeps an unknown "__proto__" field as data', () => {
    const c = JSON.parse(`{"sub":"${user.getPublicKey()}","__proto__":{"x":1},"nats":{"type":"user","__proto__":{"y":2}}}`);
    const d = verify(encode(c, acc, { now: NOW }), { now: NOW }).claims as unknown as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(d, '__proto__')?.value).toEqual({ x: 1 });
    expect(Object.getOwnPropertyDescriptor(d.nats, '__proto__')?.value).toEqual({ y: 2 });
    expect(({} as Record<string, unknown>).x).toBe(undefined);
  });

  it('does not modify the claims object given to encode', () => {
    const c = newUserClaims(user.getPublicKey());
    const before = JSON.stringify(c);
    encode(c, acc);
    expect(JSON.stringify(c)).toBe(before);
  });

  it('the jti is deterministic for the same registered claims', () => {
    const c = newUserClaims(user.getPublicKey(), 'x');
    const a = decode(encode(c, acc, { now: NOW })).claims.jti;
    expect(decode(encode(c, acc, { now: NOW })).claims.jti).toBe(a);
    expect(decode(encode(c, acc, { now: NOW + 1000 })).claims.jti).not.toBe(a);
  });
});

describe('encode refuses claims that do not fit their kind', () => {
  const cases: [string, () => string][] = [
    ['user signed by an operator', () => encode(newUserClaims(createUser().getPublicKey()), createOperator())],
    ['user subject that is an account key', () => encode(newUserClaims(createAccount().getPublicKey()), createAccount())],
    ['operator signed by an account', () => encode(newOperatorClaims(createOperator().getPublicKey()), createAccount())],
    ['account signed by a user', () => encode(newAccountClaims(createAccount().getPublicKey()), createUser())],
    ['empty subject', () => encode(newUserClaims(''), createAccount())],
  ];
  for (const [what, fn] of cases) it(what, () => expect(fn).toThrow(JwtError));
});
