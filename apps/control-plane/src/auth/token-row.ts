// The api_tokens row behind a bearer token, with its tenant's status: read on every request, so in
// one prepared statement (Prisma's include would make it two round trips), and the lookups of
// requests that arrive together share it (TickBatch): 8 clients at once cost one round trip, not 8.
import { TickBatch, type Database, type Settled, type Statement } from '@switchboard/db';

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

export class TokenRows {
  private readonly batch: TickBatch<string, TokenRow | null>;

  constructor(db: Pick<Database, 'query'>) {
    this.batch = new TickBatch((ids) => tokenRows(db, ids));
  }

  get(id: string): Promise<TokenRow | null> {
    // Not a row id (the cast would fail): no such row.
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.batch.add(id.toLowerCase());
  }
}

const TOKEN_ROWS: Statement = {
  name: 'sb_token_rows',
  text: `SELECT t.id::text AS id, t.token_hash AS "tokenHash", t.role, t.tenant_id::text AS "tenantId", t.member_id::text AS "memberId",
                t.expires_at AS "expiresAt", t.revoked_at AS "revokedAt", n.status::text AS "tenantStatus"
         FROM api_tokens t LEFT JOIN tenants n ON n.id = t.tenant_id
         WHERE t.id = ANY($1::uuid[])`,
};

async function tokenRows(db: Pick<Database, 'query'>, ids: string[]): Promise<Settled<TokenRow | null>[]> {
  const rows = await db.query<TokenRow>(TOKEN_ROWS, [ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => ({ ok: true, value: byId.get(id) ?? null }));
}
