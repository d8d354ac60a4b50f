import type { Database } from '@switchboard/db';

export interface Check {
  /** unused: no Redis (embedded mode). */
  status: 'up' | 'down' | 'unused';
  error?: string;
}

export interface Health {
  status: 'ok' | 'unavailable';
  checks: { database: Check & { kind: Database['kind'] }; redis: Check };
}
