import type { Database } from '@switchboard/db';

export interface Check {
  /** unused: no REDIS_URL (see ControlPlaneConfig.redisUrl), so not part of the verdict. */
  status: 'up' | 'down' | 'unused';
  error?: string;
}

export interface Health {
  status: 'ok' | 'unavailable';
  checks: { database: Check & { kind: Database['kind'] }; redis: Check };
}
