// Shapes shared by every claim kind, as nats-io/jwt v2 writes them in JSON (snake_case keys).
// Claim objects are plain JSON: fields this library does not know are kept as they are and
// written back by encode(), so a decode/encode round trip loses nothing.

export const NoLimit = -1;

export type ClaimType = 'operator' | 'account' | 'user' | 'activation' | 'authorization_request' | 'authorization_response' | 'generic';

export type ConnectionType = 'STANDARD' | 'WEBSOCKET' | 'LEAFNODE' | 'LEAFNODE_WS' | 'MQTT' | 'MQTT_WS' | 'IN_PROCESS';
export const CONNECTION_TYPES: readonly ConnectionType[] = ['STANDARD', 'WEBSOCKET', 'LEAFNODE', 'LEAFNODE_WS', 'MQTT', 'MQTT_WS', 'IN_PROCESS'];

/** The `nats` fields every kind carries. */
export interface GenericFields {
  tags?: string[];
  type?: string;
  version?: number;
}

/** Registered JWT claims (Go's ClaimsData) plus the kind-specific `nats` object. */
export interface ClaimsData<N extends GenericFields = GenericFields> {
  aud?: string;
  exp?: number;
  jti?: string;
  iat?: number;
  iss?: string;
  name?: string;
  nbf?: number;
  sub: string;
  nats: N;
}

export interface Info {
  description?: string;
  info_url?: string;
}

export interface Permission {
  allow?: string[];
  deny?: string[];
}

/** `ttl` is a Go time.Duration: nanoseconds. */
export interface ResponsePermission {
  max: number;
  ttl: number;
}

export interface Permissions {
  pub?: Permission;
  sub?: Permission;
  resp?: ResponsePermission;
}

export interface NatsLimits {
  subs?: number;
  data?: number;
  payload?: number;
}

/** `start`/`end` are "HH:MM:SS" in `times_location` (IANA zone) or the server's local zone. */
export interface TimeRange {
  start?: string;
  end?: string;
}

export interface UserLimits {
  /** CIDRs; Go also accepts one comma-separated string when decoding. */
  src?: string[] | string;
  times?: TimeRange[];
  times_location?: string;
}

export interface UserPermissionLimits extends Permissions, UserLimits, NatsLimits {
  bearer_token?: boolean;
  proxy_required?: boolean;
  allowed_connection_types?: string[];
}

/** Revoked public key (or "*" for all) -> unix seconds: tokens issued at or before it are revoked. */
export type RevocationList = Record<string, number>;

/** True when a token for `subject` issued at `iat` is revoked, with nats-server's rules ("*" included). */
export function isRevoked(revocations: RevocationList | undefined, subject: string, iat: number | undefined): boolean {
  if (!revocations) return false;
  const issued = iat ?? 0;
  const t = revocations[subject];
  if (typeof t === 'number' && t >= issued) return true;
  const all = revocations['*'];
  return typeof all === 'number' && all >= issued;
}

/** Copy of `value` as plain JSON data (drops nothing JSON can hold). */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
