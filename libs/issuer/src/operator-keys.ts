// The operator's keys as the processes that sign or push use them: the active operator signing key
// (account JWTs) and the system user's .creds (workers pushing claims, collecting usage). Both are
// opened from the database with the master key; seeds never leave the process.
import type { KeyPair } from '@nats-io/nkeys';
import type { Db } from '@switchboard/db';
import { formatCreds } from '@switchboard/nats-jwt';
import { openSeed, type Keyring } from '@switchboard/secrets';
import { openSigner } from './keys.js';

/** Missing, ambiguous or unopenable operator keys; the message says what to do. */
export class OperatorKeysError extends Error {
  override readonly name = 'OperatorKeysError';
}

export interface OperatorSigner {
  operatorId: string;
  operatorPublicKey: string;
  signingKeyId: string;
  /** The newest unrevoked operator signing key: signs every account JWT. */
  signer: KeyPair;
}

type Reader = Pick<Db, 'operator'>;

/** The one operator of this database; null before the control plane's first start. */
async function theOperator(db: Reader) {
  const ops = await db.operator.findMany({
    take: 2,
    omit: { systemUserSeedEnc: false },
    include: { signingKeys: { where: { revokedAt: null }, orderBy: { createdAt: 'desc' }, take: 1, omit: { seedEnc: false } } },
  });
  if (ops.length > 1)
    throw new OperatorKeysError('the database has several operators: set SWITCHBOARD_SYSTEM_CREDS to the system user of the one the brokers trust');
  return ops[0] ?? null;
}

/** The operator signing key, opened; null while there is no operator or no active signing key. */
export async function loadOperatorSigner(db: Reader, keyring: Keyring): Promise<OperatorSigner | null> {
  const op = await theOperator(db);
  const sk = op?.signingKeys[0];
  if (!op || !sk) return null;
  try {
    return { operatorId: op.id, operatorPublicKey: op.publicKey, signingKeyId: sk.id, signer: openSigner(keyring, sk) };
  } catch (e) {
    throw new OperatorKeysError(`cannot open the signing key of operator ${op.name} (wrong master key?): ${(e as Error).message}`);
  }
}

/** The system user's .creds made at the operator bootstrap (its seed opened only to format them). */
export async function loadSystemCreds(db: Reader, keyring: Keyring): Promise<string> {
  const op = await theOperator(db);
  if (!op) throw new OperatorKeysError('the database has no operator with a system user yet: start the control plane once, or set SWITCHBOARD_SYSTEM_CREDS');
  if (!op.systemUserPublicKey || !op.systemUserSeedEnc || !op.systemUserJwt) throw new OperatorKeysError(`operator ${op.name} has an incomplete system user`);
  let seed: Uint8Array;
  try {
    seed = openSeed(keyring, op.systemUserPublicKey, op.systemUserSeedEnc);
  } catch (e) {
    throw new OperatorKeysError(`cannot open the system user seed of operator ${op.name} (wrong master key?): ${(e as Error).message}`);
  }
  try {
    return formatCreds(op.systemUserJwt, seed);
  } finally {
    seed.fill(0);
  }
}
