// First start: the operator (trust root), its signing key, the system account and a system user
// for workers that push claims. Everything comes back sealed or public; nothing is stored here.
// The system account's JWT is made like every other one, by resignAccount once its row exists.
import { randomBytes } from 'node:crypto';
import { encode, newOperatorClaims, newUserClaims } from '@switchboard/nats-jwt';
import type { Keyring } from '@switchboard/secrets';
import { newSealedKey, type Bytes, type SealedKey } from './keys.js';

export interface OperatorOptions {
  name: string;
  /** Base URL of the account resolver, e.g. http://cp:8080/jwt/v1 (written into the operator JWT). */
  accountServerUrl?: string;
  now?: number;
}

export interface OperatorBootstrap extends SealedKey {
  name: string;
  jwt: string;
  accountServerUrl?: string;
  signingKey: SealedKey;
  systemAccount: SealedKey & { name: string; signingKey: SealedKey };
  systemUser: SealedKey & { name: string; jwt: string };
  /** HS256 key for API tokens, sealed (context: apiTokenKeyContext(operator public key)). */
  apiTokenKeyEnc: Bytes;
}

export const SYSTEM_ACCOUNT_NAME = 'SYS';
export const SYSTEM_USER_NAME = 'sys';

export const apiTokenKeyContext = (operatorPublicKey: string) => `api-token-key:${operatorPublicKey}`;

export function bootstrapOperator(keyring: Keyring, opts: OperatorOptions): OperatorBootstrap {
  const now = opts.now ?? Date.now();
  const op = newSealedKey(keyring, 'operator');
  const sk = newSealedKey(keyring, 'operator');
  const sys = newSealedKey(keyring, 'account');
  const sysSk = newSealedKey(keyring, 'account');
  const user = newSealedKey(keyring, 'user');

  const oc = newOperatorClaims(op.publicKey, opts.name);
  oc.nats.signing_keys = [sk.publicKey];
  oc.nats.system_account = sys.publicKey;
  // Accounts must be signed by the signing key, so the operator's identity key can stay cold.
  oc.nats.strict_signing_key_usage = true;
  if (opts.accountServerUrl) oc.nats.account_server_url = opts.accountServerUrl;
  const jwt = encode(oc, op.pair, { now });

  const uc = newUserClaims(user.publicKey, SYSTEM_USER_NAME);
  uc.nats.issuer_account = sys.publicKey;
  const userJwt = encode(uc, sysSk.pair, { now });

  const apiKey = randomBytes(32);
  const apiTokenKeyEnc = new Uint8Array(keyring.seal(apiKey, apiTokenKeyContext(op.publicKey)));
  apiKey.fill(0);

  return {
    name: opts.name,
    publicKey: op.publicKey,
    seedEnc: op.seedEnc,
    jwt,
    ...(opts.accountServerUrl ? { accountServerUrl: opts.accountServerUrl } : {}),
    signingKey: { publicKey: sk.publicKey, seedEnc: sk.seedEnc },
    systemAccount: {
      name: SYSTEM_ACCOUNT_NAME,
      publicKey: sys.publicKey,
      seedEnc: sys.seedEnc,
      signingKey: { publicKey: sysSk.publicKey, seedEnc: sysSk.seedEnc },
    },
    systemUser: { name: SYSTEM_USER_NAME, publicKey: user.publicKey, seedEnc: user.seedEnc, jwt: userJwt },
    apiTokenKeyEnc,
  };
}
