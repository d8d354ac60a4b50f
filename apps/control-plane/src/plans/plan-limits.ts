import type { Plan } from '@switchboard/db';
import { limitsOf, type Limits } from '@switchboard/issuer';

/** A plan row's limits in the API's shape (byte limits as numbers: JSON has no bigint; they stay far below 2^53). */
export function planLimits(p: Plan): Limits {
  return limitsOf(p);
}
