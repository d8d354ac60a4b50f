import type { Database } from '@switchboard/db';

export interface Check {
  status: 'up' | 'down';
  error?: string;
}

export interface Health {
  status: 'ok' | 'unavailable';
  checks: { database: Check & { kind: Database['kind'] }; redis: Check };
}
