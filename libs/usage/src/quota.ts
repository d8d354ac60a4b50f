// Monthly quotas: what an account published this calendar month (UTC), summed over brokers from
// account_usage, against its plan's monthlyMsgs / monthlyBytes (with the account's overrides).
// Counted: published by the account = msgs_in / bytes_in (what it sends to brokers, not what it
// receives). Reaching a quota holds the account's publishers (its JWT gets sb:rate_msgs=0: nothing
// is dropped and its subscribers still receive); a new month or a raised quota lifts the hold.
import type { KeyPair } from '@nats-io/nkeys';
import type { Db } from '@switchboard/db';
import { accountLimits, lockAccount, resignAccount, type Limits, type PropagationQueue } from '@switchboard/issuer';

export interface QuotaState {
  monthlyMsgs: number;
  monthlyBytes: number;
  overQuota: boolean;
}

/** Start of `now`'s calendar month, UTC. */
export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** Whether this month's use reaches a quota (-1 = unlimited). */
export function overQuota(l: Pick<Limits, 'monthlyMsgs' | 'monthlyBytes'>, used: { msgs: number; bytes: number }): boolean {
  return (l.monthlyMsgs >= 0 && used.msgs >= l.monthlyMsgs) || (l.monthlyBytes >= 0 && used.bytes >= l.monthlyBytes);
}

export interface QuotaCheckOptions {
  db: Db;
  /** An operator signing key (the one the control plane signs account JWTs with). */
  signer: KeyPair;
  queue: Pick<PropagationQueue, 'enqueueAccount'>;
  /** Injected clock (tests move it across a month boundary). */
  now?: () => Date;
}

export interface QuotaChanges {
  held: string[];
  lifted: string[];
}

export class QuotaCheck {
  private readonly now: () => Date;

  constructor(private readonly opts: QuotaCheckOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Flips accounts whose quota state changed, re-signs their JWTs and enqueues them (public keys returned). */
  async run(): Promise<QuotaChanges> {
    const now = this.now();
    const used = await this.monthUse(now);
    const accounts = await this.opts.db.account.findMany({
      select: { id: true, publicKey: true, limits: true, overQuotaSince: true, tenant: { select: { plan: true } } },
    });
    const changes: QuotaChanges = { held: [], lifted: [] };
    for (const a of accounts) {
      const over = overQuota(accountLimits(a), used.get(a.publicKey) ?? { msgs: 0, bytes: 0 });
      if (over === (a.overQuotaSince !== null)) continue;
      if (await this.flip(a.id, over, now)) (over ? changes.held : changes.lifted).push(a.publicKey);
    }
    for (const pk of [...changes.held, ...changes.lifted]) await this.opts.queue.enqueueAccount(pk);
    return changes;
  }

  /** msgs_in / bytes_in per account since the start of `now`'s month. */
  private async monthUse(now: Date): Promise<Map<string, { msgs: number; bytes: number }>> {
    const rows = await this.opts.db.$queryRaw<{ account_key: string; msgs: bigint; bytes: bigint }[]>`
      SELECT account_key, SUM(last_msgs_in - base_msgs_in)::bigint AS msgs, SUM(last_bytes_in - base_bytes_in)::bigint AS bytes
      FROM account_usage WHERE period_start >= ${monthStart(now)} GROUP BY account_key`;
    return new Map(rows.map((r) => [r.account_key, { msgs: Number(r.msgs), bytes: Number(r.bytes) }]));
  }

  /**
   * Under the account row lock (the control plane's re-signs take it too): sets or clears
   * over_quota_since and re-signs the JWT from the rows, as the control plane does (it reads
   * over_quota_since, so both agree). False if another check flipped it first.
   */
  private async flip(accountId: string, over: boolean, now: Date): Promise<boolean> {
    return this.opts.db.$transaction(async (tx) => {
      await lockAccount(tx, accountId);
      const a = await tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { overQuotaSince: true } });
      if (over === (a.overQuotaSince !== null)) return false;
      await tx.account.update({ where: { id: accountId }, data: { overQuotaSince: over ? now : null } });
      await resignAccount(tx, accountId, this.opts.signer);
      return true;
    });
  }
}
