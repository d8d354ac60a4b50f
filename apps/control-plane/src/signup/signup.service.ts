// Signup: tenant + owner member + first NATS account (JWT signed, propagated) + tenant_admin token, in one transaction.
import { BadRequestException, Injectable } from '@nestjs/common';
import { AccountJwtService } from '../accounts/account-jwt.service.js';
import { AccountsService } from '../accounts/accounts.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { Caller } from '../auth/caller.js';
import { OperatorService } from '../operator/operator.service.js';
import { tenantView } from '../tenants/tenants.service.js';
import type { Signup, SignupOwner, SignupResult } from './signup.schema.js';

@Injectable()
export class SignupService {
  constructor(
    private readonly jwts: AccountJwtService,
    private readonly accounts: AccountsService,
    private readonly audit: AuditService,
    private readonly operator: OperatorService,
  ) {}

  /** `by`: an operator creating the tenant (POST /v1/tenants), audited as tenant.create by that caller. */
  async signup(input: Signup, owner?: SignupOwner, by?: Caller): Promise<SignupResult & { personId?: string }> {
    return this.jwts.transact(async (tx, touch) => {
      const plan = await tx.plan.findUnique({ where: { name: input.plan ?? 'free' } });
      if (!plan)
        throw new BadRequestException({ message: 'validation failed', details: [{ field: 'plan', message: `no plan named ${input.plan ?? 'free'}` }] });
      // A duplicate email fails here on the unique index: 409, and nothing of this signup stays.
      const tenant = { ...(await tx.tenant.create({ data: { name: input.organization, email: input.email, planId: plan.id } })), plan };
      // A person already signed in elsewhere (an invited member) fails on persons.email: 409, nothing kept.
      const person = owner ? await tx.person.create({ data: { email: input.email, passwordHash: owner.passwordHash } }) : undefined;
      const member = await tx.member.create({ data: { tenantId: tenant.id, email: input.email, role: 'owner', personId: person?.id ?? null } });
      const actor = `member:${member.id}`;
      await this.audit.record(tx, by ?? actor, {
        tenantId: tenant.id,
        action: by ? 'tenant.create' : 'tenant.signup',
        targetType: 'tenant',
        targetId: tenant.id,
        details: { name: tenant.name, plan: plan.name },
      });
      const account = await this.accounts.createIn(tx, touch, actor, tenant.id, 'default');
      const token = owner
        ? undefined
        : (await this.operator.mint(tx, { role: 'tenant_admin', name: 'signup', tenantId: tenant.id, memberId: member.id })).token;
      return {
        tenant: tenantView(tenant),
        account: { id: account.id, name: account.name, publicKey: account.publicKey },
        ...(token ? { token } : {}),
        memberId: member.id,
        ...(person ? { personId: person.id } : {}),
      };
    });
  }
}
