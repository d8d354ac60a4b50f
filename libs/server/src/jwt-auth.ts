import { limitsFromClaims, limitViolation, Permissions, type PermissionsConfig } from '@switchboard/accounts';
import { authorizeUser, decode, MaxTokenSize, userAccount, type Permissions as JwtPermissions, type Trust, type UserClaims } from '@switchboard/nats-jwt';
import type { AccountResolver } from '@switchboard/resolver';
import type { AuthConn, Authenticator, AuthResult } from './auth.js';
import type { ConnectOptions } from './connect.js';
import type { JwtExportsImports } from './jwt-exports-imports.js';
import type { ServerLog } from './log.js';

// Operator mode (nats-server's trusted operators + account resolver): a client presents a user
// JWT and signs the INFO nonce; the user's account JWT comes from the resolver, and the chain
// user → account (or signing key) → operator is checked by @switchboard/nats-jwt's authorizeUser.
// Every refusal is a plain 'Authorization Violation' to the client; the reason goes to the log.

export class JwtAuthenticator implements Authenticator {
  readonly required = true;
  readonly nonceRequired = true;
  /** Set once the server exists: an account's exports/imports are applied before its first user is admitted. */
  exportsImports: JwtExportsImports | null = null;

  constructor(
    private readonly trust: Trust,
    readonly resolver: AccountResolver,
    private readonly logger: ServerLog,
    private readonly now: () => number = Date.now,
  ) {}

  authenticate(opts: ConnectOptions, nonce: string, conn?: AuthConn): Promise<AuthResult | null> | null {
    if (!opts.jwt) return this.refuse(conn, 'no user JWT presented (operator mode requires one)');
    if (opts.jwt.length > MaxTokenSize) return this.refuse(conn, `user JWT too large (${opts.jwt.length} bytes)`);
    let account: string;
    try {
      const d = decode(opts.jwt);
      if (d.type !== 'user') return this.refuse(conn, `JWT of type ${String(d.type).slice(0, 20)} where a user JWT was expected`);
      account = userAccount(d.claims as UserClaims);
    } catch {
      return this.refuse(conn, 'user JWT is malformed');
    }
    return this.resolver.fetch(account).then(
      (accountJwt) =>
        accountJwt === undefined ? this.refuse(conn, `account ${account} not found by the resolver`) : this.admit(opts, nonce, accountJwt, conn),
      (err: unknown) => this.refuse(conn, `account ${account} could not be fetched: ${(err as Error)?.message ?? String(err)}`),
    );
  }

  /** No credentials: never allowed in operator mode. */
  anonymous(): AuthResult | null {
    return null;
  }

  /** The user checked, then (first time only) the account's exports/imports applied, exporters loaded. */
  private admit(opts: ConnectOptions, nonce: string, accountJwt: string, conn: AuthConn | undefined): Promise<AuthResult | null> | AuthResult | null {
    const result = this.check(opts, nonce, accountJwt, conn);
    const loading = result === null ? null : (this.exportsImports?.load(result.account, accountJwt) ?? null);
    return loading === null ? result : loading.then(() => result);
  }

  private check(opts: ConnectOptions, nonce: string, accountJwt: string, conn: AuthConn | undefined): AuthResult | null {
    const now = this.now();
    const r = authorizeUser({
      userJwt: opts.jwt,
      accountJwt,
      trust: this.trust,
      nonce,
      sig: opts.sig,
      nkey: opts.nkey,
      now,
      ...(conn && { clientIp: conn.ip }),
      ...(conn?.connectionType && { connectionType: conn.connectionType }),
    });
    if (!r.ok) return this.refuse(conn, r.reason);
    const invalid = limitViolation(r.accountClaims.nats);
    if (invalid !== null) return this.refuse(conn, `account ${r.account} has validation issues: ${invalid}`);
    return {
      account: r.account,
      user: r.user,
      permissions: r.permissions ? new Permissions(permissionsConfig(r.permissions)) : null,
      accountLimits: limitsFromClaims(r.accountClaims.nats),
      accountJwt,
      ...(r.permissions?.resp && { responses: { maxMsgs: r.permissions.resp.max, ttlMs: Math.floor(r.permissions.resp.ttl / 1e6) } }),
      jwt: {
        userKey: r.user,
        issuedAt: r.userClaims.iat ?? 0,
        issuer: r.signingKey ?? r.account,
        ...expiries(r.expiresAt ?? 0, r.userClaims.exp, r.accountClaims.exp),
        maxSubs: r.limits.subs,
        maxPayload: r.limits.payload,
        userSubs: typeof r.userClaims.nats.subs === 'number' ? r.userClaims.nats.subs : -1,
        userPayload: typeof r.userClaims.nats.payload === 'number' ? r.userClaims.nats.payload : -1,
        name: r.userName,
      },
    };
  }

  private refuse(conn: AuthConn | undefined, reason: string): null {
    this.logger.log('ERR', `${conn ? `${conn.describe()} - ` : ''}authentication error - ${reason}`);
    return null;
  }
}

/** A user JWT's pub/sub permissions in the shape the broker enforces. */
export function permissionsConfig(p: JwtPermissions): PermissionsConfig {
  const out: PermissionsConfig = {};
  if (p.pub && (p.pub.allow?.length || p.pub.deny?.length)) out.publish = side(p.pub);
  if (p.sub && (p.sub.allow?.length || p.sub.deny?.length)) out.subscribe = side(p.sub);
  // As nats-server: response permissions without publish permissions deny every other publish.
  if (p.resp && out.publish === undefined) out.publish = { allow: [] };
  return out;
}

function side(p: { allow?: string[]; deny?: string[] }): { allow?: string[]; deny?: string[] } {
  const s: { allow?: string[]; deny?: string[] } = {};
  if (p.allow?.length) s.allow = [...p.allow];
  if (p.deny?.length) s.deny = [...p.deny];
  return s;
}

/**
 * authorizeUser's single expiry split into the user's and the account's (nats-server tells them
 * apart: 'User Authentication Expired' vs 'Account Authentication Expired'). When the account's
 * comes first, the user's part is its JWT exp (a connect-time window end past it no longer matters).
 */
function expiries(earliest: number, userExp: number | undefined, accountExp: number | undefined): { expiresAt: number; accountExpiresAt: number } {
  const accountExpiresAt = accountExp ? accountExp * 1000 : 0;
  if (accountExpiresAt === 0 || earliest !== accountExpiresAt) return { expiresAt: earliest, accountExpiresAt };
  return { expiresAt: userExp ? userExp * 1000 : 0, accountExpiresAt };
}
