// POST /users is the hot path of the API (every client that needs credentials): one statement
// after authentication instead of a seven-statement transaction, shared by the requests that
// arrive together (UserInserts). The account (in the caller's
// scope) with its newest signing key is remembered per process; the statement that inserts the
// user and its audit row (atomic, being one statement: no user without its audit row) does so only
// while that key is still the account's newest active one, so a rotated or revoked key is never
// used from memory: the caller looks the account up again and re-signs.
import { Prisma, TickBatch, type Database, type Db, type Settled, type Statement } from '@switchboard/db';

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

// Inserts users with their `user.create` audit rows in one statement (atomic: no user without its
// audit row). A user is left out when the key that signed its JWT (signed_by) is no longer its
// account's newest active signing key, and, in the batch form, when it breaks a unique constraint
// (instead of failing the whole batch). Answers the rows written.
const insertUsersSql = (conflicts: string) => `
  WITH i AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::timestamptz[], $8::text[],
                         $9::uuid[], $10::text[], $11::jsonb[])
      WITH ORDINALITY AS i(id, account_id, name, public_key, permissions, jwt, expires_at, signed_by, tenant_id, actor, details, n)
  ), u AS (
    INSERT INTO users (id, account_id, name, public_key, permissions, jwt, expires_at, updated_at)
    SELECT i.id, i.account_id, i.name, i.public_key, i.permissions, i.jwt, i.expires_at, now() FROM i
    WHERE (SELECT k.public_key FROM account_signing_keys k WHERE k.account_id = i.account_id AND k.revoked_at IS NULL
           ORDER BY k.created_at DESC LIMIT 1) = i.signed_by
    ORDER BY i.n
    ${conflicts}
    RETURNING id, account_id, name, public_key, permissions, jwt, expires_at, revoked_at, created_at
  ), audit AS (
    INSERT INTO audit_log (tenant_id, actor, action, target_type, target_id, data)
    SELECT i.tenant_id, i.actor, 'user.create', 'user', u.id::text, i.details FROM u JOIN i ON i.id = u.id ORDER BY i.n
  )
  SELECT id::text AS id, account_id::text AS "accountId", name, public_key AS "publicKey", permissions, jwt,
         expires_at AS "expiresAt", revoked_at AS "revokedAt", created_at AS "createdAt"
  FROM u`;
const INSERT_USERS: Statement = { name: 'sb_insert_users', text: insertUsersSql('') };
const INSERT_USERS_SKIPPING_CONFLICTS: Statement = { name: 'sb_insert_users_skipping_conflicts', text: insertUsersSql('ON CONFLICT DO NOTHING') };

function insertUsers(db: Pick<Database, 'query'>, us: readonly NewUserRow[], skipConflicts: boolean): Promise<UserRow[]> {
  const col = <T>(f: (u: NewUserRow) => T) => us.map(f);
  return db.query<UserRow>(skipConflicts ? INSERT_USERS_SKIPPING_CONFLICTS : INSERT_USERS, [
    col((u) => u.id),
    col((u) => u.accountId),
    col((u) => u.name),
    col((u) => u.publicKey),
    col((u) => JSON.stringify(u.permissions)),
    col((u) => u.jwt),
    col((u) => u.expiresAt?.toISOString() ?? null),
    col((u) => u.signedBy),
    col((u) => u.audit.tenantId),
    col((u) => u.audit.actor),
    col((u) => JSON.stringify(u.audit.details)),
  ]);
}

/**
 * POST /users of requests that arrive together go to PostgreSQL as one insertUsers (TickBatch): one
 * round trip, one commit. A user the batch left out (a unique conflict, a signing key changed
 * meanwhile) or a batch that failed (an account deleted meanwhile) is tried alone, so each request
 * gets its own answer: its row, null (the key changed: look the account up again) or its error.
 */
export class UserInserts {
  private readonly batch: TickBatch<NewUserRow, UserRow | null>;

  constructor(private readonly db: Pick<Database, 'query'>) {
    this.batch = new TickBatch((us) => this.insert(us));
  }

  add(u: NewUserRow): Promise<UserRow | null> {
    return this.batch.add(u);
  }

  private async insert(us: NewUserRow[]): Promise<Settled<UserRow | null>[]> {
    let rows: UserRow[] = [];
    if (us.length > 1) rows = await insertUsers(this.db, us, true).catch(() => []);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return Promise.all(
      us.map((u) => {
        const row = byId.get(u.id);
        if (row) return { ok: true, value: row } as const;
        return insertUsers(this.db, [u], false).then(
          (r) => ({ ok: true, value: r[0] ?? null }) as const,
          (error: unknown) => ({ ok: false, error }) as const,
        );
      }),
    );
  }
}

/**
 * Accounts looked up for issuing, by id. What is kept never changes for an account (its tenant and
 * public key) or is checked again by insertUsers (its signing key); `forget` after a refusal.
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

/**
 * For a revocation: the account (in the caller's scope) and the user in it, in one query that also
 * takes the account's row lock (as lockAccount: re-signs of one account are serialised), so the
 * re-sign that follows needs no lock of its own.
 */
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
    WHERE a.id = ${accountId}::uuid ${scope}
    FOR NO KEY UPDATE OF a`;
  const r = rows[0];
  if (!r) return null;
  return { tenantId: r.tenantId, user: r.publicKey === null ? null : { publicKey: r.publicKey, revokedAt: r.revokedAt } };
}

/** Marks the user revoked and writes its `user.revoke` audit row, in one statement. */
export async function revokeUser(
  tx: Pick<Db, '$executeRaw'>,
  userId: string,
  revokedAt: Date,
  audit: { tenantId: string | null; actor: string; details: Record<string, unknown> },
): Promise<void> {
  await tx.$executeRaw`
    WITH u AS (UPDATE users SET revoked_at = ${revokedAt.toISOString()}::timestamptz, updated_at = now() WHERE id = ${userId}::uuid RETURNING id)
    INSERT INTO audit_log (tenant_id, actor, action, target_type, target_id, data)
    SELECT ${audit.tenantId}::uuid, ${audit.actor}, 'user.revoke', 'user', u.id::text, ${JSON.stringify(audit.details)}::jsonb FROM u`;
}
