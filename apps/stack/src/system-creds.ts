// The system account user's .creds, which a worker connects to brokers with to push account JWTs.
// The stack reads it in-process; a separate worker gets it from `setup system-creds` (infra/).
import type { Db } from '@switchboard/db';
import { systemUserCreds } from '@switchboard/issuer';
import type { Keyring } from '@switchboard/secrets';

export interface SystemIdentity {
  /** The operator JWT brokers trust. */
  operatorJwt: string;
  systemAccount: string;
  /** Contents of the system user's .creds file (holds a seed: never log it). */
  creds: string;
}

export async function systemIdentity(db: Db, keyring: Keyring): Promise<SystemIdentity> {
  const op = await db.operator.findFirst({ omit: { systemUserSeedEnc: false } });
  if (!op) throw new Error('no operator yet: start the control plane once so it bootstraps one');
  if (!op.systemAccount || !op.systemUserPublicKey || !op.systemUserSeedEnc || !op.systemUserJwt) {
    throw new Error(`operator ${op.name} has no system account user: the database was bootstrapped by an older control plane`);
  }
  return {
    operatorJwt: op.jwt,
    systemAccount: op.systemAccount,
    creds: systemUserCreds(keyring, { publicKey: op.systemUserPublicKey, seedEnc: op.systemUserSeedEnc, jwt: op.systemUserJwt }),
  };
}
