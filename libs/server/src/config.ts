import { parseDuration, parseSize } from '@switchboard/config';
import { allowResponses, permissionsFromConfig } from './config-permissions.js';
import { applyOperatorKey, finishOperatorMode, OPERATOR_KEYS } from './operator-config.js';
import { finishTls, tlsOptionsFromConfig } from './tls-config.js';
import { checkExportsImports, parseExports, parseImports } from './config-exports-imports.js';
import { parseSwitchboardBlock } from './account-limits.js';
import { leafNodesFromConfig } from './leaf-config.js';
import { clusterFromConfig } from './cluster-options.js';
import { accountJetStreamFromConfig, applyJetStreamConfig, applyStoreDir } from './jetstream-options.js';
import { makeOptions, type AccountConfig, type ServerOptions, type UserConfig } from './options.js';
import { at, bool, configError, map } from './config-values.js';

/** Result of mapping a parsed config: options plus warnings for accepted-but-ignored blocks. */
export interface ConfigResult {
  options: ServerOptions;
  warnings: string[];
}

/** nats-server blocks this broker accepts in a config but does not act on yet. */
const IGNORED = new Set([
  'gateway',
  'websocket',
  'ws',
  'mqtt',
  'no_system_account',
  'no_system',
  'no_sys_acc',
  'server_tags',
  'pidfile',
  'pid_file',
  'ports_file_dir',
  'prof_port',
  'max_traced_msg_len',
  'trace_verbose',
  'syslog',
  'remote_syslog',
  'logfile_size_limit',
  'log_size_limit',
  'connect_error_reports',
  'reconnect_error_reports',
  'client_advertise',
  'http_base_path',
  'max_sub_tokens',
  'max_subscription_tokens',
  'default_js_domain',
]);

/**
 * Maps a parsed nats-server config (from @switchboard/config, keys as written) onto options,
 * reading keys case-insensitively as nats-server does. Unknown fields and features that would
 * change security (TLS, operator mode, allow_responses) are errors, not silently dropped.
 */
export function optionsFromConfig(config: Record<string, unknown>, base: Partial<ServerOptions> = {}): ConfigResult {
  const o = makeOptions(base);
  const warnings: string[] = [];
  for (const [rawKey, v] of Object.entries(config))
    at(config, rawKey, () => {
      const key = rawKey.toLowerCase();
      switch (key) {
        case 'listen': {
          const hp = hostPort(v, 'listen');
          if (hp.host) o.host = hp.host;
          o.port = hp.port;
          break;
        }
        case 'port':
          o.port = int(v, key);
          break;
        case 'host':
        case 'net':
          o.host = str(v, key);
          break;
        case 'server_name':
          o.serverName = str(v, key);
          if (/\s/.test(o.serverName)) throw configError('server name cannot contain spaces');
          break;
        case 'http':
        case 'http_port':
        case 'monitor_port': {
          const hp = hostPort(v, key);
          if (hp.host) o.httpHost = hp.host;
          o.httpPort = hp.port;
          break;
        }
        case 'https':
        case 'https_port': {
          const hp = hostPort(v, key);
          if (hp.host) o.httpHost = hp.host;
          o.httpsPort = hp.port;
          break;
        }
        case 'tls':
          o.tls = tlsOptionsFromConfig(map(v, key));
          break;
        case 'allow_non_tls':
          bool(v, key); // applied with the tls block by finishTls
          break;
        case 'debug':
          o.debug = bool(v, key);
          break;
        case 'trace':
          o.trace = bool(v, key);
          break;
        case 'logtime':
          o.logtime = bool(v, key);
          break;
        case 'no_sublist_cache':
        case 'disable_sublist_cache':
          o.noSublistCache = bool(v, key);
          break;
        case 'logfile':
        case 'log_file':
          o.logFile = str(v, key);
          break;
        case 'max_control_line':
          o.maxControlLine = parseSize(v);
          break;
        case 'max_payload':
          o.maxPayload = parseSize(v);
          break;
        case 'max_pending':
          o.maxPending = parseSize(v);
          break;
        case 'max_connections':
        case 'max_conn':
          o.maxConnections = int(v, key);
          break;
        case 'max_subscriptions':
        case 'max_subs':
          o.maxSubscriptions = int(v, key);
          break;
        case 'ping_interval':
          o.pingInterval = parseDuration(v);
          break;
        case 'ping_max':
          o.maxPingsOut = int(v, key);
          break;
        case 'write_deadline':
          o.writeDeadline = parseDuration(v);
          break;
        case 'lame_duck_duration':
          o.lameDuckDuration = parseDuration(v);
          break;
        case 'lame_duck_grace_period':
          o.lameDuckGracePeriod = parseDuration(v);
          break;
        case 'no_auth_user':
          o.noAuthUser = str(v, key);
          break;
        case 'authorization':
          applyAuthorization(map(v, key), o);
          break;
        case 'accounts':
          applyAccounts(map(v, key), o);
          break;
        case 'cluster':
          o.cluster = clusterFromConfig(v, warnings);
          break;
        case 'leafnodes':
        case 'leaf':
          o.leafnodes = leafNodesFromConfig(v);
          break;
        case 'jetstream':
          applyJetStreamConfig(v, o.jetstream);
          break;
        case 'store_dir':
        case 'storedir':
          applyStoreDir(v, o.jetstream);
          break;
        default:
          if (OPERATOR_KEYS.has(key)) {
            applyOperatorKey(key, v, o);
            break;
          }
          if (IGNORED.has(key)) {
            warnings.push(`${rawKey}: not supported by this broker yet, ignored`);
            break;
          }
          throw configError(`unknown field "${rawKey}"`);
      }
    });
  at(config, Object.keys(config).find((k) => k.toLowerCase() === 'operator') ?? '', () => warnings.push(...finishOperatorMode(config, o)));
  at(config, Object.keys(config).find((k) => k.toLowerCase() === 'tls') ?? '', () => finishTls(config, o));
  if (o.maxPayload > o.maxPending) {
    throw configError(`max_payload (${o.maxPayload}) can not be higher than max_pending (${o.maxPending})`);
  }
  if (o.noAuthUser && !o.users.some((u) => u.user === o.noAuthUser) && o.username !== o.noAuthUser) {
    throw configError(`no_auth_user: "${o.noAuthUser}" not present as user or nkey in authorization block or account configuration`);
  }
  return { options: o, warnings };
}

