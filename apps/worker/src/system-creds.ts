// The system user's .creds the worker pushes claims with: the file named by SWITCHBOARD_SYSTEM_CREDS
// when given, else the one the operator bootstrap stored (seed sealed with the master key).
import type { Db } from '@switchboard/db';
import { systemUserCreds } from '@switchboard/issuer';
import type { Keyring } from '@switchboard/secrets';

export class SystemCredsError extends Error {
  override readonly name = 'SystemCredsError';
}

export async function systemCredsFromDb(db: Db, keyring: Keyring): Promise<string> {
  const ops = await db.operator.findMany({
    where: { systemUserJwt: { not: null } },
    select: { name: true, systemUserPublicKey: true, systemUserSeedEnc: true, systemUserJwt: true },
    take: 2,
  });
  if (ops.length === 0) throw new SystemCredsError('the database has no operator with a system user yet: start the control plane once, or set SWITCHBOARD_SYSTEM_CREDS');
  if (ops.length > 1) throw new SystemCredsError('the database has several operators: set SWITCHBOARD_SYSTEM_CREDS to the system user of the one the brokers trust');
  const op = ops[0]!;
  if (!op.systemUserPublicKey || !op.systemUserSeedEnc || !op.systemUserJwt) throw new SystemCredsError(`operator ${op.name} has an incomplete system user`);
  try {
    return systemUserCreds(keyring, { publicKey: op.systemUserPublicKey, seedEnc: op.systemUserSeedEnc, jwt: op.systemUserJwt });
  } catch (e) {
    throw new SystemCredsError(`cannot open the system user seed of operator ${op.name} (wrong master key?): ${(e as Error).message}`);
  }
}
