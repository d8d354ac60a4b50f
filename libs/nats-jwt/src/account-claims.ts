import {
  NoLimit,
  type ClaimsData,
  type GenericFields,
  type Info,
  type NatsLimits,
  type Permissions,
  type RevocationList,
  type UserPermissionLimits,
} from './claims.js';

export interface AccountLimits {
  imports?: number;
  exports?: number;
  wildcards?: boolean;
  disallow_bearer?: boolean;
  conn?: number;
  leaf?: number;
}

export interface JetStreamLimits {
  mem_storage?: number;
  disk_storage?: number;
  streams?: number;
  consumer?: number;
  max_ack_pending?: number;
  mem_max_stream_bytes?: number;
  disk_max_stream_bytes?: number;
  max_bytes_required?: boolean;
}

export interface OperatorLimits extends NatsLimits, AccountLimits, JetStreamLimits {
  tiered_limits?: Record<string, JetStreamLimits>;
}

export type ExportType = 'stream' | 'service';

export interface ServiceLatency {
  /** 1..100 percent, or "headers". */
  sampling: number | 'headers';
  results: string;
}

export interface Export extends Info {
  name?: string;
  subject?: string;
  type?: ExportType;
  token_req?: boolean;
  revocations?: RevocationList;
  response_type?: 'Singleton' | 'Stream' | 'Chunked';
  /** Go time.Duration (nanoseconds). */
  response_threshold?: number;
  service_latency?: ServiceLatency;
  account_token_position?: number;
  advertise?: boolean;
  allow_trace?: boolean;
}

export interface Import {
  name?: string;
  subject?: string;
  account?: string;
  token?: string;
  /** Deprecated by nats-io in favour of local_subject. */
  to?: string;
  local_subject?: string;
  type?: ExportType;
  share?: boolean;
  allow_trace?: boolean;
}

/** A scoped signing key: users it signs get `template` as their permissions and limits. */
export interface UserScope {
  kind: 'user_scope';
  key: string;
  role: string;
  template: UserPermissionLimits;
  description: string;
}

export type SigningKey = string | UserScope;

export interface WeightedMapping {
  subject: string;
  weight?: number;
  cluster?: string;
}

export interface ExternalAuthorization {
  auth_users?: string[];
  allowed_accounts?: string[];
  xkey?: string;
}

export interface Account extends GenericFields, Info {
  imports?: Import[];
  exports?: Export[];
  limits?: OperatorLimits;
  signing_keys?: SigningKey[];
  revocations?: RevocationList;
  default_permissions?: Permissions;
  mappings?: Record<string, WeightedMapping[]>;
  authorization?: ExternalAuthorization;
  trace?: { dest?: string; sampling?: number };
  cluster_traffic?: 'system' | 'owner';
}

export type AccountClaims = ClaimsData<Account>;

/** nats-io's defaults: every limit unlimited (-1), wildcard exports allowed, JetStream off. */
export function defaultOperatorLimits(): OperatorLimits {
  return { subs: NoLimit, data: NoLimit, payload: NoLimit, imports: NoLimit, exports: NoLimit, wildcards: true, conn: NoLimit, leaf: NoLimit };
}

/** Account claims for `subject` (an A… key) with nats-io/jwt's NewAccountClaims defaults. */
export function newAccountClaims(subject: string, name?: string): AccountClaims {
  const c: AccountClaims = {
    sub: subject,
    nats: { limits: defaultOperatorLimits(), default_permissions: { pub: {}, sub: {} }, authorization: {}, type: 'account', version: 2 },
  };
  if (name !== undefined) c.name = name;
  return c;
}

/** A user_scope signing key with nats-io's NewUserScope defaults (template limits unlimited). */
export function newUserScope(key: string, role: string, template: UserPermissionLimits = {}): UserScope {
  return { kind: 'user_scope', key, role, template: { pub: {}, sub: {}, subs: NoLimit, data: NoLimit, payload: NoLimit, ...template }, description: '' };
}

/** Public key of a signing key entry, plain or scoped. */
export function signingKeyOf(k: SigningKey): string {
  return typeof k === 'string' ? k : k.key;
}

/** The scope for `issuer` among the account's signing keys: null for a plain key, undefined if absent. */
export function findSigningKey(account: Account, issuer: string): UserScope | null | undefined {
  for (const k of account.signing_keys ?? []) {
    if (typeof k === 'string') {
      if (k === issuer) return null;
    } else if (k && typeof k === 'object' && k.key === issuer) {
      return k;
    }
  }
  return undefined;
}
