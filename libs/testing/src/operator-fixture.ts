// One operator for the shared (nats-server vs broker) suites: keys and JWTs made with the
// official nats-io libraries (not ours), the config both servers start from, and raw CONNECTs
// that sign the server's nonce.
import { encodeAccount, encodeOperator, encodeUser } from '@nats-io/jwt';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';
import { operatorModeConfig } from './operator-config.js';
import { RawClient } from './raw-client.js';

export interface Cred {
  jwt: string;
  key: KeyPair;
}

/** Unset limits decode as 0 in nats-server (0 connections allowed): spell out "unlimited" like nsc does. */
export const UNLIMITED = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };
export const nowSec = (): number => Math.floor(Date.now() / 1000);

/** A user of `issuer` with its key (claims and options as @nats-io/jwt's encodeUser takes them). */
export async function user(name: string, issuer: KeyPair, claims: Record<string, unknown> = {}, opts: Record<string, unknown> = {}): Promise<Cred> {
  const key = createUser();
  return { key, jwt: await encodeUser(name, key, issuer, claims, opts) };
}

/** One operator with a system account and accounts A (signing key, one revoked user), C (for live updates), D (never used), E (signing key). */
export async function makeOperator() {
  const operator = createOperator();
  const sys = createAccount();
  const a = createAccount();
  const aSigner = createAccount();
  const c = createAccount();
  const d = createAccount();
  const e = createAccount();
  const eSigner = createAccount();
  const revoked = await user('revoked', a);
  const accountJwt = {
    sys: await encodeAccount('SYS', sys, { limits: UNLIMITED }, { signer: operator }),
    a: await encodeAccount(
      'A',
      a,
      { limits: UNLIMITED, signing_keys: [aSigner.getPublicKey()], revocations: { [revoked.key.getPublicKey()]: nowSec() + 3600 } },
      { signer: operator },
    ),
    c: await encodeAccount('C', c, { limits: UNLIMITED }, { signer: operator }),
    d: await encodeAccount('D', d, { limits: UNLIMITED }, { signer: operator }),
    e: await encodeAccount('E', e, { limits: UNLIMITED, signing_keys: [eSigner.getPublicKey()] }, { signer: operator }),
  };
  const operatorJwt = await encodeOperator('OP', operator, { system_account: sys.getPublicKey() });
  const keys = { operator, sys, a, aSigner, c, d, e, eSigner };
  const users = {
    sys: await user('sys', sys),
    a: await user('a', a),
    signed: await user('signed', a, {}, { signer: aSigner }),
    revoked,
    expired: await user('expired', a, {}, { exp: nowSec() - 60 }),
    notYet: await user('not-yet', a, {}, { nbf: nowSec() + 3600 }),
    // Claims issuer_account A but signed by a key A never listed.
    forged: await user('forged', a, {}, { signer: createAccount() }),
    bearer: await user('bearer', a, { bearer_token: true }),
    limited: await user('limited', a, { pub: { allow: ['ok.>', '_INBOX.>'], deny: ['ok.secret'] }, sub: { allow: ['ok.*', '_INBOX.>'], deny: ['ok.hidden'] } }),
    queue: await user('queue', a, { sub: { allow: ['q.* workers'] } }),
    fromElsewhere: await user('elsewhere', a, { src: ['10.99.0.0/16'] }),
    c1: await user('c1', c),
    c2: await user('c2', c),
    e1: await user('e1', e),
    e2: await user('e2', e, {}, { signer: eSigner }),
  };
  return { keys, users, accountJwt, operatorJwt };
}
export type OperatorFixture = Awaited<ReturnType<typeof makeOperator>>;

/** The fixture's operator-mode config with every account preloaded; `resolver` is its resolver line(s). */
export function operatorConfig(f: OperatorFixture, resolver = 'resolver: MEMORY'): string {
  const k = f.keys;
  const preload = { sys: k.sys, a: k.a, c: k.c, d: k.d, e: k.e } as const;
  return operatorModeConfig({
    operatorJwt: f.operatorJwt,
    systemAccount: k.sys.getPublicKey(),
    resolver,
    preload: Object.fromEntries(Object.entries(preload).map(([name, kp]) => [kp.getPublicKey(), f.accountJwt[name as keyof typeof preload]])),
  });
}

/** What a raw client saw, without the server's keep-alive PINGs (their timing is the server's own). */
export const noPings = (data: string): string => data.replace(/PING\r\n/g, '');

/** The nonce of the INFO a raw client received. */
export function nonceOf(data: string): string {
  const line = data.split('\r\n')[0] ?? '';
  try {
    const info = JSON.parse(line.slice(line.indexOf('{'))) as { nonce?: unknown };
    return typeof info.nonce === 'string' ? info.nonce : '';
  } catch {
    return '';
  }
}

/** The CONNECT `sig` field: the nonce signed by `key`, base64url. */
export function sign(key: KeyPair, nonce: string): string {
  return Buffer.from(key.sign(new TextEncoder().encode(nonce))).toString('base64url');
}

/** Opens a raw connection, waits for INFO and sends CONNECT with `fields` (a function of the nonce) and PING. */
export async function rawConnect(port: number, fields: (nonce: string) => Record<string, unknown>): Promise<RawClient> {
  const c = await RawClient.open(port);
  await c.waitFor('\r\n');
  const connectFields = { verbose: false, pedantic: false, protocol: 1, headers: true, no_responders: true, ...fields(nonceOf(c.data)) };
  c.data = '';
  c.send(`CONNECT ${JSON.stringify(connectFields)}\r\nPING\r\n`);
  return c;
}

/** A raw connection as `cred` (signing the nonce), once the server answered PONG. */
export async function rawAs(port: number, cred: Cred): Promise<RawClient> {
  const c = await rawConnect(port, (nonce) => ({ jwt: cred.jwt, sig: sign(cred.key, nonce) }));
  await c.waitFor('PONG\r\n');
  return c;
}
