import { describe, expect, it } from 'vitest';
import * as jwtjs from '@nats-io/jwt';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import {
  authorizeUser,
  encode,
  formatCreds,
  newAccountClaims,
  newActivationClaims,
  newOperatorClaims,
  newUserClaims,
  parseCreds,
  trustOperators,
  verify,
} from '../src/index.js';
import { seedOf } from './helpers.js';

// @nats-io/jwt (jwt.js) is an independent implementation: its tokens must pass here, ours there.
describe('interop with @nats-io/jwt', () => {
  const op = createOperator();
  const acc = createAccount();
  const user = createUser();

  it('its operator, account, user and activation JWTs verify here', async () => {
    const o = await jwtjs.encodeOperator('op', op, { signing_keys: [createOperator().getPublicKey()] });
    expect(verify(o, { type: 'operator' }).claims).toMatchObject({ name: 'op', sub: op.getPublicKey(), iss: op.getPublicKey() });

    const a = await jwtjs.encodeAccount('acme', acc, { limits: { conn: 5 }, revocations: { [user.getPublicKey()]: 1 } }, { signer: op });
    expect(verify(a, { type: 'account' }).claims.nats).toMatchObject({ limits: { conn: 5 }, type: 'account', version: 2 });

    const u = await jwtjs.encodeUser('alice', user, acc, { pub: { allow: ['a.>'] }, bearer_token: true }, { exp: Math.floor(Date.now() / 1000) + 60 });
    const uc = verify(u, { type: 'user' }).claims;
    expect(uc.nats).toMatchObject({ pub: { allow: ['a.>'] }, bearer_token: true, subs: -1, data: -1, payload: -1 });

    const act = await jwtjs.encodeActivation('act', createAccount(), acc, 'service', { subject: 'help.>' });
    expect(verify(act, { type: 'activation' }).claims.nats).toMatchObject({ subject: 'help.>', kind: 'service' });
  });

  it('ours decode and verify there (jwt.js decode checks the signature)', () => {
    const o = encode(newOperatorClaims(op.getPublicKey(), 'op'), op);
    const a = encode(newAccountClaims(acc.getPublicKey(), 'acme'), op);
    const uClaims = newUserClaims(user.getPublicKey(), 'alice');
    uClaims.nats.sub = { allow: ['x.>'] };
    const u = encode(uClaims, acc);
    const act = encode(newActivationClaims(createAccount().getPublicKey(), 'help', 'service'), acc);
    expect(jwtjs.decode(o)).toMatchObject({ name: 'op', nats: { type: 'operator', version: 2 } });
    expect(jwtjs.decode(a)).toMatchObject({ name: 'acme', nats: { limits: { conn: -1, wildcards: true } } });
    expect(jwtjs.decode<jwtjs.User>(u).nats.sub).toEqual({ allow: ['x.>'] });
    expect(jwtjs.decode(act)).toMatchObject({ nats: { kind: 'service', subject: 'help' } });
  });

  it('a token we tamper with is refused there too', () => {
    const u = encode(newUserClaims(user.getPublicKey(), 'alice'), acc);
    const [h, p, s] = u.split('.');
    const forged = Buffer.from(p!, 'base64url').toString().replace('alice', 'mallo');
    const tampered = `${h}.${Buffer.from(forged).toString('base64url')}.${s}`;
    expect(() => jwtjs.decode(tampered)).toThrow();
    expect(() => verify(tampered)).toThrow(/signature/);
  });

  it('creds: ours parse there, theirs parse here', async () => {
    const u = encode(newUserClaims(user.getPublicKey(), 'alice'), acc);
    const theirs = await jwtjs.parseCreds(new TextEncoder().encode(formatCreds(u, seedOf(user))));
    expect(theirs).toMatchObject({ jwt: u, key: seedOf(user), aid: acc.getPublicKey() });
    const mine = parseCreds(jwtjs.fmtCreds(u, user));
    expect(mine).toEqual({ jwt: u, seed: seedOf(user) });
  });

  it('a user of a jwt.js scoped signing key gets the scope template here', async () => {
    const sk = createAccount();
    const scope = jwtjs.newScopedSigner(sk, 'dev', { pub: { allow: ['{{name()}}.>', '{{account-name()}}.pub'] }, sub: { allow: ['_INBOX.>'] } });
    const a = await jwtjs.encodeAccount('acme', acc, { signing_keys: [scope] }, { signer: op });
    const u = await jwtjs.encodeUser('alice', user, acc, {}, { signer: sk, scopedUser: true });
    const trust = trustOperators([await jwtjs.encodeOperator('op', op)]);
    const nonce = 'abcdefghijk';
    const sig = Buffer.from(user.sign(Buffer.from(nonce))).toString('base64url');
    const r = authorizeUser({ userJwt: u, accountJwt: a, trust, nonce, sig });
    expect(r).toMatchObject({
      ok: true,
      signingKey: sk.getPublicKey(),
      scopeRole: 'dev',
      permissions: { pub: { allow: ['alice.>', 'acme.pub'] }, sub: { allow: ['_INBOX.>'] } },
    });
  });
});
