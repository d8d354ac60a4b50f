// One attempt of an account-jwt job and what follows from it: the retry's data, or the dead letter
// after the last attempt. Shared by the BullMQ worker and the in-process queue so that both retry
// and dead-letter by the same rules. No BullMQ import here: embedded mode never loads it.
import type { Logger } from '@switchboard/config';
import { PropagationError, propagateAccount, type AccountJobData, type BrokerFailure, type PropagationDeps, type PropagationResult } from './propagate.js';

/** A job that failed on its last attempt, as kept in the `account-jwt-dead` queue. */
export interface DeadLetter {
  account: string;
  reason: string;
  failed: BrokerFailure[];
  attempts: number;
  failedAt: string;
}

export interface RetryPolicy {
  /** Attempts per job before it is dead-lettered (default 10). */
  attempts?: number;
  /** First backoff delay in ms, doubled on each retry (default 1000). */
  backoffMs?: number;
}

export const DEFAULT_ATTEMPTS = 10;
export const DEFAULT_BACKOFF_MS = 1000;

/** The wait before retry number `attemptsMade` (1 = first retry): BullMQ's exponential backoff. */
export function backoffDelay(backoffMs: number, attemptsMade: number): number {
  return Math.round(2 ** (attemptsMade - 1) * backoffMs);
}

export type AttemptOutcome =
  | { ok: true; result: PropagationResult }
  /** `data`: what the retry runs with (brokers that took this JWT are skipped); `dead`: set after the last attempt. */
  | { ok: false; error: Error; data: AccountJobData; dead: DeadLetter | null };

/** Runs attempt `attemptsMade + 1` of `attempts`; never throws. */
export async function runAttempt(data: AccountJobData, attemptsMade: number, attempts: number, deps: PropagationDeps, log: Logger): Promise<AttemptOutcome> {
  let error: Error;
  let next = data;
  try {
    const result = await propagateAccount(data, deps);
    if (result.failed.length === 0) return { ok: true, result };
    next = { account: data.account, delivered: result.delivered };
    error = new PropagationError(result.account, result.failed);
  } catch (e) {
    error = e instanceof Error ? e : new Error(String(e));
  }
  const made = attemptsMade + 1;
  if (made < attempts) {
    log.warn(`propagation attempt ${made}/${attempts} failed: ${error.message}`);
    return { ok: false, error, data: next, dead: null };
  }
  log.error(`propagation dead-lettered after ${made} attempts: ${error.message}`);
  const dead: DeadLetter = {
    account: data.account,
    reason: error.message,
    failed: error instanceof PropagationError ? [...error.failed] : [],
    attempts: made,
    failedAt: new Date().toISOString(),
  };
  return { ok: false, error, data: next, dead };
}
