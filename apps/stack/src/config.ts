// `npm start` settings from the environment. Each problem names its variable; values stay unprinted
// (DATABASE_URL and REDIS_URL may hold passwords).
import path from 'node:path';

export interface StackConfig {
  /** Control plane HTTP port (PORT, default 8080). */
  port: number;
  /** Broker client port (NATS_PORT, default 4222). */
  natsPort: number;
  /** Broker monitoring port (NATS_HTTP_PORT, default 8222; 0 = no monitoring). */
  natsHttpPort: number;
  /** Interface every listener binds (HOST, default 0.0.0.0). */
  host: string;
  /** Embedded database, admin token and broker JWT cache live here (DATA_DIR, default ./.data). */
  dataDir: string;
  /** PostgreSQL instead of the embedded database (DATABASE_URL). */
  databaseUrl?: string;
  /** REDIS_URL; absent = probe 127.0.0.1:6379, else start a local redis-server. */
  redisUrl?: string;
  /** Where the first start writes the operator-admin API token (SWITCHBOARD_ADMIN_TOKEN_FILE, default <dataDir>/admin-token). */
  adminTokenFile: string;
  /** Name of this broker in the control plane's broker list (SWITCHBOARD_BROKER_NAME, default "local"). */
  brokerName: string;
  /** BullMQ key prefix (QUEUE_PREFIX, default BullMQ's `bull`): lets stacks share one Redis. */
  queuePrefix?: string;
  /** The rest of the environment, for the control plane's own loadConfig (master key, signup rate…). */
  controlPlaneEnv: Readonly<Record<string, string>>;
}

/** DATA_DIR (default ./.data), absolute: shared with `setup broker-config`. */
export function dataDirFrom(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.DATA_DIR || '.data');
}

export class StackConfigError extends Error {
  override readonly name = 'StackConfigError';
}

export function loadStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const get = (k: string): string | undefined => (env[k] === undefined || env[k] === '' ? undefined : env[k]);
  const problems: string[] = [];
  const port = (k: string, dflt: number, min: number): number => {
    const raw = get(k);
    if (raw === undefined) return dflt;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > 65535) {
      problems.push(`${k} must be a port number from ${min} to 65535`);
      return dflt;
    }
    return n;
  };
  const cfg = {
    port: port('PORT', 8080, 1),
    natsPort: port('NATS_PORT', 4222, 1),
    natsHttpPort: port('NATS_HTTP_PORT', 8222, 0),
    host: get('HOST') ?? '0.0.0.0',
    dataDir: dataDirFrom(env),
  };
  const databaseUrl = get('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must be a postgresql:// URL');
  const redisUrl = get('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  const brokerName = get('SWITCHBOARD_BROKER_NAME') ?? 'local';
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(brokerName)) problems.push('SWITCHBOARD_BROKER_NAME: letters, digits, _ . -, up to 63 characters');
  const queuePrefix = get('QUEUE_PREFIX');
  if (queuePrefix !== undefined && !/^[A-Za-z0-9_:.-]{1,64}$/.test(queuePrefix)) problems.push('QUEUE_PREFIX: letters, digits, _ : . -, up to 64 characters');
  const ports = [cfg.port, cfg.natsPort, cfg.natsHttpPort].filter((p) => p !== 0);
  if (new Set(ports).size !== ports.length) problems.push('PORT, NATS_PORT and NATS_HTTP_PORT must differ');
  if (problems.length > 0) throw new StackConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  const tokenFile = get('SWITCHBOARD_ADMIN_TOKEN_FILE');
  return {
    ...cfg,
    ...(databaseUrl !== undefined ? { databaseUrl } : {}),
    ...(redisUrl !== undefined ? { redisUrl } : {}),
    adminTokenFile: tokenFile ? path.resolve(tokenFile) : path.join(cfg.dataDir, 'admin-token'),
    brokerName,
    ...(queuePrefix !== undefined ? { queuePrefix } : {}),
    controlPlaneEnv: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
  };
}
