// A broker registered after accounts exist has none of them: queue every account once
// (what the control plane does after POST /v1/brokers, or an operator after restoring a broker).
import type { Db } from '@switchboard/db';
import type { BullPropagationQueue } from './bull-queue.js';

/** Queues every account in the database, paging by public key; returns how many were queued. */
export async function enqueueAllAccounts(queue: Pick<BullPropagationQueue, 'enqueueAccounts'>, db: Pick<Db, 'account'>, pageSize = 5000): Promise<number> {
  let after: string | undefined;
  let total = 0;
  for (;;) {
    const rows = await db.account.findMany({
      select: { publicKey: true },
      orderBy: { publicKey: 'asc' },
      take: pageSize,
      ...(after ? { where: { publicKey: { gt: after } } } : {}),
    });
    if (rows.length === 0) return total;
    await queue.enqueueAccounts(rows.map((r) => r.publicKey));
    total += rows.length;
    after = rows[rows.length - 1]!.publicKey;
  }
}
