// Signup: tenant + owner member + first NATS account (JWT signed, propagated) + tenant_admin token,
// written in one statement (signup-rows.ts), then the account queued for propagation.
import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { uuidv7, type Database } from '@switchboard/db';
import { accountSpecOf, newSealedKey, signAccount } from '@switchboard/issuer';
import type { Keyring } from '@switchboard/secrets';
import { AccountJwtService } from '../accounts/account-jwt.service.js';
import type { Caller } from '../auth/caller.js';
import { OperatorService } from '../operator/operator.service.js';
import { tenantView } from '../tenants/tenants.service.js';
import { DATABASE, KEYRING } from '../tokens.js';
import type { Signup, SignupOwner, SignupResult } from './signup.schema.js';
import { insertSignup } from './signup-rows.js';

const ACCOUNT_NAME = 'default';

@Injectable()
export class SignupService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(KEYRING) private readonly keyring: Keyring,
    private readonly jwts: AccountJwtService,
    private readonly operator: OperatorService,
  ) {}

  /** `by`: an operator creating the tenant (POST /v1/tenants), audited as tenant.create by that caller. */
  async signup(input: Signup, owner?: SignupOwner, by?: Caller): Promise<SignupResult & { personId?: string }> {
    const plan = await this.db.prisma.plan.findUnique({ where: { name: input.plan ?? 'free' } });
    if (!plan) throw new BadRequestException({ message: 'validation failed', details: [{ field: 'plan', message: `no plan named ${input.plan ?? 'free'}` }] });
    const tenantId = uuidv7();
    const memberId = uuidv7();
    const personId = owner ? uuidv7() : undefined;
    const accountId = uuidv7();
    const actor = `member:${memberId}`;
    const key = newSealedKey(this.keyring, 'account');
    const sk = newSealedKey(this.keyring, 'account');
    // The account as resignAccount would read it back: the plan's limits, no overrides, one signing key.
    const signed = signAccount(
      accountSpecOf({
        id: accountId,
        publicKey: key.publicKey,
        name: ACCOUNT_NAME,
        jwt: '',
        jwtIssuedAt: new Date(),
        limits: {},
        overQuotaSince: null,
        tenant: { status: 'active', plan },
        signingKeys: [{ publicKey: sk.publicKey }],
        exports: [],
        imports: [],
        users: [],
      }),
      this.operator.signer(),
    );
    const token = owner ? undefined : await this.operator.issue({ role: 'tenant_admin', tenantId, memberId });
    // A duplicate email (tenant, or a person signed in elsewhere) fails the statement: 409, nothing kept.
    const t = await insertSignup(this.db, {
      tenant: { id: tenantId, name: input.organization, email: input.email, planId: plan.id },
      person: owner && personId ? { id: personId, passwordHash: owner.passwordHash } : null,
      member: { id: memberId },
      account: {
        id: accountId,
        operatorId: this.operator.id,
        name: ACCOUNT_NAME,
        publicKey: key.publicKey,
        seedEnc: key.seedEnc,
        jwt: signed.jwt,
        jwtIssuedAt: signed.issuedAt,
      },
      signingKey: { id: uuidv7(), publicKey: sk.publicKey, seedEnc: sk.seedEnc },
      token: token ? { id: token.id, name: 'signup', tokenHash: token.tokenHash } : null,
      audit: [
        {
          actor: by?.actor ?? actor,
          action: by ? 'tenant.create' : 'tenant.signup',
          targetType: 'tenant',
          targetId: tenantId,
          details: { name: input.organization, plan: plan.name },
        },
        { actor, action: 'account.create', targetType: 'account', targetId: accountId, details: { name: ACCOUNT_NAME, publicKey: key.publicKey } },
      ],
    });
    await this.jwts.announce([key.publicKey]);
    return {
      tenant: tenantView({ id: tenantId, name: input.organization, email: input.email, status: t.status, createdAt: t.createdAt, plan }),
      account: { id: accountId, name: ACCOUNT_NAME, publicKey: key.publicKey },
      ...(token ? { token: token.token } : {}),
      memberId,
      ...(personId ? { personId } : {}),
    };
  }
}
