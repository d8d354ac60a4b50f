// Control-plane configuration from the environment, validated once at start.
import path from 'node:path';
import { z } from 'zod';

export interface ControlPlaneConfig {
  port: number;
  host: string;
  /** postgresql:// URL; absent = embedded PGlite under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  redisUrl: string;
  /** Bearer token for the operator-admin API (/v1/plans …); absent = admin API disabled. */
  adminToken?: string;
}

const port = z.coerce.number().int().min(0).max(65535);
const env = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  SWITCHBOARD_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the environment; empty variables count as unset. Messages name the variable, never its value. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): ControlPlaneConfig {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = env.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    redisUrl: e.REDIS_URL,
    adminToken: e.SWITCHBOARD_ADMIN_TOKEN,
  };
}
