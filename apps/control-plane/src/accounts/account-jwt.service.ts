// The one way an account JWT changes: rebuild it from the rows inside the caller's transaction,
// then, once committed, announce it to the propagation queue (brokers get it pushed).
import { BadRequestException, Inject, Injectable, Logger } from '@nestjs/common';
import type { Database } from '@switchboard/db';
import { accountClaims, effectiveLimits, UNLIMITED, type AccountSpec, type Limits, type PropagationQueue } from '@switchboard/issuer';
import { encode, validateAccount } from '@switchboard/nats-jwt';
import { enqueueAllAccounts } from '@switchboard/propagation';
import type { Tx } from '../common/tx.js';
import { OperatorService } from '../operator/operator.service.js';
import { planLimits } from '../plans/plan-limits.js';
import { DATABASE, PROPAGATION } from '../tokens.js';

/** Inside `transact`: re-signs an account's JWT (by account id) and marks it for propagation. */
export type Touch = (accountId: string) => Promise<void>;

@Injectable()
export class AccountJwtService {
  private readonly log = new Logger('AccountJwt');

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(PROPAGATION) private readonly queue: PropagationQueue,
    private readonly operator: OperatorService,
  ) {}

  /** Runs `fn` in one transaction; accounts it touched are enqueued after the commit (never before). */
  async transact<T>(fn: (tx: Tx, touch: Touch) => Promise<T>): Promise<T> {
    const changed = new Set<string>();
    const result = await this.db.prisma.$transaction(async (tx) => fn(tx, async (id) => void changed.add(await this.reissue(tx, id))));
    await this.announce(changed);
    return result;
  }

  /** Tells the queue about accounts whose JWT changed or that are gone; a failure is logged, brokers still find the JWT through the resolver URL. */
  async announce(publicKeys: Iterable<string>): Promise<void> {
    for (const pk of publicKeys) {
      try {
        await this.queue.enqueueAccount(pk);
      } catch (e) {
        this.log.warn(`could not enqueue propagation of ${pk}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** A newly registered broker gets every account's current JWT; a failure is logged (the resolver URL still serves them). */
  async announceAll(): Promise<void> {
    try {
      await enqueueAllAccounts(this.queue, this.db.prisma);
    } catch (e) {
      this.log.warn(`could not enqueue propagation of all accounts: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The account's effective limits: its tenant plan's, with the account's overrides. */
  limitsOf(a: { limits: unknown; tenant: { plan: Parameters<typeof planLimits>[0] } | null }): Limits {
    return effectiveLimits(a.tenant ? planLimits(a.tenant.plan) : UNLIMITED, a.limits as Partial<Limits>);
  }

  private async reissue(tx: Tx, accountId: string): Promise<string> {
    // Serialise JWT rebuilds per account: without the row lock, two concurrent changes (say two
    // revocations) would each sign a JWT missing the other's row, and the last commit would win.
    // Every read below runs after the lock, so it sees what the other transaction committed.
    await tx.$queryRaw`SELECT id FROM accounts WHERE id = ${accountId}::uuid FOR UPDATE`;
    const a = await tx.account.findUniqueOrThrow({
      where: { id: accountId },
      include: {
        tenant: { include: { plan: true } },
        signingKeys: { where: { revokedAt: null }, orderBy: { createdAt: 'asc' } },
        exports: { orderBy: { createdAt: 'asc' } },
        imports: { orderBy: { createdAt: 'asc' } },
        users: { where: { revokedAt: { not: null } }, select: { publicKey: true, revokedAt: true } },
      },
    });
    const spec: AccountSpec = {
      publicKey: a.publicKey,
      name: a.name,
      limits: this.limitsOf(a),
      overQuota: a.overQuotaSince !== null,
      signingKeys: a.signingKeys.map((k) => k.publicKey),
      exports: a.exports.map((e) => ({
        name: e.name,
        subject: e.subject,
        type: e.type,
        tokenRequired: e.tokenRequired,
        responseType: e.responseType as 'Singleton' | 'Stream' | 'Chunked' | null,
        accountTokenPosition: e.accountTokenPosition,
      })),
      imports: a.imports.map((i) => ({ name: i.name, account: i.exporterPublicKey, subject: i.subject, localSubject: i.localSubject, type: i.type, token: i.activationToken })),
      revocations: new Map(a.users.map((u) => [u.publicKey, u.revokedAt!])),
    };
    // Each re-sign gets a later iat than the last (seconds): the jti hashes only iat/iss/sub/name, so
    // two changes within one second would share a jti, and brokers (nats-server too) drop a known jti.
    const now = Math.max(Date.now(), a.jwtIssuedAt.getTime() + 1000);
    // A suspended tenant's users are all refused: "*" revokes every user JWT issued up to now
    // (nats-server honours it, and drops connected users on the update). Resuming re-signs without it.
    if (a.tenant?.status === 'suspended') (spec.revocations as Map<string, Date>).set('*', new Date(now));
    const claims = accountClaims(spec);
    // Refuse what a broker would refuse, before it is stored.
    const problems = validateAccount(claims);
    if (problems.length) throw new BadRequestException({ message: `account JWT would be invalid: ${problems.join('; ')}` });
    const jwt = encode(claims, this.operator.signer(), { now });
    await tx.account.update({ where: { id: a.id }, data: { jwt, jwtIssuedAt: new Date(Math.floor(now / 1000) * 1000) } });
    return a.publicKey;
  }
}
