// Who a console session cookie belongs to, checked on every request: the row exists, is neither
// revoked nor expired, and the person is still a member of the session's tenant (which is active).
import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { Db } from '@switchboard/db';
import { apiRoleOf, hashSecret } from '@switchboard/identity';
import { isSuspended } from '@switchboard/issuer';
import type { Caller } from '../auth/caller.js';

export async function sessionCaller(prisma: Db, secret: string, now = new Date()): Promise<Caller> {
  const s = await prisma.session.findUnique({ where: { tokenHash: hashSecret(secret) }, include: { person: { select: { operator: true } } } });
  if (!s || s.revokedAt) throw new UnauthorizedException('Your session has ended. Sign in again.');
  if (s.expiresAt.getTime() <= now.getTime()) throw new UnauthorizedException('Your session has expired. Sign in again.');
  const session = { id: s.id, personId: s.personId, csrfToken: s.csrfToken };
  if (s.person.operator) return { role: 'operator_admin', actor: `person:${s.personId}`, session };
  const m = s.tenantId
    ? await prisma.member.findFirst({ where: { personId: s.personId, tenantId: s.tenantId }, include: { tenant: { select: { status: true } } } })
    : null;
  if (!m) throw new UnauthorizedException('You are no longer a member of this organization. Sign in again.');
  if (isSuspended(m.tenant.status)) throw new ForbiddenException('tenant suspended');
  return { role: apiRoleOf(m.role), tenantId: m.tenantId, memberId: m.id, actor: `member:${m.id}`, session };
}
