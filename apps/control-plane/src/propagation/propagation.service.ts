// The propagation queue as the operator sees it: jobs waiting, running and retrying, the dead
// letters with their reasons (and the tenant/account they belong to), and replay.
import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { Database } from '@switchboard/db';
import { isInspectable, type DeadLetterView, type PropagationQueue } from '@switchboard/issuer';
import { AuditService } from '../audit/audit.service.js';
import type { Caller } from '../auth/caller.js';
import { DATABASE, PROPAGATION } from '../tokens.js';

export interface PropagationStatus {
  waiting: number;
  active: number;
  retrying: number;
  deadLetters: Array<DeadLetterView & { accountName: string | null; tenant: string | null }>;
}

@Injectable()
export class PropagationService {
  constructor(
    @Inject(PROPAGATION) private readonly queue: PropagationQueue,
    @Inject(DATABASE) private readonly db: Database,
    private readonly audit: AuditService,
  ) {}

  private inspectable() {
    const q = this.queue;
    if (!isInspectable(q)) throw new ServiceUnavailableException('this control plane hands account changes to no queue it can inspect (REDIS_URL unset)');
    return q;
  }

  async status(): Promise<PropagationStatus> {
    const q = this.inspectable();
    const [counts, dead] = await Promise.all([q.counts(), q.deadLetters(500)]);
    const accounts = await this.db.prisma.account.findMany({
      where: { publicKey: { in: [...new Set(dead.map((d) => d.account))] } },
      select: { publicKey: true, name: true, tenant: { select: { name: true } } },
    });
    const byKey = new Map(accounts.map((a) => [a.publicKey, a]));
    return {
      waiting: counts.waiting,
      active: counts.active,
      retrying: counts.retrying,
      deadLetters: dead.map((d) => ({
        account: d.account,
        reason: d.reason,
        attempts: d.attempts,
        failedAt: d.failedAt,
        accountName: byKey.get(d.account)?.name ?? null,
        tenant: byKey.get(d.account)?.tenant?.name ?? null,
      })),
    };
  }

  async replay(caller: Caller): Promise<{ replayed: number }> {
    const replayed = await this.inspectable().replayDeadLetters();
    await this.db.prisma.$transaction((tx) =>
      this.audit.record(tx, caller, { action: 'propagation.replay', targetType: 'queue', targetId: 'account-jwt', details: { replayed } }),
    );
    return { replayed };
  }
}
