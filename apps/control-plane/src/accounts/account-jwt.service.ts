// Account JWT changes in the control plane: re-signed from the rows inside the caller's transaction
// (libs/issuer resignAccount: row lock, limits, quota hold, suspension, later iat, nats-server's
// validation), then, once committed, announced to the propagation queue (brokers get it pushed).
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Database } from '@switchboard/db';
import { accountLimits, resignAccount, type Limits, type PropagationQueue } from '@switchboard/issuer';
import { enqueueAllAccounts } from '@switchboard/propagation';
import type { Tx } from '../common/tx.js';
import { OperatorService } from '../operator/operator.service.js';
import { DATABASE, PROPAGATION } from '../tokens.js';

/**
 * Inside `transact`: re-signs an account's JWT (by account id) and marks it for propagation.
 * `locked`: this transaction holds the account's row lock already, or created the account.
 */
export type Touch = (accountId: string, opts?: { locked?: boolean }) => Promise<void>;

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
    const result = await this.db.prisma.$transaction(async (tx) => fn(tx, async (id, opts) => void changed.add(await this.reissue(tx, id, opts))));
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
  limitsOf(a: Parameters<typeof accountLimits>[0]): Limits {
    return accountLimits(a);
  }

  private async reissue(tx: Tx, accountId: string, opts?: { locked?: boolean }): Promise<string> {
    return (await resignAccount(tx, accountId, this.operator.signer(), Date.now(), opts)).publicKey;
  }
}
