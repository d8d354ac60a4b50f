// Control-plane configuration from the environment, validated once at start.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export interface ControlPlaneConfig {
  port: number;
  host: string;
  /** postgresql:// URL; absent = embedded PGlite under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  /**
   * Redis for the propagation job queue (REDIS_URL). Unset means no Redis: the control plane queues
   * nothing (brokers get account JWT changes from the URL resolver only, a warning says so) and
   * /healthz reports redis as "unused" instead of checking it. (`npm start` provides its own.)
   */
  redisUrl?: string;
  /** BullMQ key prefix shared with the worker (QUEUE_PREFIX; default BullMQ's `bull`). */
  queuePrefix?: string;
  /** SWITCHBOARD_MASTER_KEY: one key, or several comma-separated (first encrypts, all decrypt). */
  masterKey?: string;
  /** SWITCHBOARD_MASTER_KEY_FILE: one key per line; without either, embedded mode keeps <dataDir>/master.key. */
  masterKeyFile?: string;
  /** A fixed operator-admin bearer token (for automation); minted API tokens work regardless. */
  adminToken?: string;
  /** Where the first start writes the operator-admin API token (0600) instead of printing it. */
  adminTokenFile?: string;
  /** Operator name written into the operator JWT at bootstrap. */
  operatorName: string;
  /** Account resolver base URL written into the operator JWT at bootstrap (e.g. http://cp:8080/jwt/v1). */
  accountServerUrl?: string;
  /** Signups allowed per client IP per hour. */
  signupsPerHour: number;
  /** How long a console session lasts from sign-in (no sliding renewal). */
  sessionTtlMs: number;
  /** Built console (static files served at /); absent = no console. */
  consoleDir?: string;
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
    .optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:.-]{1,64}$/, 'letters, digits, _ : . -, up to 64 characters')
    .optional(),
  SWITCHBOARD_MASTER_KEY: z.string().optional(),
  SWITCHBOARD_MASTER_KEY_FILE: z.string().optional(),
  SWITCHBOARD_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SWITCHBOARD_ADMIN_TOKEN_FILE: z.string().min(1).optional(),
  SWITCHBOARD_OPERATOR_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _, up to 64')
    .default('switchboard'),
  SWITCHBOARD_ACCOUNT_SERVER_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be an http(s):// URL')
    .optional(),
  SIGNUPS_PER_HOUR: z.coerce.number().int().min(1).default(20),
  SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 86400)
    .default(12 * 3600),
  CONSOLE_DIR: z.string().min(1).optional(),
});

// apps/control-plane/{src,dist}/config.* -> apps/console/dist, the console's `npm run build` output.
const builtConsole = fileURLToPath(new URL('../../console/dist', import.meta.url));

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
    queuePrefix: e.QUEUE_PREFIX,
    masterKey: e.SWITCHBOARD_MASTER_KEY,
    masterKeyFile: e.SWITCHBOARD_MASTER_KEY_FILE ? path.resolve(e.SWITCHBOARD_MASTER_KEY_FILE) : undefined,
    adminToken: e.SWITCHBOARD_ADMIN_TOKEN,
    adminTokenFile: e.SWITCHBOARD_ADMIN_TOKEN_FILE ? path.resolve(e.SWITCHBOARD_ADMIN_TOKEN_FILE) : undefined,
    operatorName: e.SWITCHBOARD_OPERATOR_NAME,
    accountServerUrl: e.SWITCHBOARD_ACCOUNT_SERVER_URL,
    signupsPerHour: e.SIGNUPS_PER_HOUR,
    sessionTtlMs: e.SESSION_TTL_SECONDS * 1000,
    consoleDir: e.CONSOLE_DIR ? path.resolve(e.CONSOLE_DIR) : fs.existsSync(path.join(builtConsole, 'index.html')) ? builtConsole : undefined,
  };
}
