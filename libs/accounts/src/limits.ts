/**
 * Per-account limits. -1 means unlimited, as in nats-server's account JWT claims.
 * Only a placeholder today: a later issue fills these from account JWTs and enforces them.
 */
export interface AccountLimits {
  maxConnections: number;
  maxSubscriptions: number;
  maxPayload: number;
}

export const UNLIMITED: Readonly<AccountLimits> = Object.freeze({
  maxConnections: -1,
  maxSubscriptions: -1,
  maxPayload: -1,
});
