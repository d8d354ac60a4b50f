// The operator signing key the quota check re-signs account JWTs with: the control plane's active
// (newest unrevoked) one, opened with the master key. Its seed never leaves this process.
import type { KeyPair } from '@nats-io/nkeys';
import type { Db } from '@switchboard/db';
import { openSigner } from '@switchboard/issuer';
import type { Keyring } from '@switchboard/secrets';
import { SystemCredsError } from './system-creds.js';

/** Null while the control plane has not bootstrapped an operator signing key (quotas then wait). */
export async function operatorSignerFromDb(db: Db, keyring: Keyring): Promise<KeyPair | null> {
  const op = await db.operator.findFirst({
    select: { name: true, signingKeys: { where: { revokedAt: null }, orderBy: { createdAt: 'desc' }, take: 1, omit: { seedEnc: false } } },
  });
  const sk = op?.signingKeys[0];
  if (!op || !sk) return null;
  try {
    return openSigner(keyring, sk);
  } catch (e) {
    throw new SystemCredsError(`cannot open the signing key of operator ${op.name} (wrong master key?): ${(e as Error).message}`);
  }
}
