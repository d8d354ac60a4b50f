// API tokens: HS256 JWTs (jose) carrying who (sub), what (role), where (tenant) and which row (jti).
// The signature proves we made it; the jti's row in api_tokens proves it was not revoked.
import { SignJWT, jwtVerify, errors } from 'jose';
import { IssuerError } from './errors.js';

export const ROLES = ['operator_admin', 'tenant_admin', 'tenant_member', 'tenant_viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiTokenClaims {
  /** Member id, or the token's own id for operator admins. */
  sub: string;
  role: Role;
  /** Tenant id; absent for operator_admin. */
  tenant?: string;
  /** The api_tokens row. */
  jti: string;
  expiresAt?: Date;
}

const ISSUER = 'switchboard';
const AUDIENCE = 'switchboard-api';

// Tokens verified before, by their text: every API call presents its token again, and jose's
// verification (a WebCrypto key import and HMAC on the thread pool) cost more than the rest of
// authentication. A hit still has its expiry checked; the caller still checks the token's row.
const MAX_VERIFIED = 10_000;

export class ApiTokenSigner {
  readonly #key: Uint8Array;
  readonly #verified = new Map<string, ApiTokenClaims>();

  constructor(key: Uint8Array) {
    if (key.length < 32) throw new Error('API token key must be at least 32 bytes');
    this.#key = Uint8Array.from(key);
  }

  async issue(c: ApiTokenClaims, now = Date.now()): Promise<string> {
    const t = new SignJWT({ role: c.role, ...(c.tenant ? { tenant: c.tenant } : {}) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(c.sub)
      .setJti(c.jti)
      .setIssuedAt(Math.floor(now / 1000));
    if (c.expiresAt) t.setExpirationTime(Math.floor(c.expiresAt.getTime() / 1000));
    return t.sign(this.#key);
  }

  /** Claims of a token we issued; IssuerError('unauthorized') for anything else (bad, foreign, expired). */
  async verify(token: string, now = Date.now()): Promise<ApiTokenClaims> {
    const hit = this.#verified.get(token);
    if (hit) {
      // As jose: expired once the current second reaches exp.
      if (hit.expiresAt && Math.floor(now / 1000) >= hit.expiresAt.getTime() / 1000) throw new IssuerError('unauthorized', 'token expired');
      return hit;
    }
    const claims = await this.#verify(token, now);
    if (this.#verified.size >= MAX_VERIFIED) this.#verified.clear();
    this.#verified.set(token, claims);
    return claims;
  }

  async #verify(token: string, now: number): Promise<ApiTokenClaims> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: new Date(now),
      }));
    } catch (e) {
      throw new IssuerError('unauthorized', e instanceof errors.JWTExpired ? 'token expired' : 'invalid token');
    }
    const role = payload.role as Role;
    if (!ROLES.includes(role) || typeof payload.sub !== 'string' || typeof payload.jti !== 'string') {
      throw new IssuerError('unauthorized', 'invalid token');
    }
    const tenant = typeof payload.tenant === 'string' ? payload.tenant : undefined;
    if ((role === 'operator_admin') !== (tenant === undefined)) throw new IssuerError('unauthorized', 'invalid token');
    return Object.freeze({
      sub: payload.sub,
      role,
      jti: payload.jti,
      ...(tenant ? { tenant } : {}),
      ...(payload.exp ? { expiresAt: new Date(payload.exp * 1000) } : {}),
    });
  }

  // The key never reaches a log.
  toJSON(): string {
    return 'ApiTokenSigner';
  }
}
