import { timingSafeEqual } from 'node:crypto';
import { GLOBAL_ACCOUNT, Permissions, type AccountLimits } from '@switchboard/accounts';
import type { ConnectOptions } from './connect.js';
import type { ResponsePermission } from './permissions.js';
import type { ServerOptions } from './options.js';
import { mapCertUser } from './cert-identity.js';
import type { TlsConnState } from './tls-transport.js';

/** Who a connection turned out to be. */
export interface AuthResult {
  /** Account the connection is bound to (registered on the server if new, e.g. from a JWT). */
  account: string;
  /** User name for logs and /connz ('' for a token). */
  user: string;
  /** null = unrestricted. */
  permissions: Permissions | null;
  /** Operator mode: what the user JWT adds (revocation checks, expiry, limits). */
  jwt?: JwtIdentity;
  /** `allow_responses` / JWT `resp`: replies it may publish despite its publish permissions. */
  responses?: ResponsePermission;
  /** Operator mode: the account's limits from the JWT just resolved (applied to the account). */
  accountLimits?: AccountLimits;
  /** Operator mode: the account JWT the user was checked against (kept on the account for /accountz). */
  accountJwt?: string;
}

/** A connection authenticated by a user JWT. */
export interface JwtIdentity {
  /** User public key and the JWT's iat (seconds), for revocations. */
  userKey: string;
  issuedAt: number;
  /** Who signed the user JWT: the account key or one of its signing keys. */
  issuer: string;
  /** Epoch ms at which the user's JWT (or its connect-time window) ends; 0 = never. */
  expiresAt: number;
  /** Epoch ms at which the account's JWT expires; 0 = never. Live updates may move it. */
  accountExpiresAt: number;
  /** Effective limits (user's and account's, the lower); -1 = unlimited. */
  maxSubs: number;
  maxPayload: number;
  /** The user JWT's own limits, to recompute the effective ones when the account's change; -1 = none. */
  userSubs: number;
  userPayload: number;
  name: string;
}

/** What an authenticator may know of the connection: its address (src limits) and log prefix. */
export interface AuthConn {
  readonly ip: string;
  describe(): string;
  /** The TLS session, for verify_and_map (its client certificate names the user). */
  readonly tls?: TlsConnState | null;
  /** A user JWT's allowed_connection_types are checked against this (absent = STANDARD; leaf connections say LEAFNODE). */
  readonly connectionType?: 'STANDARD' | 'LEAFNODE';
}

/**
 * The authentication hook. The simple one below covers config users and tokens; the JWT/nkey
 * authenticator of a later issue implements the same interface (it needs `nonce`).
 */
export interface Authenticator {
  /** INFO's auth_required. */
  readonly required: boolean;
  /** INFO carries a nonce for the client to sign (nkeys/JWT). */
  readonly nonceRequired: boolean;
  /**
   * null → `-ERR 'Authorization Violation'`. May answer asynchronously (an account resolver
   * fetching a JWT): the connection then holds its further operations until it settles.
   * A rejected promise counts as a violation.
   */
  authenticate(opts: ConnectOptions, nonce: string, conn?: AuthConn): AuthResult | null | Promise<AuthResult | null>;
  /** The account of a client that sent no credentials (no_auth_user), or null. */
  anonymous(): AuthResult | null;
}

/** No auth configured: everyone lands in the global account. */
export class OpenAuthenticator implements Authenticator {
  readonly required = false;
  readonly nonceRequired = false;
  authenticate(): AuthResult {
    return { account: GLOBAL_ACCOUNT, user: '', permissions: null };
  }
  anonymous(): AuthResult {
    return { account: GLOBAL_ACCOUNT, user: '', permissions: null };
  }
}

/**
 * nats-server's config auth: `authorization { user, password }`, `{ token }`, `{ users: [...] }`
 * and `accounts { A: { users: [...] } }`. Plain-text passwords only (bcrypt hashes are not read yet).
 */
export class SimpleAuthenticator implements Authenticator {
  readonly required = true;
  readonly nonceRequired = false;
  private readonly users = new Map<string, { password: string; account: string; permissions: Permissions | null; responses?: ResponsePermission }>();
  private readonly token: string;
  private readonly noAuthUser: string;

  private readonly tokenPermissions: Permissions | null;
  /** verify_and_map: the user comes from the client certificate, not from CONNECT. */
  private readonly tlsMap: boolean;

  constructor(opts: Pick<ServerOptions, 'username' | 'password' | 'authorization' | 'users' | 'noAuthUser' | 'defaultPermissions' | 'tls'>) {
    this.token = opts.authorization;
    this.tlsMap = opts.tls?.map ?? false;
    // One Permissions per user, shared by its connections (and their verdict cache).
    const defaults = opts.defaultPermissions ? new Permissions(opts.defaultPermissions) : null;
    this.tokenPermissions = defaults;
    if (opts.username) this.users.set(opts.username, { password: opts.password, account: GLOBAL_ACCOUNT, permissions: defaults });
    for (const u of opts.users) {
      const permissions = u.permissions ? new Permissions(u.permissions) : defaults;
      this.users.set(u.user, { password: u.password, account: u.account || GLOBAL_ACCOUNT, permissions, ...(u.responses && { responses: u.responses }) });
    }
    this.noAuthUser = opts.noAuthUser;
  }

  authenticate(opts: ConnectOptions, _nonce = '', conn?: AuthConn): AuthResult | null {
    if (this.token) {
      return sameSecret(opts.authToken, this.token) ? { account: GLOBAL_ACCOUNT, user: '', permissions: this.tokenPermissions } : null;
    }
    if (this.tlsMap) return this.byCertificate(opts, conn);
    if (!opts.user && !opts.pass && !opts.authToken) return this.anonymous();
    const u = this.users.get(opts.user);
    if (!u || !sameSecret(opts.pass, u.password)) return null;
    return { account: u.account, user: opts.user, permissions: u.permissions, ...(u.responses && { responses: u.responses }) };
  }

  /** nats-server's verify_and_map; it still compares passwords (a mapped user has none). */
  private byCertificate(opts: ConnectOptions, conn: AuthConn | undefined): AuthResult | null {
    const cert = conn?.tls?.peerCert;
    if (!cert) return null;
    const name = mapCertUser(cert, this.users);
    const u = name === null ? undefined : this.users.get(name);
    if (!u || !sameSecret(opts.pass, u.password)) return null;
    return { account: u.account, user: name!, permissions: u.permissions, ...(u.responses && { responses: u.responses }) };
  }

  anonymous(): AuthResult | null {
    if (!this.noAuthUser) return null;
    const u = this.users.get(this.noAuthUser);
    return u ? { account: u.account, user: this.noAuthUser, permissions: u.permissions, ...(u.responses && { responses: u.responses }) } : null;
  }
}

/** Authenticator for the options: simple auth when any credentials are configured. */
export function authenticatorFor(opts: ServerOptions): Authenticator {
  if (opts.authorization || opts.username || opts.users.length > 0) return new SimpleAuthenticator(opts);
  return new OpenAuthenticator();
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
