// Operator mode for the differential cases: a fresh operator, accounts and users made with
// the official nkeys/jwt libraries (not ours), a nats-server config that trusts them, and
// CONNECT lines that sign the nonce each server sends.
import { encodeAccount, encodeOperator } from '@nats-io/jwt';
import { createAccount, createOperator, type KeyPair } from '@nats-io/nkeys';
import { nonceOf, sign, UNLIMITED, user, type Cred } from '@switchboard/testing';

export interface OperatorSetup {
  config: string;
  users: Record<'a' | 'a2' | 'signed' | 'b' | 'expired' | 'revoked' | 'limited' | 'unknownAccount' | 'small', Cred>;
}

export async function operatorSetup(): Promise<OperatorSetup> {
  const operator = createOperator();
  const accA = createAccount();
  const accASigner = createAccount();
  const accB = createAccount();
  const accSmall = createAccount();
  const stranger = createAccount(); // never registered with the server
  const now = Math.floor(Date.now() / 1000);

  const unlimited = UNLIMITED;
  const revoked = await user('revoked', accA);
  const accounts: Array<[KeyPair, string]> = [
    [
      accA,
      await encodeAccount(
        'A',
        accA,
        { limits: unlimited, signing_keys: [accASigner.getPublicKey()], revocations: { [revoked.key.getPublicKey()]: now + 3600 } },
        { signer: operator },
      ),
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

/** A CONNECT that presents `cred` and signs the server's nonce (or `signWith` something else). */
export function connectAs(cred: Cred, received: string, extra: Record<string, unknown> = {}, signWith?: string): string {
  const nonce = signWith ?? nonceOf(received);
  const fields = { verbose: false, pedantic: false, protocol: 1, headers: true, no_responders: true, jwt: cred.jwt, sig: sign(cred.key, nonce), ...extra };
  return `CONNECT ${JSON.stringify(fields)}\r\n`;
}
