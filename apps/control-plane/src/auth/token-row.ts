// The api_tokens row behind a bearer token, with its tenant's status: read on every request, so in
// one query (Prisma's include would make it two round trips).
import type { Db } from '@switchboard/db';

export interface TokenRow {
  id: string;
  tokenHash: string;
  role: string;
  tenantId: string | null;
  memberId: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** The tenant's status; null for operator tokens. */
  tenantStatus: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function tokenRow(db: Db, id: string): Promise<TokenRow | null> {
  // Not a row id (the cast would fail): no such row.
  if (!UUID.test(id)) return null;
  const rows = await db.$queryRaw<TokenRow[]>`
    SELECT t.id::text AS id, t.token_hash AS "tokenHash", t.role, t.tenant_id::text AS "tenantId", t.member_id::text AS "memberId",
           t.expires_at AS "expiresAt", t.revoked_at AS "revokedAt", n.status::text AS "tenantStatus"
    FROM api_tokens t LEFT JOIN tenants n ON n.id = t.tenant_id
    WHERE t.id = ${id}::uuid`;
  return rows[0] ?? null;
}
