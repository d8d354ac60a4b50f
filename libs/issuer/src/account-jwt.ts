// The one way an account JWT is made and stored (control plane, worker quota check, operator
// bootstrap): under the account row's lock, rebuilt whole from the rows, validated with
// nats-server's rules, signed with a later iat than the last, written back.
import type { KeyPair } from '@nats-io/nkeys';
import { Prisma } from '@switchboard/db';
import { accountIssues, encode, jetStreamLimitsIssues, type AccountClaims, type ClaimIssue } from '@switchboard/nats-jwt';
import { accountClaims, type AccountSpec } from './account.js';
import { IssuerError } from './errors.js';
import { effectiveLimits, limitsOf, UNLIMITED, type Limits } from './limits.js';

/** A Prisma client inside `$transaction(async (tx) => …)`. */
export type Tx = Prisma.TransactionClient;

/** What an account JWT is built from: the account row, its tenant's status and plan, and its live rows. */
export interface AccountRows {
  id: string;
  publicKey: string;
  name: string;
  jwt: string;
  jwtIssuedAt: Date;
  limits: unknown;
  overQuotaSince: Date | null;
  tenant: { status: string; plan: Parameters<typeof limitsOf>[0] } | null;
  /** Active signing keys, oldest first. */
  signingKeys: Array<{ publicKey: string }>;
  exports: Array<{
    name: string;
    subject: string;
    type: 'stream' | 'service';
    tokenRequired: boolean;
    responseType: string | null;
    accountTokenPosition: number | null;
  }>;
  imports: Array<{
    name: string;
    exporterPublicKey: string;
    subject: string;
    localSubject: string | null;
    type: 'stream' | 'service';
    activationToken: string | null;
  }>;
  /** Revoked users only. */
  users: Array<{ publicKey: string; revokedAt: Date | null }>;
}

/** AccountRows as the one query returns them: tenant and plan flattened, JSON dates as strings. */
interface RowsQueryResult extends Omit<AccountRows, 'tenant' | 'users'> {
  tenantStatus: string | null;
  plan: Record<string, number | string | boolean | null> | null;
  users: Array<{ publicKey: string; revokedAt: string }>;
}

