// Every route needs `Authorization: Bearer <api token>` or the console's session cookie unless
// marked @Public() (signup, health, metrics, resolver); @Roles narrows it. A session must send its
// CSRF token in X-CSRF-Token on every state-changing request; viewers may only read.
// A token is valid when its signature checks (jose) and its jti row exists, is not revoked or expired,
// and its tenant is active.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ForbiddenException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Database } from '@switchboard/db';
import { isSuspended, IssuerError, type Role } from '@switchboard/issuer';
import type { ControlPlaneConfig } from '../config.js';
import { OperatorService } from '../operator/operator.service.js';
import { CONFIG, DATABASE } from '../tokens.js';
import { READ_ONLY_ROLES, SAFE_METHODS, sameSecret } from '@switchboard/identity';
import { CSRF_HEADER, readCookie, SESSION_COOKIE } from '../sessions/cookies.js';
import { sessionCaller } from '../sessions/session-auth.js';
import { PUBLIC_KEY, READ_ONLY_OK_KEY, ROLES_KEY, type Caller } from './caller.js';
import { TokenRows } from './token-row.js';

const BEARER = /^bearer[ \t]+(\S+)[ \t]*$/i;
const digest = (s: string) => createHash('sha256').update(s).digest();

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly fixedAdmin: Buffer | undefined;
  private readonly tokenRows: TokenRows;

  constructor(
    private readonly reflector: Reflector,
    private readonly operator: OperatorService,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CONFIG) config: ControlPlaneConfig,
  ) {
    this.fixedAdmin = config.adminToken ? digest(config.adminToken) : undefined;
    this.tokenRows = new TokenRows(db);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { caller?: Caller }>();
    const header = req.headers.authorization ?? '';
    // The scheme is case-insensitive (RFC 9110 §11.1): "bearer x" is "Bearer x".
    const token = BEARER.exec(header)?.[1] ?? '';
    const cookie = token ? undefined : readCookie(req, SESSION_COOKIE);
    if (!token && !cookie) throw new UnauthorizedException('missing bearer token');
    const caller = token ? await this.authenticate(token) : await sessionCaller(this.db.prisma, cookie!);
    const changes = !SAFE_METHODS.has(req.method);
    if (caller.session && changes) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameSecret(sent, caller.session.csrfToken)) {
        throw new ForbiddenException('missing or wrong CSRF token (send the sb_csrf cookie back in X-CSRF-Token)');
      }
    }
    if (changes && READ_ONLY_ROLES.includes(caller.role) && !this.reflector.getAllAndOverride<boolean>(READ_ONLY_OK_KEY, targets)) {
      throw new ForbiddenException('viewers can only read');
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(caller.role)) throw new ForbiddenException(`requires role ${roles.join(' or ')}`);
    req.caller = caller;
    return true;
  }

  private async authenticate(token: string): Promise<Caller> {
    const d = digest(token);
    if (this.fixedAdmin && timingSafeEqual(d, this.fixedAdmin)) return { role: 'operator_admin', actor: 'admin-token' };
    let claims;
    try {
      claims = await this.operator.apiTokens().verify(token);
    } catch (e) {
      if (e instanceof IssuerError) throw new UnauthorizedException(e.message);
      throw e;
    }
    const row = await this.tokenRows.get(claims.jti);
    if (!row || row.tokenHash !== d.toString('hex') || row.role !== claims.role || (row.tenantId ?? undefined) !== claims.tenant) {
      throw new UnauthorizedException('invalid token');
    }
    if (row.revokedAt) throw new UnauthorizedException('token revoked');
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) throw new UnauthorizedException('token expired');
    if (row.tenantStatus !== null && isSuspended(row.tenantStatus)) throw new ForbiddenException('tenant suspended');
    return {
      role: claims.role,
      tenantId: claims.tenant,
      memberId: row.memberId ?? undefined,
      tokenId: row.id,
      actor: row.memberId ? `member:${row.memberId}` : `token:${row.id}`,
    };
  }
}
