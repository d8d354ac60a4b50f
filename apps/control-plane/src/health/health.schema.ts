import type { Database } from '@switchboard/db';
import { z } from 'zod';

export interface Check {
  /** unused: no REDIS_URL (see ControlPlaneConfig.redisUrl), so not part of the verdict. */
  status: 'up' | 'down' | 'unused';
  error?: string;
}

export interface Health {
  status: 'ok' | 'unavailable';
  checks: { database: Check & { kind: Database['kind'] }; redis: Check };
}

const check = z.object({ status: z.enum(['up', 'down', 'unused']), error: z.string().optional() });
export const healthSchema: z.ZodType<Health> = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.object({ database: check.extend({ kind: z.enum(['postgres', 'pglite']) }), redis: check }),
});
