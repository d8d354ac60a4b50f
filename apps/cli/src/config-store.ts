// Where `switchboard login` keeps the API URL and token: $SWITCHBOARD_CONFIG, else
// $XDG_CONFIG_HOME/switchboard/config.json, else ~/.config/switchboard/config.json.
// The token is a secret, so the file is always written 0600 in a 0700 directory.
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, usageError } from './errors.js';

export interface StoredConfig {
  api?: string;
  token?: string;
}

export type Env = Record<string, string | undefined>;

export function configPath(env: Env): string {
  if (env.SWITCHBOARD_CONFIG) return env.SWITCHBOARD_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'switchboard', 'config.json');
}

/** The stored config; {} when there is none. A file that is not a JSON object is an error, not silently ignored. */
export async function readConfig(path: string): Promise<StoredConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read ${path}: ${(e as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new CliError(`${path} is not valid JSON: fix it or delete it and log in again`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CliError(`${path} must hold a JSON object`);
  const o = v as Record<string, unknown>;
  const out: StoredConfig = {};
  if (typeof o.api === 'string') out.api = o.api;
  if (typeof o.token === 'string') out.token = o.token;
  return out;
}

/** Writes atomically (temp file + rename) with mode 0600, whatever the umask or the old file's mode. */
export async function writeConfig(path: string, config: StoredConfig): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  } catch (e) {
    throw new CliError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

/** A warning when the stored token is readable by other users (as ssh does for keys). */
export async function permissionWarning(path: string): Promise<string | undefined> {
  try {
    const mode = (await stat(path)).mode & 0o777;
    if (mode & 0o077) return `warning: ${path} is readable by others (mode ${mode.toString(8)}): run chmod 600 ${path}`;
  } catch {
    // no file, nothing to warn about
  }
  return undefined;
}

export interface Connection {
  api: string;
  token?: string;
}

/**
 * Flags win over the environment (SWITCHBOARD_API, SWITCHBOARD_TOKEN), which wins over the stored
 * config. The stored token is only sent to the stored URL: `--api <elsewhere>` never leaks it.
 */
export function resolveConnection(flags: StoredConfig, env: Env, stored: StoredConfig): Connection | undefined {
  const raw = flags.api ?? env.SWITCHBOARD_API ?? stored.api;
  if (raw === undefined) return undefined;
  const api = checkApiUrl(raw);
  const storedApi = stored.api === undefined ? undefined : safeApiUrl(stored.api);
  const token = flags.token ?? env.SWITCHBOARD_TOKEN ?? (storedApi === api ? stored.token : undefined);
  return { api, ...(token ? { token } : {}) };
}

function safeApiUrl(api: string): string | undefined {
  try {
    return checkApiUrl(api);
  } catch {
    return undefined;
  }
}

/** The API base URL, without a trailing slash; a clear usage error for anything but http(s). */
export function checkApiUrl(api: string): string {
  let url: URL;
  try {
    url = new URL(api);
  } catch {
    throw usageError(`the API URL (--api, SWITCHBOARD_API) must be a URL like http://localhost:8080, not ${JSON.stringify(api)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw usageError(`the API URL (--api, SWITCHBOARD_API) must be http:// or https://, not ${JSON.stringify(api)}`);
  if (url.search || url.hash) throw usageError('the API URL (--api, SWITCHBOARD_API) must not have a query or fragment');
  return url.href.replace(/\/+$/, '');
}
