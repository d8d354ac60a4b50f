// Operator-admin endpoints take `Authorization: Bearer $SWITCHBOARD_ADMIN_TOKEN` until tenant auth lands.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CONFIG } from '../tokens.js';
import type { ControlPlaneConfig } from '../config.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(CONFIG) config: ControlPlaneConfig) {
    this.expected = config.adminToken ? digest(config.adminToken) : undefined;
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.expected) throw new UnauthorizedException('admin API disabled: SWITCHBOARD_ADMIN_TOKEN is not set');
    const header = ctx.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    // Compare digests: equal length, constant time.
    if (!token || !timingSafeEqual(digest(token), this.expected)) throw new UnauthorizedException('invalid admin token');
    return true;
  }
}
