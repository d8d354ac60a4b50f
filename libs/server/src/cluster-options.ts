import type { PermissionsConfig } from '@switchboard/accounts';
import { allowResponses, permissionsFromConfig } from './config-permissions.js';
import { configError, at, isMap, map, str, int, bool, listenAddress, goType } from './config-values.js';
import { tlsOptionsFromConfig } from './tls-config.js';
import { createTlsContext, type TlsOptions } from './tls-context.js';

/** nats-server's default cluster port (server/const.go DEFAULT_ROUTE_PORT). */
export const DEFAULT_ROUTE_PORT = 6222;

/** A route to solicit: `nats-route://[user:pass@]host:port`. */
export interface RouteUrl {
  host: string;
  port: number;
  user: string;
  pass: string;
  /** As written (for logs and /routez, password kept out). */
  url: string;
}

/** `cluster { }` and the --cluster/--routes flags (nats-server's ClusterOpts and Options.Routes). */
export interface ClusterOptions {
  /** '' = a dynamic name (generated, then adopted from a named peer). */
  name: string;
  host: string;
  /** 0 = no cluster; -1 = a random port. */
  port: number;
  routes: RouteUrl[];
  /** `authorization { user, password, timeout }`: what routes must present in CONNECT. */
  username: string;
  password: string;
  /** Seconds, as nats-server's authorization timeout. */
  authTimeout: number;
  tls: TlsOptions | null;
  /** host:port advertised to other routes (INFO `ip`). */
  advertise: string;
  /** Keep this cluster's client URLs out of INFO `connect_urls`. */
  noAdvertise: boolean;
  /** Implicit (gossiped) routes: attempts before giving up (0 = one try). Explicit routes retry forever. */
  connectRetries: number;
  /**
   * `permissions { import, export }`, in nats-server's layout for a route: `publish` = import (the
   * subjects whose interest we send, so what may come in), `subscribe` = export (the peer's
   * interest we accept, so what may go out). null = everything.
   */
  permissions: PermissionsConfig | null;
}

export function defaultClusterOptions(): ClusterOptions {
  return {
    name: '',
    host: '0.0.0.0',
    port: 0,
    routes: [],
    username: '',
    password: '',
    authTimeout: 2,
    tls: null,
    advertise: '',
    noAdvertise: false,
    connectRetries: 0,
    permissions: null,
  };
}

/** nats-server's parseURL for routes: a URL with a host and a port (`nats-route://h:p`, `nats://h:p`, `h:p`). */
export function parseRouteUrl(s: string): RouteUrl {
  const text = s.trim();
  let u: URL;
  try {
    u = new URL(text.includes('://') ? text : `nats-route://${text}`);
  } catch {
    throw configError(`error parsing route url [${JSON.stringify(text)}]`);
  }
  const port = u.port === '' ? DEFAULT_ROUTE_PORT : Number(u.port);
  if (!u.hostname) throw configError(`error parsing route url [${JSON.stringify(text)}]`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
    url: u.password ? text.replace(`:${u.password}@`, ':xxxxx@') : text,
  };
}

/** --routes: a comma-separated list. */
export function parseRoutesFlag(s: string): RouteUrl[] {
  return s
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '')
    .map(parseRouteUrl);
}

/** --cluster nats://host:port (the listen address; user:pass in it become the cluster authorization). */
export function applyClusterFlag(o: ClusterOptions, s: string): void {
  const r = parseRouteUrl(s);
  o.host = r.host;
  o.port = r.port;
  if (r.user) {
    o.username = r.user;
    o.password = r.pass;
  }
}

