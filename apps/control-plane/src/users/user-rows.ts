// POST /users is the hot path of the API (every client that needs credentials): one statement
// after authentication instead of a seven-statement transaction. The account (in the caller's
// scope) with its newest signing key is remembered per process; the statement that inserts the
// user and its audit row (atomic, being one statement: no user without its audit row) does so only
// while that key is still the account's newest active one, so a rotated or revoked key is never
// used from memory: the caller looks the account up again and re-signs.
import { Prisma, type Db } from '@switchboard/db';

export interface IssuingAccount {
  tenantId: string | null;
  publicKey: string;
  /** The newest active signing key; null when the account has none. */
  signingKey: { publicKey: string; seedEnc: Uint8Array } | null;
}

/** The account if it is in `tenantId` (any account when undefined: operators), with its newest active signing key. */
export async function issuingAccount(db: Db, accountId: string, tenantId: string | undefined): Promise<IssuingAccount | null> {
  const scope = tenantId === undefined ? Prisma.empty : Prisma.sql`AND a.tenant_id = ${tenantId}::uuid`;
  const rows = await db.$queryRaw<Array<{ tenantId: string | null; publicKey: string; keyPublicKey: string | null; seedEnc: Uint8Array | null }>>`
    SELECT a.tenant_id AS "tenantId", a.public_key AS "publicKey", k.public_key AS "keyPublicKey", k.seed_enc AS "seedEnc"
    FROM accounts a
    LEFT JOIN LATERAL (
      SELECT public_key, seed_enc FROM account_signing_keys
      WHERE account_id = a.id AND revoked_at IS NULL
      ORDER BY created_at DESC LIMIT 1
    ) k ON true
    WHERE a.id = ${accountId}::uuid ${scope}`;
  const r = rows[0];
  if (!r) return null;
  return {
    tenantId: r.tenantId,
    publicKey: r.publicKey,
    signingKey: r.keyPublicKey && r.seedEnc ? { publicKey: r.keyPublicKey, seedEnc: r.seedEnc } : null,
  };
}

export interface NewUserRow {
  id: string;
  accountId: string;
  name: string;
  publicKey: string;
  permissions: object;
  jwt: string;
  expiresAt: Date | null;
  /** The signing key that signed `jwt`: the row is written only while it is still active. */
  signedBy: string;
  audit: { tenantId: string | null; actor: string; details: Record<string, unknown> };
}

export interface UserRow {
  id: string;
  accountId: string;
  name: string;
  publicKey: string;
  permissions: unknown;
  jwt: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

/** Inserts the user and its `user.create` audit row; null when `signedBy` is no longer the account's newest active signing key. */
export async function insertUser(db: Db, u: NewUserRow): Promise<UserRow | null> {
  const rows = await db.$queryRaw<UserRow[]>`
    WITH u AS (
      INSERT INTO users (id, account_id, name, public_key, permissions, jwt, expires_at, updated_at)
      SELECT ${u.id}::uuid, ${u.accountId}::uuid, ${u.name}, ${u.publicKey}, ${JSON.stringify(u.permissions)}::jsonb, ${u.jwt},
             ${u.expiresAt?.toISOString() ?? null}::timestamptz, now()
      WHERE (SELECT public_key FROM account_signing_keys WHERE account_id = ${u.accountId}::uuid AND revoked_at IS NULL
             ORDER BY created_at DESC LIMIT 1) = ${u.signedBy}
      RETURNING id, account_id, name, public_key, permissions, jwt, expires_at, revoked_at, created_at
    ), audit AS (
      INSERT INTO audit_log (tenant_id, actor, action, target_type, target_id, data)
      SELECT ${u.audit.tenantId}::uuid, ${u.audit.actor}, 'user.create', 'user', u.id::text, ${JSON.stringify(u.audit.details)}::jsonb FROM u
    )
    SELECT id::text AS id, account_id::text AS "accountId", name, public_key AS "publicKey", permissions, jwt,
           expires_at AS "expiresAt", revoked_at AS "revokedAt", created_at AS "createdAt"
    FROM u`;
  return rows[0] ?? null;
}

/**
 * Accounts looked up for issuing, by id. What is kept never changes for an account (its tenant and
 * public key) or is checked again by insertUser (its signing key); `forget` after a refusal.
 */
export class IssuingAccounts {
  private readonly byId = new Map<string, IssuingAccount>();

  constructor(private readonly max = 10_000) {}

  async get(db: Db, accountId: string, tenantId: string | undefined): Promise<IssuingAccount | null> {
    const hit = this.byId.get(accountId);
    if (hit) return tenantId === undefined || hit.tenantId === tenantId ? hit : null;
    const a = await issuingAccount(db, accountId, tenantId);
    if (a?.signingKey) {
      if (this.byId.size >= this.max) this.byId.clear();
      this.byId.set(accountId, a);
    }
    return a;
  }

  forget(accountId: string): void {
    this.byId.delete(accountId);
  }
}

/** For a revocation: the account (in the caller's scope) and the user in it, in one query. */
export async function userInAccount(
  tx: Pick<Db, '$queryRaw'>,
  accountId: string,
  userId: string,
  tenantId: string | undefined,
): Promise<{ tenantId: string | null; user: { publicKey: string; revokedAt: Date | null } | null } | null> {
  const scope = tenantId === undefined ? Prisma.empty : Prisma.sql`AND a.tenant_id = ${tenantId}::uuid`;
  const rows = await tx.$queryRaw<Array<{ tenantId: string | null; publicKey: string | null; revokedAt: Date | null }>>`
    SELECT a.tenant_id::text AS "tenantId", u.public_key AS "publicKey", u.revoked_at AS "revokedAt"
    FROM accounts a LEFT JOIN users u ON u.id = ${userId}::uuid AND u.account_id = a.id
    WHERE a.id = ${accountId}::uuid ${scope}`;
  const r = rows[0];
  if (!r) return null;
  return { tenantId: r.tenantId, user: r.publicKey === null ? null : { publicKey: r.publicKey, revokedAt: r.revokedAt } };
}
