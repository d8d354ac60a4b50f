// Console sign-up, sign-in, sign-out and the operator persons made with the admin token.
// Passwords are hashed by libs/identity and never leave this file in any form but the hash.
import { ConflictException, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Database } from '@switchboard/db';
import { decoyHash, hashPassword, hashSecret, newSecret, SignInLimiter, verifyPassword } from '@switchboard/identity';
import { TooManyRequestsException } from '../common/too-many-requests.js';
import { AuditService } from '../audit/audit.service.js';
import { notFound, type Caller } from '../auth/caller.js';
import type { Tx } from '../common/tx.js';
import type { ControlPlaneConfig } from '../config.js';
import { SignupService } from '../signup/signup.service.js';
import { CONFIG, DATABASE } from '../tokens.js';
import type { ConsoleSignup, NewOperator, OpenedSession, SessionView, SignIn } from './session.schema.js';

const emailTaken = () =>
  new ConflictException({ message: 'already exists', details: [{ field: 'email', message: 'This email already has an account: sign in instead.' }] });

@Injectable()
export class SessionsService {
  readonly limiter = new SignInLimiter();

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    private readonly signups: SignupService,
    private readonly audit: AuditService,
  ) {}

  /** A tenant, its first account and its owner (a person with this password), then signed in. */
  async signUp(input: ConsoleSignup): Promise<OpenedSession> {
    if (await this.db.prisma.person.findUnique({ where: { email: input.email }, select: { id: true } })) throw emailTaken();
    const passwordHash = await hashPassword(input.password);
    const r = await this.signups.signup({ email: input.email, organization: input.organization }, { passwordHash });
    return this.db.prisma.$transaction((tx) => this.open(tx, r.personId!, r.tenant.id, `member:${r.memberId}`));
  }

  async signIn(input: SignIn, address: string): Promise<OpenedSession> {
    const wait = this.limiter.retryAfter(input.email, address);
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60_000);
      throw new TooManyRequestsException(`Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, wait, {
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
    const person = await this.db.prisma.person.findUnique({
      where: { email: input.email },
      include: { members: { orderBy: { createdAt: 'asc' }, select: { id: true, tenantId: true } } },
    });
    // The same scrypt work whether or not the email exists: the answer's timing says nothing.
    const ok = await verifyPassword(input.password, person?.passwordHash ?? (await decoyHash()));
    if (!person || !ok) {
      this.limiter.failed(input.email, address);
      throw new UnauthorizedException('Email or password is incorrect.');
    }
    this.limiter.succeeded(input.email);
    const first = person.members[0];
    if (!person.operator && !first) throw new ForbiddenException('You are not a member of any organization. Ask an admin of yours for an invite link.');
    const actor = person.operator ? `person:${person.id}` : `member:${first!.id}`;
    return this.db.prisma.$transaction((tx) => this.open(tx, person.id, person.operator ? null : first!.tenantId, actor));
  }

  /** A new session row (only the secret's hash is stored); used by sign-in, sign-up and accepted invites. */
  async open(tx: Tx, personId: string, tenantId: string | null, actor: string): Promise<OpenedSession> {
    const secret = newSecret();
    const csrfToken = newSecret();
    const expiresAt = new Date(Date.now() + this.config.sessionTtlMs);
    const s = await tx.session.create({ data: { personId, tokenHash: hashSecret(secret), csrfToken, tenantId, expiresAt } });
    await this.audit.record(tx, actor, { tenantId, action: 'session.sign_in', targetType: 'session', targetId: s.id });
    return { secret, csrfToken, expiresAt };
  }

  async signOut(caller: Caller): Promise<void> {
    const s = caller.session;
    if (!s) throw new UnauthorizedException('not signed in with a session (API tokens are revoked under /v1/tokens)');
    await this.db.prisma.$transaction(async (tx) => {
      await tx.session.update({ where: { id: s.id }, data: { revokedAt: new Date() } });
      await this.audit.record(tx, caller, { tenantId: caller.tenantId ?? null, action: 'session.sign_out', targetType: 'session', targetId: s.id });
    });
  }

  async view(caller: Caller): Promise<SessionView> {
    const s = caller.session;
    if (!s) throw new UnauthorizedException('not signed in with a session');
    const row = await this.db.prisma.session.findUniqueOrThrow({
      where: { id: s.id },
      include: { person: { include: { members: { orderBy: { createdAt: 'asc' }, include: { tenant: { select: { id: true, name: true, status: true } } } } } } },
    });
    const current = row.person.members.find((m) => m.tenantId === row.tenantId);
    return {
      email: row.person.email,
      operator: row.person.operator,
      role: caller.role,
      tenant: current ? current.tenant : null,
      memberships: row.person.members.map((m) => ({ tenantId: m.tenantId, name: m.tenant.name, role: m.role })),
      csrfToken: s.csrfToken,
      expiresAt: row.expiresAt,
    };
  }

  /** Act in another tenant the person belongs to. */
  async switchTenant(caller: Caller, tenantId: string): Promise<void> {
    const s = caller.session;
    if (!s) throw new UnauthorizedException('not signed in with a session');
    const m = await this.db.prisma.member.findFirst({ where: { personId: s.personId, tenantId } });
    if (!m) throw notFound('tenant');
    await this.db.prisma.session.update({ where: { id: s.id }, data: { tenantId } });
  }

  /** An operator person: made by whoever holds the admin token (the first start's token bootstraps the first). */
  async createOperator(caller: Caller, input: NewOperator): Promise<{ id: string; email: string }> {
    if (await this.db.prisma.person.findUnique({ where: { email: input.email }, select: { id: true } })) throw emailTaken();
    const passwordHash = await hashPassword(input.password);
    return this.db.prisma.$transaction(async (tx) => {
      const p = await tx.person.create({ data: { email: input.email, passwordHash, operator: true } });
      await this.audit.record(tx, caller, { action: 'operator.person_create', targetType: 'person', targetId: p.id, details: { email: p.email } });
      return { id: p.id, email: p.email };
    });
  }
}