function applyAuthorization(a: Record<string, unknown>, o: ServerOptions): void {
  for (const [rawKey, v] of Object.entries(a))
    at(a, rawKey, () => {
      switch (rawKey.toLowerCase()) {
        case 'user':
        case 'username':
          o.username = str(v, rawKey);
          break;
        case 'pass':
        case 'password':
          o.password = str(v, rawKey);
          break;
        case 'token':
          o.authorization = str(v, rawKey);
          break;
        case 'timeout':
          o.authTimeout = num(v, rawKey) * 1000;
          break;
        case 'users':
          o.users.push(...users(v, ''));
          break;
        case 'permissions':
        case 'default_permissions':
          o.defaultPermissions = permissionsFromConfig(v);
          break;
        default:
          throw configError(`authorization: "${rawKey}" is not supported by this broker yet`);
      }
    });
  if (o.authorization && (o.username || o.users.length > 0)) {
    throw configError('Can not have a token and a users array');
  }
}

function applyAccounts(a: Record<string, unknown>, o: ServerOptions): void {
  for (const [name, v] of Object.entries(a))
    at(a, name, () => {
      const acc: AccountConfig = { name };
      o.accounts.push(acc);
      const m = map(v, name);
      for (const [rawKey, av] of Object.entries(m))
        at(m, rawKey, () => {
          const k = rawKey.toLowerCase();
          if (k === 'users') o.users.push(...users(av, name));
          else if (k === 'exports') acc.exports = parseExports(av);
          else if (k === 'imports') acc.imports = parseImports(av);
          else if (k === 'switchboard') acc.limits = parseSwitchboardBlock(av, name, parseSize);
          else if (k === 'jetstream') acc.jetstream = accountJetStreamFromConfig(av);
          else throw configError(`accounts.${name}: "${rawKey}" is not supported by this broker yet`);
        });
    });
  checkExportsImports(o.accounts);
}

function users(v: unknown, account: string): UserConfig[] {
  if (!Array.isArray(v)) throw configError('users must be an array');
  return v.map((entry) => {
    const u: UserConfig = { user: '', password: '', account };
    const m = map(entry, 'user');
    for (const [rawKey, x] of Object.entries(m))
      at(m, rawKey, () => {
        switch (rawKey.toLowerCase()) {
          case 'user':
          case 'username':
            u.user = str(x, rawKey);
            break;
          case 'pass':
          case 'password':
            u.password = str(x, rawKey);
            break;
          case 'account':
            u.account = str(x, rawKey);
            break;
          case 'permissions': {
            u.permissions = permissionsFromConfig(x);
            const r = allowResponses(x);
            if (r) {
              u.responses = r;
              // As nats-server: response permissions without publish permissions deny every other publish.
              u.permissions.publish ??= { allow: [] };
            }
            break;
          }
          default:
            throw configError(`user: "${rawKey}" is not supported by this broker yet`);
        }
      });
    return u;
  });
}

function hostPort(v: unknown, key: string): { host: string; port: number } {
  if (typeof v === 'number') return { host: '', port: int(v, key) };
  const s = str(v, key);
  const i = s.lastIndexOf(':');
  if (i < 0) throw configError(`could not parse address string "${s}"`);
  const host = s.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(s.slice(i + 1));
  if (!Number.isInteger(port)) throw configError(`could not parse port "${s.slice(i + 1)}"`);
  return { host, port };
}

/** The top level's string: a number or boolean is taken as its text (config-values' `str` is strict). */
function str(v: unknown, key: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw configError(`${key}: expected a string`);
}
function num(v: unknown, key: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw configError(`${key}: expected a number`);
}
function int(v: unknown, key: string): number {
  const n = num(v, key);
  if (!Number.isInteger(n)) throw configError(`${key}: expected an integer`);
  return n;
}
