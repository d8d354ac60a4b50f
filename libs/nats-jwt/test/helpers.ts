import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';
import { encode, newAccountClaims, newOperatorClaims, newUserClaims, trustOperators, type AccountClaims, type UserClaims } from '../src/index.js';

export const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8');

/** Go-made tokens from nats-server's own test configs: [operator, system account, account "one"]. */
export function goVectors(): { operator: string; system: string; one: string; creds: string } {
  const [operator, system, one] = fixture('go-vectors.txt')
    .split('\n')
    .filter((l) => l.startsWith('eyJ'));
  return { operator: operator!, system: system!, one: one!, creds: fixture('one.creds') };
}

export interface World {
  operator: KeyPair;
  operatorSigner: KeyPair;
  operatorJwt: string;
  account: KeyPair;
  accountSigner: KeyPair;
  accountClaims: AccountClaims;
  accountJwt: string;
  user: KeyPair;
  userClaims: UserClaims;
  userJwt: string;
  trust: ReturnType<typeof trustOperators>;
}

/** Operator (with a signing key) -> account (with a plain signing key) -> user signed by the account key. */
export function makeWorld(now = Date.now()): World {
  const operator = createOperator();
  const operatorSigner = createOperator();
  const oc = newOperatorClaims(operator.getPublicKey(), 'op');
  oc.nats.signing_keys = [operatorSigner.getPublicKey()];
  const operatorJwt = encode(oc, operator, { now });
  const account = createAccount();
  const accountSigner = createAccount();
  const accountClaims = newAccountClaims(account.getPublicKey(), 'acme');
  accountClaims.nats.signing_keys = [accountSigner.getPublicKey()];
  const accountJwt = encode(accountClaims, operatorSigner, { now });
  const user = createUser();
  const userClaims = newUserClaims(user.getPublicKey(), 'alice');
  const userJwt = encode(userClaims, account, { now });
  return {
    operator,
    operatorSigner,
    operatorJwt,
    account,
    accountSigner,
    accountClaims,
    accountJwt,
    user,
    userClaims,
    userJwt,
    trust: trustOperators([operatorJwt], now),
  };
}

export const seedOf = (kp: KeyPair): string => new TextDecoder().decode(kp.getSeed());
