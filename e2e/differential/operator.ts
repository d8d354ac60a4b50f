// Operator mode for the differential cases: a fresh operator, accounts and users made with
// the official nkeys/jwt libraries (not ours), a nats-server config that trusts them, and
// CONNECT lines that sign the nonce each server sends.
import { encodeAccount, encodeOperator, encodeUser } from '@nats-io/jwt';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';

export interface Credential {
  jwt: string;
  key: KeyPair;
}

export interface OperatorSetup {
  config: string;
  users: Record<'a' | 'a2' | 'signed' | 'b' | 'expired' | 'revoked' | 'limited' | 'unknownAccount' | 'small', Credential>;
}

async function user(name: string, issuer: KeyPair, claims: Record<string, unknown> = {}, opts: Record<string, unknown> = {}): Promise<Credential> {
  const key = createUser();
  return { key, jwt: await encodeUser(name, key, issuer, claims, opts) };
}

export async function operatorSetup(): Promise<OperatorSetup> {
  const operator = createOperator();
  const accA = createAccount();
  const accASigner = createAccount();
  const accB = createAccount();
  const accSmall = createAccount();
  const stranger = createAccount(); // never registered with the server
  const now = Math.floor(Date.now() / 1000);

  // Unset limits decode as 0 in nats-server (0 connections allowed): spell out "unlimited" like nsc does.
  const unlimited = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };
  const revoked = await user('revoked', accA);
  const accounts: Array<[KeyPair, string]> = [
    [
      accA,
      await encodeAccount('A', accA, { limits: unlimited, signing_keys: [accASigner.getPublicKey()], revocations: { [revoked.key.getPublicKey()]: now + 3600 } }, { signer: operator }),
    ],
    [accB, await encodeAccount('B', accB, { limits: unlimited }, { signer: operator })],
    [accSmall, await encodeAccount('SMALL', accSmall, { limits: { ...unlimited, subs: 2, payload: 16 } }, { signer: operator })],
  ];
  const config = [
    `operator: ${await encodeOperator('OP', operator)}`,
    'resolver: MEMORY',
    'resolver_preload: {',
    ...accounts.map(([kp, jwt]) => `  ${kp.getPublicKey()}: ${jwt}`),
    '}',
    '',
  ].join('\n');

  return {
    config,
    users: {
      a: await user('a', accA),
      a2: await user('a2', accA),
      signed: await user('signed', accA, {}, { signer: accASigner }),
      b: await user('b', accB),
      expired: await user('expired', accA, {}, { exp: now - 60 }),
      revoked,
      limited: await user('limited', accA, { pub: { allow: ['ok.>'] }, sub: { allow: ['ok.*'] } }),
      unknownAccount: await user('lost', stranger),
      small: await user('small', accSmall),
    },
  };
}

/** The nonce in the INFO a connection received. */
export function nonceOf(received: string): string {
  const line = received.split('\r\n')[0] ?? '';
  try {
    const info = JSON.parse(line.slice(line.indexOf('{'))) as { nonce?: unknown };
    return typeof info.nonce === 'string' ? info.nonce : '';
  } catch {
    return '';
  }
}

/** A CONNECT that presents `cred` and signs the server's nonce (or `signWith` something else). */
export function connectAs(cred: Credential, received: string, extra: Record<string, unknown> = {}, signWith?: string): string {
  const nonce = signWith ?? nonceOf(received);
  const sig = Buffer.from(cred.key.sign(new TextEncoder().encode(nonce))).toString('base64url');
  const fields = { verbose: false, pedantic: false, protocol: 1, headers: true, no_responders: true, jwt: cred.jwt, sig, ...extra };
  return `CONNECT ${JSON.stringify(fields)}\r\n`;
}
