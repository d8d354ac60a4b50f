import { statSync } from 'node:fs';
import { ConfigError, parseDuration, type ConfigMap } from '@switchboard/config';
import { decode, type OperatorClaims } from '@switchboard/nats-jwt';

// The account resolver options of a nats-server config (as parsed by @switchboard/config),
// read as nats-server 2.9 reads them, with its error texts:
//   resolver: MEMORY | MEM
//   resolver: URL("http://host/path/")        (the value is that whole string)
//   resolver { type: full|cache, dir: "...", limit, ttl, interval, timeout, allow_delete }
//   resolver_preload { <account public key>: <jwt> }
// nats-server also reads `account_resolver` / `accounts_resolver`, and without any resolver uses
// the single trusted operator's account_server_url + "/accounts".
// One Switchboard option, unknown to nats-server: `resolver_cache_dir` for the URL resolver's
// disk copy of fetched JWTs.

export type ResolverConfig =
  | { type: 'MEMORY'; preload: Record<string, string> }
  | { type: 'URL'; url: string; cacheDir: string | undefined }
  | { type: 'FULL' | 'CACHE'; dir: string; preload: Record<string, string> };

/** Keys this module reads (lower case, as nats-server compares them). */
export const RESOLVER_KEYS: ReadonlySet<string> = new Set([
  'resolver',
  'account_resolver',
  'accounts_resolver',
  'resolver_preload',
  'resolver_tls',
  'resolver_pinned_accounts',
  'resolver_cache_dir',
]);

export interface ResolverConfigOptions {
  /** The trusted operators' claims (operator mode): for the account_server_url fallback and the "resolver required" check. */
  operators?: readonly OperatorClaims[];
  /** Where the URL resolver keeps its disk copy when `resolver_cache_dir` is not set (e.g. under the broker's data dir). */
  defaultCacheDir?: string;
}

export interface ResolverConfigResult {
  resolver: ResolverConfig | undefined;
  warnings: string[];
}

const RESOLVER_SYNTAX = 'error parsing account resolver, should be MEM or  URL("url") or a map containing dir and type state=[FULL|CACHE])';
const fail = (detail: string): ConfigError => new ConfigError(detail, { line: 0, column: 0 });

/** Reads the resolver options out of a whole parsed config. Throws ConfigError. */
export function parseResolverConfig(config: ConfigMap, opts: ResolverConfigOptions = {}): ResolverConfigResult {
  const warnings: string[] = [];
  const get = (name: string): unknown => {
    for (const [k, v] of Object.entries(config)) if (k.toLowerCase() === name) return v;
    return undefined;
  };
  let raw: unknown;
  for (const k of ['resolver', 'account_resolver', 'accounts_resolver']) if ((raw = get(k)) !== undefined) break;
  const preloadRaw = get('resolver_preload');
  const preload = preloadRaw === undefined ? undefined : parsePreload(preloadRaw);
  if (get('resolver_tls') !== undefined) throw fail('resolver_tls: not supported by this broker (the URL resolver uses the system CAs)');
  if (get('resolver_pinned_accounts') !== undefined) warnings.push('resolver_pinned_accounts: not supported by this broker yet, ignored');
  const cacheDirRaw = get('resolver_cache_dir');
  if (cacheDirRaw !== undefined && (typeof cacheDirRaw !== 'string' || cacheDirRaw === '')) throw fail('resolver_cache_dir: expected a directory path');

  let resolver: ResolverConfig | undefined;
  if (raw !== undefined) {
    resolver = parseResolver(raw, warnings);
  } else {
    const ops = opts.operators ?? [];
    const url = ops.length === 1 ? ops[0]!.nats.account_server_url : undefined;
    // nsc appends "/accounts" when pushing, so nats-server does too.
    if (url !== undefined && url !== '' && URL.canParse(url.trim()))
      resolver = { type: 'URL', url: `${new URL(url.trim()).toString().replace(/\/$/, '')}/accounts`, cacheDir: undefined };
  }
  if (resolver === undefined) {
    if ((opts.operators ?? []).length > 0) throw fail('operators require an account resolver to be configured');
    if (preload !== undefined) warnings.push('resolver_preload: ignored without a resolver');
    if (cacheDirRaw !== undefined) warnings.push('resolver_cache_dir: ignored without a URL resolver');
    return { resolver, warnings };
  }
  if (resolver.type === 'URL') {
    if (preload !== undefined && Object.keys(preload).length > 0) throw fail('resolver preloads only available for writeable resolver types MEM/DIR/CACHE_DIR');
    resolver.cacheDir = (cacheDirRaw as string | undefined) ?? opts.defaultCacheDir;
    if (resolver.cacheDir === undefined) warnings.push('account resolver URL: no resolver_cache_dir, fetched JWTs are kept in memory only');
  } else {
    resolver.preload = preload ?? {};
    if (cacheDirRaw !== undefined) warnings.push('resolver_cache_dir: only used by the URL resolver, ignored');
  }
  return { resolver, warnings };
}