/** The `cluster { }` block as nats-server 2.9.10's parseCluster reads it, with its texts. */
export function clusterFromConfig(v: unknown, warnings: string[]): ClusterOptions {
  const o = defaultClusterOptions();
  // `authorization { permissions }` (deprecated) counts only without a `permissions` of the block's own.
  let authPermissions: PermissionsConfig | null = null;
  if (!isMap(v)) throw configError(`Expected map to define cluster, got ${goType(v)}`);
  for (const [rawKey, x] of Object.entries(v))
    at(v, rawKey, () => {
      switch (rawKey.toLowerCase()) {
        case 'name':
          o.name = str(x, rawKey);
          break;
        case 'listen': {
          const hp = listenAddress(x);
          o.host = hp.host || o.host;
          o.port = hp.port;
          break;
        }
        case 'port':
          o.port = int(x, rawKey);
          break;
        case 'host':
        case 'net':
          o.host = str(x, rawKey);
          break;
        case 'authorization':
          authPermissions = authorization(x, o, warnings);
          break;
        case 'routes': {
          if (!Array.isArray(x)) throw configError(`Expected routes to be an array, got ${goType(x)}`);
          const seen = new Set<string>();
          for (const r of x) {
            const s = str(r, 'route');
            if (seen.has(s)) {
              warnings.push(`${s}: Duplicate route entry detected`);
              continue;
            }
            seen.add(s);
            o.routes.push(parseRouteUrl(s));
          }
          break;
        }
        case 'tls':
          o.tls = routeTls(map(x, rawKey));
          break;
        case 'cluster_advertise':
        case 'advertise':
          o.advertise = str(x, rawKey);
          break;
        case 'no_advertise':
          o.noAdvertise = bool(x, rawKey);
          break;
        case 'connect_retries':
          o.connectRetries = int(x, rawKey);
          break;
        case 'permissions':
          o.permissions = permissionsFromConfig(x);
          // Dynamic response permissions do not make sense here (nats-server).
          if (allowResponses(x) !== undefined) throw configError('Cluster permissions do not support dynamic responses');
          break;
        default:
          throw configError(`unknown field ${JSON.stringify(rawKey)}`);
      }
    });
  // nats-server's default: past the TLS handshake (tls timeout + 1 s) unless configured.
  if (o.tls !== null && !authTimeoutSet(v)) o.authTimeout = o.tls.timeout / 1000 + 1;
  o.permissions ??= authPermissions;
  return o;
}

/**
 * The cluster's `tls { }` as nats-server's getTLSConfig makes it: a route is TLS server and
 * client at once, so the peer's certificate is always required and verified against `ca_file`
 * (`verify` or not), and the same certificate is presented both ways. Loaded now so a bad file
 * fails at `-t`. Refused where nats-server would go on: no certificate (every handshake would
 * fail). `verify_and_map`: an accepted route is authorized by its certificate (route-conn.ts).
 */
function routeTls(block: Record<string, unknown>): TlsOptions {
  const t = tlsOptionsFromConfig(block);
  if (!t.certFile && !t.keyFile) throw configError('cluster tls: cert_file and key_file are required (each route is TLS server and client)');
  t.verify = true;
  try {
    createTlsContext(t);
  } catch (e) {
    throw configError((e as Error).message);
  }
  return t;
}

function authTimeoutSet(v: Record<string, unknown>): boolean {
  for (const [k, a] of Object.entries(v)) {
    if (k.toLowerCase() === 'authorization' && isMap(a) && Object.keys(a).some((x) => x.toLowerCase() === 'timeout')) return true;
  }
  return false;
}

/** The cluster's `authorization { }`; returns its (deprecated) `permissions`, if any. */
function authorization(v: unknown, o: ClusterOptions, warnings: string[]): PermissionsConfig | null {
  let perms: PermissionsConfig | null = null;
  const m = map(v, 'authorization');
  for (const [rawKey, x] of Object.entries(m))
    at(m, rawKey, () => {
      switch (rawKey.toLowerCase()) {
        case 'user':
        case 'username':
          o.username = str(x, rawKey);
          break;
        case 'pass':
        case 'password':
          o.password = str(x, rawKey);
          break;
        case 'timeout':
          if (typeof x !== 'number') throw configError(`${rawKey}: expected a number`);
          o.authTimeout = x;
          break;
        case 'users':
          throw configError('Cluster authorization does not allow multiple users');
        case 'token':
          throw configError('Cluster authorization does not support tokens');
        case 'permissions':
          perms = permissionsFromConfig(x);
          // nats-server starts with this warning (and `-t` fails on it).
          warnings.push('invalid use of field "authorization": setting "permissions" within cluster authorization block is deprecated');
          break;
        default:
          throw configError(`unknown field ${JSON.stringify(rawKey)}`);
      }
    });
  return perms;
}
