// Members of a tenant (people with a role) and invite links that make new ones.
import { BadRequestException, ConflictException, ForbiddenException, GoneException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Database, Invite, Member } from '@switchboard/db';
import { tenantScopeProblem } from '@switchboard/issuer';
import { hashPassword, hashSecret, memberChangeProblem, newSecret, passwordProblem, verifyPassword, type MemberRole } from '@switchboard/identity';
import { AuditService } from '../audit/audit.service.js';
import { isOperator, notFound, type Caller } from '../auth/caller.js';
import { byAge, pageOf, type Page, type Paging } from '../common/paging.js';
import type { Tx } from '../common/tx.js';
import type { OpenedSession } from '../sessions/session.schema.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { DATABASE } from '../tokens.js';
import type { AcceptInvite, CreateInvite, InviteView, MemberView, PatchMember } from './member.schema.js';

const memberView = (m: Member): MemberView => ({ id: m.id, email: m.email, role: m.role, canSignIn: m.personId !== null, createdAt: m.createdAt });
const inviteView = (i: Invite): InviteView => ({
  id: i.id,
  email: i.email,
  role: i.role,
  createdAt: i.createdAt,
  expiresAt: i.expiresAt,
  acceptedAt: i.acceptedAt,
  revokedAt: i.revokedAt,
});
const field = (f: string, message: string) => new BadRequestException({ message: 'validation failed', details: [{ field: f, message }] });