function parseResolver(v: unknown, warnings: string[]): ResolverConfig {
  if (typeof v === 'string') {
    // nats-server's own patterns are unanchored (`URL(http://member.example)` would read as MEM): anchored here.
    if (/^\s*MEM(ORY)?\s*$/i.test(v)) return { type: 'MEMORY', preload: {} };
    const m = /^\s*URL\(\s*"?([^\s"]+)"?\s*\)\s*$/i.exec(v);
    if (m === null) throw fail(RESOLVER_SYNTAX);
    const url = m[1]!;
    if (!URL.canParse(url)) throw fail(`error parsing account resolver url [${JSON.stringify(url)}]`);
    const scheme = new URL(url).protocol;
    if (scheme !== 'http:' && scheme !== 'https:') throw fail(`account resolver url must be http or https, got ${JSON.stringify(url)}`);
    return { type: 'URL', url, cacheDir: undefined };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) {
    throw fail(`error parsing operator resolver, wrong type ${goType(v)}`);
  }
  const m = new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k.toLowerCase(), x]));
  const str = (k: string): string | undefined => {
    const x = m.get(k);
    if (x !== undefined && typeof x !== 'string') throw fail(`account resolver ${k}: expected a string, got ${goType(x)}`);
    return x;
  };
  const dir = str('dir') ?? '';
  const type = (str('type') ?? '').toUpperCase();
  const del = m.get('allow_delete');
  if (del !== undefined && typeof del !== 'boolean') throw fail(`account resolver allow_delete: expected a boolean, got ${goType(del)}`);
  const limit = m.get('limit');
  if (limit !== undefined && typeof limit !== 'number' && typeof limit !== 'bigint')
    throw fail(`account resolver limit: expected a number, got ${goType(limit)}`);
  const ttl = duration(str('ttl'), 'ttl');
  const interval = duration(str('interval'), 'interval');
  duration(str('timeout'), 'timeout'); // checked only: no lookups to other servers are made
  if (dir === '') throw fail('dir has no value and needs to point to a directory');
  let info;
  try {
    info = statSync(dir);
  } catch {
    info = undefined;
  }
  if (info !== undefined && (!info.isDirectory() || (info.mode & 0o100) === 0)) throw fail('dir needs to point to an accessible directory');
  if (type === 'CACHE') {
    if (interval !== undefined && interval !== 0) throw fail('CACHE does not accept sync');
    if (del === true) throw fail('CACHE does not accept allow_delete');
    if (ttl !== undefined || limit !== undefined) warnings.push('account resolver: ttl and limit of a CACHE resolver are not applied by this broker yet');
  } else if (type === 'FULL') {
    if (ttl !== undefined && ttl !== 0) throw fail('FULL does not accept ttl');
    if (interval !== undefined || del !== undefined || limit !== undefined)
      warnings.push('account resolver: interval, allow_delete and limit of a FULL resolver are not applied by this broker yet');
  } else {
    throw fail(RESOLVER_SYNTAX);
  }
  return { type, dir, preload: {} };
}

function duration(v: string | undefined, key: string): number | undefined {
  if (v === undefined) return undefined;
  try {
    return parseDuration(v);
  } catch (e) {
    throw fail(e instanceof ConfigError ? e.reason : `account resolver ${key}: bad duration`);
  }
}

function parsePreload(v: unknown): Record<string, string> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) throw fail('preload should be a map of account_public_key:account_jwt');
  const out: Record<string, string> = {};
  for (const [key, jwt] of Object.entries(v as Record<string, unknown>)) {
    if (typeof jwt !== 'string') throw fail('preload map value should be a string JWT');
    let ok = false;
    try {
      ok = decode(jwt).type === 'account';
    } catch {
      ok = false;
    }
    if (!ok) throw fail('invalid account JWT');
    out[key] = jwt;
  }
  return out;
}

/** Go's %T of a config value, for nats-server's wording. */
function goType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return Number.isInteger(Number(v)) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Date) return 'time.Time';
  return 'map[string]interface {}';
}
