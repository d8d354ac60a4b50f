// A signup is written in one statement: tenant, owner person (console sign-ups), owner member, first
// account with its signing key and signed JWT, the tenant_admin API token (API sign-ups), and the
// tenant.signup/tenant.create and account.create audit rows. Atomic as one statement (a duplicate
// email fails it whole); one round trip where the interactive transaction took about fifteen, each
// a wake-up that waits for a CPU on a busy machine. Everything it stores is made before: ids, keys,
// the account JWT (signed from the rows this statement writes, as resignAccount would read them
// back) and the token.
import type { Database, Statement } from '@switchboard/db';

export interface SignupRows {
  tenant: { id: string; name: string; email: string; planId: string };
  /** Console sign-ups only. */
  person: { id: string; passwordHash: string } | null;
  member: { id: string };
  account: { id: string; operatorId: string; name: string; publicKey: string; seedEnc: Uint8Array; jwt: string; jwtIssuedAt: Date };
  signingKey: { id: string; publicKey: string; seedEnc: Uint8Array };
  /** API sign-ups only. */
  token: { id: string; name: string; tokenHash: string } | null;
  /** In this order: the tenant's, then the account's. */
  audit: Array<{ actor: string; action: string; targetType: string; targetId: string; details: Record<string, unknown> }>;
}

const INSERT_SIGNUP: Statement = {
  name: 'sb_insert_signup',
  text: `
  WITH t AS (
    INSERT INTO tenants (id, name, email, plan_id, updated_at) VALUES ($1::uuid, $2::text, $3::text, $4::uuid, now())
    RETURNING id, status::text AS status, created_at
  ), p AS (
    INSERT INTO persons (id, email, password_hash, updated_at) SELECT $5::uuid, $3::text, $6::text, now() WHERE $5::uuid IS NOT NULL
  ), m AS (
    INSERT INTO members (id, tenant_id, email, role, person_id, updated_at) VALUES ($7::uuid, $1::uuid, $3::text, 'owner', $5::uuid, now())
  ), a AS (
    INSERT INTO accounts (id, tenant_id, operator_id, name, public_key, seed_enc, jwt, jwt_issued_at, updated_at)
    VALUES ($8::uuid, $1::uuid, $9::uuid, $10::text, $11::text, $12::bytea, $13::text, $14::timestamptz, now())
  ), k AS (
    INSERT INTO account_signing_keys (id, account_id, public_key, seed_enc) VALUES ($15::uuid, $8::uuid, $16::text, $17::bytea)
  ), tok AS (
    INSERT INTO api_tokens (id, tenant_id, member_id, name, role, token_hash)
    SELECT $18::uuid, $1::uuid, $7::uuid, $19::text, 'tenant_admin', $20::text WHERE $18::uuid IS NOT NULL
  ), audit AS (
    INSERT INTO audit_log (tenant_id, actor, action, target_type, target_id, data)
    SELECT $1::uuid, e.actor, e.action, e.target_type, e.target_id, e.data
    FROM unnest($21::text[], $22::text[], $23::text[], $24::text[], $25::jsonb[]) WITH ORDINALITY AS e(actor, action, target_type, target_id, data, n)
    ORDER BY e.n
  )
  SELECT status, created_at AS "createdAt" FROM t`,
};

/** Writes the signup; answers the tenant's status and creation time. A unique violation (email) rejects with the driver's error. */
export async function insertSignup(db: Pick<Database, 'query'>, s: SignupRows): Promise<{ status: string; createdAt: Date }> {
  const rows = await db.query<{ status: string; createdAt: Date }>(INSERT_SIGNUP, [
    s.tenant.id,
    s.tenant.name,
    s.tenant.email,
    s.tenant.planId,
    s.person?.id ?? null,
    s.person?.passwordHash ?? null,
    s.member.id,
    s.account.id,
    s.account.operatorId,
    s.account.name,
    s.account.publicKey,
    Buffer.from(s.account.seedEnc),
    s.account.jwt,
    s.account.jwtIssuedAt.toISOString(),
    s.signingKey.id,
    s.signingKey.publicKey,
    Buffer.from(s.signingKey.seedEnc),
    s.token?.id ?? null,
    s.token?.name ?? null,
    s.token?.tokenHash ?? null,
    s.audit.map((e) => e.actor),
    s.audit.map((e) => e.action),
    s.audit.map((e) => e.targetType),
    s.audit.map((e) => e.targetId),
    s.audit.map((e) => JSON.stringify(e.details)),
  ]);
  return rows[0]!;
}