@Injectable()
export class MembersService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly audit: AuditService,
    private readonly sessions: SessionsService,
  ) {}

  private tenantOf(caller: Caller, requested?: string): string {
    if (!isOperator(caller)) {
      // Naming another tenant is refused, not silently replaced by the caller's own.
      const scope = tenantScopeProblem(caller.tenantId, requested);
      if (scope) throw new ForbiddenException(`tenant: ${scope}`);
      return caller.tenantId!;
    }
    if (!requested) throw field('tenant', 'required for operators');
    return requested;
  }

  /** The caller's own role, for the owner rules (operators act as owners). */
  private async actorRole(tx: Tx, caller: Caller): Promise<MemberRole> {
    if (isOperator(caller)) return 'owner';
    const me = caller.memberId ? await tx.member.findUnique({ where: { id: caller.memberId }, select: { role: true } }) : null;
    // An API token without a member (minted by an operator) acts as an admin.
    return me?.role ?? 'admin';
  }

  async list(caller: Caller, p: Paging, tenant?: string): Promise<Page<MemberView>> {
    const where = { tenantId: this.tenantOf(caller, tenant) };
    return pageOf(
      p,
      (w) => this.db.prisma.member.findMany({ where, orderBy: byAge, ...w }),
      () => this.db.prisma.member.count({ where }),
      memberView,
    );
  }

  private async find(tx: Tx, caller: Caller, id: string): Promise<Member> {
    const m = await tx.member.findFirst({ where: { id, ...(isOperator(caller) ? {} : { tenantId: caller.tenantId! }) } });
    if (!m) throw notFound('member');
    return m;
  }

  private async checkChange(tx: Tx, caller: Caller, target: Member, change: 'remove' | MemberRole): Promise<void> {
    const owners = await tx.member.count({ where: { tenantId: target.tenantId, role: 'owner' } });
    const problem = memberChangeProblem(await this.actorRole(tx, caller), target.role, owners, change);
    if (problem) throw new ForbiddenException(problem);
  }

  async patch(caller: Caller, id: string, input: PatchMember): Promise<MemberView> {
    return this.db.prisma.$transaction(async (tx) => {
      const m = await this.find(tx, caller, id);
      await this.checkChange(tx, caller, m, input.role);
      const updated = await tx.member.update({ where: { id }, data: { role: input.role } });
      await this.audit.record(tx, caller, {
        tenantId: m.tenantId,
        action: 'member.update',
        targetType: 'member',
        targetId: id,
        details: { email: m.email, from: m.role, to: input.role },
      });
      return memberView(updated);
    });
  }

  /** Removes the member; the person's sessions in this tenant end with it, and the member's API tokens go too (cascade). */
  async remove(caller: Caller, id: string): Promise<void> {
    await this.db.prisma.$transaction(async (tx) => {
      const m = await this.find(tx, caller, id);
      await this.checkChange(tx, caller, m, 'remove');
      await tx.member.delete({ where: { id } });
      if (m.personId) await tx.session.updateMany({ where: { personId: m.personId, tenantId: m.tenantId, revokedAt: null }, data: { revokedAt: new Date() } });
      await this.audit.record(tx, caller, {
        tenantId: m.tenantId,
        action: 'member.remove',
        targetType: 'member',
        targetId: id,
        details: { email: m.email, role: m.role },
      });
    });
  }

  async invites(caller: Caller, p: Paging, tenant?: string): Promise<Page<InviteView>> {
    const where = { tenantId: this.tenantOf(caller, tenant) };
    const newest = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];
    return pageOf(
      p,
      (w) => this.db.prisma.invite.findMany({ where, orderBy: newest, ...w }),
      () => this.db.prisma.invite.count({ where }),
      inviteView,
    );
  }

  /** The link's secret is returned once; only its hash is kept. */
  async invite(caller: Caller, input: CreateInvite): Promise<InviteView & { token: string }> {
    const tenantId = this.tenantOf(caller, input.tenantId);
    const token = newSecret();
    return this.db.prisma.$transaction(async (tx) => {
      if (!(await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }))) throw notFound('tenant');
      const i = await tx.invite.create({
        data: {
          tenantId,
          role: input.role,
          email: input.email ?? null,
          tokenHash: hashSecret(token),
          createdBy: caller.actor,
          expiresAt: new Date(Date.now() + input.validHours * 3_600_000),
        },
      });
      await this.audit.record(tx, caller, {
        tenantId,
        action: 'invite.create',
        targetType: 'invite',
        targetId: i.id,
        details: { role: i.role, email: i.email },
      });
      return { ...inviteView(i), token };
    });
  }

  async revokeInvite(caller: Caller, id: string): Promise<void> {
    await this.db.prisma.$transaction(async (tx) => {
      const i = await tx.invite.findFirst({ where: { id, ...(isOperator(caller) ? {} : { tenantId: caller.tenantId! }) } });
      if (!i) throw notFound('invite');
      if (!i.revokedAt) await tx.invite.update({ where: { id }, data: { revokedAt: new Date() } });
      await this.audit.record(tx, caller, { tenantId: i.tenantId, action: 'invite.revoke', targetType: 'invite', targetId: id });
    });
  }

  private async usable(tx: Tx | Database['prisma'], token: string) {
    const i = await tx.invite.findUnique({ where: { tokenHash: hashSecret(token) }, include: { tenant: { select: { name: true, status: true } } } });
    if (!i || i.revokedAt) throw notFound('invite');
    if (i.acceptedAt) throw new GoneException('This invite link was already used. Ask for a new one.');
    if (i.expiresAt.getTime() <= Date.now()) throw new GoneException('This invite link has expired. Ask for a new one.');
    return i;
  }

  /** What the invite page shows before anyone types a password. */
  async preview(token: string): Promise<{ organization: string; role: string; email: string | null; expiresAt: Date }> {
    const i = await this.usable(this.db.prisma, token);
    return { organization: i.tenant.name, role: i.role, email: i.email, expiresAt: i.expiresAt };
  }

  /**
   * Joins the tenant: a new person gets this password (checked by the password rules); an existing
   * person must give their own password. Signs in to the tenant.
   */
  async accept(input: AcceptInvite): Promise<OpenedSession> {
    const existing = await this.db.prisma.person.findUnique({ where: { email: input.email } });
    if (existing) {
      if (!(await verifyPassword(input.password, existing.passwordHash)))
        throw new UnauthorizedException('That email has an account: enter its password to join.');
    } else {
      const problem = passwordProblem(input.password, input.email);
      if (problem) throw field('password', problem);
    }
    const passwordHash = existing ? undefined : await hashPassword(input.password);
    return this.db.prisma.$transaction(async (tx) => {
      const i = await this.usable(tx, input.token);
      if (i.email && i.email !== input.email) throw field('email', 'This invite is for another email address.');
      if (await tx.member.findFirst({ where: { tenantId: i.tenantId, email: input.email } }))
        throw new ConflictException('You are already a member of this organization: sign in instead.');
      const person = existing ?? (await tx.person.create({ data: { email: input.email, passwordHash: passwordHash! } }));
      const m = await tx.member.create({ data: { tenantId: i.tenantId, email: input.email, role: i.role, personId: person.id } });
      // Only one acceptance: a concurrent one finds acceptedAt set and updates nothing.
      const { count } = await tx.invite.updateMany({ where: { id: i.id, acceptedAt: null }, data: { acceptedAt: new Date() } });
      if (count !== 1) throw new GoneException('This invite link was already used. Ask for a new one.');
      await this.audit.record(tx, `member:${m.id}`, {
        tenantId: i.tenantId,
        action: 'invite.accept',
        targetType: 'member',
        targetId: m.id,
        details: { email: m.email, role: m.role },
      });
      return this.sessions.open(tx, person.id, i.tenantId, `member:${m.id}`);
    });
  }
}
