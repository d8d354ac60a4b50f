// One propagation job, without BullMQ: read the account's current JWT, push it to every
// broker that does not have this exact JWT yet, and report per broker.
import { createHash } from 'node:crypto';
import type { BrokerDirectory } from './brokers.js';
import type { PushOutcome } from './claims-pusher.js';
import type { AccountJwtSource } from './jwt-source.js';

/** What a job carries: the account, and which JWT (by hash) each broker already acknowledged. */
export interface AccountJobData {
  account: string;
  /** broker URL -> jwtHash of the JWT that broker acknowledged; lets a retry skip brokers already done. */
  delivered?: Record<string, string>;
}

export interface Pusher {
  push(broker: string, account: string, jwt: string): Promise<PushOutcome>;
}

export interface PropagationDeps {
  source: AccountJwtSource;
  brokers: BrokerDirectory;
  pusher: Pusher;
}

export interface BrokerFailure {
  broker: string;
  reason: string;
}

export interface PropagationResult {
  account: string;
  /** `gone`: the account is no longer in the database, nothing was pushed. */
  status: 'pushed' | 'gone';
  jwtHash?: string;
  issuedAt?: string;
  pushed: string[];
  /** Brokers that had acknowledged this very JWT in an earlier attempt. */
  skipped: string[];
  failed: BrokerFailure[];
  delivered: Record<string, string>;
}

export function jwtHash(jwt: string): string {
  return createHash('sha256').update(jwt).digest('base64url').slice(0, 22);
}

export async function propagateAccount(data: AccountJobData, deps: PropagationDeps): Promise<PropagationResult> {
  const { account } = data;
  // Both read now, side by side: the JWT as it is, and the brokers registered so far.
  const [current, brokers] = await Promise.all([deps.source.current(account), deps.brokers.brokers()]);
  if (!current) return { account, status: 'gone', pushed: [], skipped: [], failed: [], delivered: {} };
  const hash = jwtHash(current.jwt);
  const before = data.delivered ?? {};
  const delivered: Record<string, string> = {};
  const skipped: string[] = [];
  const todo: string[] = [];
  for (const b of brokers) {
    if (before[b] === hash) {
      skipped.push(b);
      delivered[b] = hash;
    } else todo.push(b);
  }
  const outcomes = await Promise.all(todo.map((b) => deps.pusher.push(b, account, current.jwt)));
  const pushed: string[] = [];
  const failed: BrokerFailure[] = [];
  for (const o of outcomes) {
    if (o.ok) {
      pushed.push(o.broker);
      delivered[o.broker] = hash;
    } else failed.push({ broker: o.broker, reason: o.reason });
  }
  return { account, status: 'pushed', jwtHash: hash, issuedAt: current.issuedAt.toISOString(), pushed, skipped, failed, delivered };
}

/** Thrown by a job whose push failed on some broker; BullMQ retries it with backoff. */
export class PropagationError extends Error {
  override readonly name = 'PropagationError';
  constructor(
    readonly account: string,
    readonly failed: readonly BrokerFailure[],
  ) {
    super(`account ${account}: ${failed.map((f) => `${f.broker}: ${f.reason}`).join('; ')}`);
  }
}