const camel = (k: string) => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * The rows of one account in one round trip (Prisma's include took seven): the caller holds the
 * account's lock, and this statement's snapshot is taken after it (READ COMMITTED), so it sees
 * what a transaction that held the lock before committed.
 */
export async function loadAccountRows(tx: Tx, accountId: string): Promise<AccountRows> {
  const rows = await tx.$queryRaw<RowsQueryResult[]>`
    SELECT a.id::text AS id, a.public_key AS "publicKey", a.name, a.jwt, a.jwt_issued_at AS "jwtIssuedAt", a.limits,
           a.over_quota_since AS "overQuotaSince", t.status::text AS "tenantStatus", to_jsonb(p) AS plan,
           (SELECT coalesce(json_agg(json_build_object('publicKey', k.public_key) ORDER BY k.created_at, k.id), '[]')
              FROM account_signing_keys k WHERE k.account_id = a.id AND k.revoked_at IS NULL) AS "signingKeys",
           (SELECT coalesce(json_agg(json_build_object('name', e.name, 'subject', e.subject, 'type', e.type, 'tokenRequired', e.token_required,
                     'responseType', e.response_type, 'accountTokenPosition', e.account_token_position) ORDER BY e.created_at, e.id), '[]')
              FROM exports e WHERE e.account_id = a.id) AS exports,
           (SELECT coalesce(json_agg(json_build_object('name', i.name, 'exporterPublicKey', i.exporter_public_key, 'subject', i.subject,
                     'localSubject', i.local_subject, 'type', i.type, 'activationToken', i.activation_token) ORDER BY i.created_at, i.id), '[]')
              FROM imports i WHERE i.account_id = a.id) AS imports,
           (SELECT coalesce(json_agg(json_build_object('publicKey', u.public_key, 'revokedAt', u.revoked_at)), '[]')
              FROM users u WHERE u.account_id = a.id AND u.revoked_at IS NOT NULL) AS users
    FROM accounts a LEFT JOIN tenants t ON t.id = a.tenant_id LEFT JOIN plans p ON p.id = t.plan_id
    WHERE a.id = ${accountId}::uuid`;
  const r = rows[0];
  // As Prisma's findUniqueOrThrow: the API answers 404.
  if (!r) throw new Prisma.PrismaClientKnownRequestError(`account ${accountId} not found`, { code: 'P2025', clientVersion: Prisma.prismaVersion.client });
  const plan = r.plan ? Object.fromEntries(Object.entries(r.plan).map(([k, v]) => [camel(k), v])) : null;
  return {
    id: r.id,
    publicKey: r.publicKey,
    name: r.name,
    jwt: r.jwt,
    jwtIssuedAt: r.jwtIssuedAt,
    limits: r.limits,
    overQuotaSince: r.overQuotaSince,
    tenant: r.tenantStatus === null || plan === null ? null : { status: r.tenantStatus, plan: plan as unknown as Parameters<typeof limitsOf>[0] },
    signingKeys: r.signingKeys,
    exports: r.exports,
    imports: r.imports,
    users: r.users.map((u) => ({ publicKey: u.publicKey, revokedAt: new Date(u.revokedAt) })),
  };
}

export interface SignedAccount {
  jwt: string;
  /** The JWT's iat (whole seconds), stored as accounts.jwt_issued_at. */
  issuedAt: Date;
}

export interface SignAccountOptions {
  now?: number;
  /** iat of the JWT this one replaces (absent for a first JWT). */
  after?: Date | null;
}

/**
 * Serialises JWT rebuilds of one account until the transaction ends: without it, two concurrent
 * changes (say two revocations) would each sign a JWT missing the other's row, and the last
 * commit would win. Reads after the lock see what the other transaction committed.
 * NO KEY UPDATE, not UPDATE: a transaction that inserted a row referring to the account (a user,
 * an export) holds KEY SHARE on it, which FOR UPDATE would wait for — two such transactions
 * locking next would deadlock.
 */
export async function lockAccount(tx: Tx, accountId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM accounts WHERE id = ${accountId}::uuid FOR NO KEY UPDATE`;
}

/** The account's effective limits: its tenant plan's (unlimited without a tenant), with its overrides. */
export function accountLimits(a: { limits: unknown; tenant: { plan: Parameters<typeof limitsOf>[0] } | null }): Limits {
  return effectiveLimits(a.tenant ? limitsOf(a.tenant.plan) : UNLIMITED, a.limits as Partial<Limits>);
}

/** The account spec the rows describe. */
export function accountSpecOf(a: AccountRows): AccountSpec {
  return {
    publicKey: a.publicKey,
    name: a.name,
    limits: accountLimits(a),
    overQuota: a.overQuotaSince !== null,
    suspended: a.tenant?.status === 'suspended',
    signingKeys: a.signingKeys.map((k) => k.publicKey),
    exports: a.exports.map((e) => ({
      name: e.name,
      subject: e.subject,
      type: e.type,
      tokenRequired: e.tokenRequired,
      responseType: e.responseType as 'Singleton' | 'Stream' | 'Chunked' | null,
      accountTokenPosition: e.accountTokenPosition,
    })),
    imports: a.imports.map((i) => ({
      name: i.name,
      account: i.exporterPublicKey,
      subject: i.subject,
      localSubject: i.localSubject,
      type: i.type,
      token: i.activationToken,
    })),
    revocations: new Map(a.users.map((u) => [u.publicKey, u.revokedAt!])),
  };
}

/**
 * The account JWT for `spec`, signed by an operator signing key. Refuses (IssuerError 'invalid',
 * naming the API field) what nats-server would refuse: it drops the whole account otherwise.
 */
export function signAccount(spec: AccountSpec, signer: KeyPair, opts: SignAccountOptions = {}): SignedAccount {
  // Each re-sign gets a later iat than the last (seconds): the jti hashes only iat/iss/sub/name, so
  // two changes within one second would share a jti, and brokers (nats-server too) drop a known jti.
  const now = Math.max(opts.now ?? Date.now(), opts.after ? opts.after.getTime() + 1000 : 0);
  const claims = accountClaims(spec);
  // A suspended tenant's users are all refused: "*" revokes every user JWT issued up to now
  // (nats-server honours it, and drops connected users on the update). Resuming re-signs without it.
  if (spec.suspended) claims.nats.revocations = { ...claims.nats.revocations, '*': Math.floor(now / 1000) };
  checkClaims(claims, spec);
  return { jwt: encode(claims, signer, { now }), issuedAt: new Date(Math.floor(now / 1000) * 1000) };
}

/** Re-signs an account's JWT from its rows inside `tx` (taking the row lock) and stores it. */
/**
 * `locked`: the caller already holds the account's row lock in this transaction (lockAccount, or a
 * query of its own with FOR NO KEY UPDATE), or created the row in it: one round trip less.
 */
export async function resignAccount(
  tx: Tx,
  accountId: string,
  signer: KeyPair,
  now = Date.now(),
  opts: { locked?: boolean } = {},
): Promise<SignedAccount & { publicKey: string }> {
  if (!opts.locked) await lockAccount(tx, accountId);
  const a = await loadAccountRows(tx, accountId);
  // A row made with an empty JWT (new account) has no iat to follow.
  const signed = signAccount(accountSpecOf(a), signer, { now, after: a.jwt ? a.jwtIssuedAt : null });
  await tx.account.update({ where: { id: a.id }, data: { jwt: signed.jwt, jwtIssuedAt: signed.issuedAt } });
  return { ...signed, publicKey: a.publicKey };
}

// JWT fields -> the API's names for them.
const API_FIELDS: Record<string, string> = {
  subject: 'subject',
  type: 'type',
  name: 'name',
  response_type: 'responseType',
  account_token_position: 'accountTokenPosition',
  service_latency: 'latency',
  response_threshold: 'responseThreshold',
  local_subject: 'localSubject',
  account: 'account',
  token: 'token',
  share: 'share',
};

function checkClaims(claims: AccountClaims, spec: AccountSpec): void {
  const issues = [...accountIssues(claims), ...jetStreamLimitsIssues(claims.nats.limits)];
  const first = issues[0];
  if (!first) return;
  const { field, what } = locate(first, spec);
  const rest =
    issues.length > 1
      ? ` (and ${issues.length - 1} more: ${issues
          .slice(1)
          .map((i) => i.message)
          .join('; ')})`
      : '';
  throw new IssuerError('invalid', `nats-server would refuse the account JWT: ${what}${first.message}${rest}`, field);
}

/** The API field an issue is about, and which export/import it concerns. */
function locate(issue: ClaimIssue, spec: AccountSpec): { field: string; what: string } {
  const m = /^nats\.(exports|imports)(?:\[(\d+)\])?(?:\.(\w+))?/.exec(issue.path);
  if (m) {
    const side = m[1] === 'exports' ? 'export' : 'import';
    const item = m[2] === undefined ? undefined : (m[1] === 'exports' ? spec.exports : spec.imports)?.[Number(m[2])];
    return { field: API_FIELDS[m[3] ?? 'subject'] ?? m[3]!, what: item ? `${side} ${JSON.stringify(item.name)} (${item.subject}): ` : '' };
  }
  const limit = /^nats\.limits\.(\w+)/.exec(issue.path)?.[1];
  if (limit === 'imports') return { field: 'limits.maxImports', what: '' };
  if (limit === 'exports') return { field: 'limits.maxExports', what: '' };
  if (limit === 'wildcards') return { field: 'subject', what: '' };
  if (limit === 'tiered_limits') return { field: 'limits', what: '' };
  if (issue.path === 'nats.signing_keys') return { field: 'signingKeys', what: '' };
  return { field: issue.path, what: '' };
}
