import { configError, at, isMap, map, str, int, bool, listenAddress, goType, goValue } from './config-values.js';
import { isAccountKey } from '@switchboard/nats-jwt';
import { isValidSubject } from '@switchboard/subjects';
import { GLOBAL_ACCOUNT } from '@switchboard/accounts';
import { defaultLeafNodeOptions, makeRemote, type LeafNodeOptions, type LeafUser, type RemoteLeafOptions } from './leaf-options.js';
import { SYSTEM_ACCOUNT } from './constants.js';
import { createTlsContext } from './tls-context.js';
import { tlsOptionsFromConfig } from './tls-config.js';

// nats-server's `leafnodes { }` block (server/opts.go parseLeafNodes, parseLeafAuthorization,
// parseRemoteLeafNodes; leafnode.go validateLeafNode), with its error texts. Keys are read
// case-insensitively; an unknown key is an error, as in nats-server.

/** Maps the block onto leaf options. Cross-checks that need the whole config are in `validateLeafNodes`. */
export function leafNodesFromConfig(v: unknown): LeafNodeOptions {
  const o = defaultLeafNodeOptions();
  if (!isMap(v)) throw configError(`Expected map to define a leafnode, got ${goType(v)}`);
  for (const [rawKey, x] of Object.entries(v))
    at(v, rawKey, () => {
      switch (rawKey.toLowerCase()) {
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
          authorization(x, o);
          break;
        case 'remotes':
          o.remotes = remotes(x);
          break;
        case 'reconnect':
        case 'reconnect_delay':
        case 'reconnect_interval':
          o.reconnectInterval = int(x, rawKey) * 1000;
          break;
        case 'tls':
          o.tls = tlsOptionsFromConfig(map(x, rawKey));
          loadTls(o.tls);
          break;
        case 'leafnode_advertise':
        case 'advertise':
          o.advertise = str(x, rawKey);
          break;
        case 'no_advertise':
          o.noAdvertise = bool(x, rawKey);
          break;
        case 'min_version':
        case 'minimum_version':
          minVersion(str(x, rawKey));
          break;
        default:
          throw configError(`unknown field ${JSON.stringify(rawKey)}`);
      }
    });
  return o;
}

function authorization(v: unknown, o: LeafNodeOptions): void {
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
          o.authTimeout = (typeof x === 'number' ? x : 1) * 1000;
          break;
        case 'users':
          o.users = users(x);
          break;
        case 'account':
          o.account = str(x, rawKey);
          break;
        default:
          throw configError(`unknown field ${JSON.stringify(rawKey)}`);
      }
    });
  // nats-server's validateLeafNodeAuthOptions.
  if (o.users.length === 0) return;
  if (o.username !== '') throw configError('can not have a single user/pass and a users array');
  const seen = new Set<string>();
  for (const u of o.users) {
    if (seen.has(u.user)) throw configError(`duplicate user ${JSON.stringify(u.user)} detected in leafnode authorization`);
    seen.add(u.user);
  }
}

function users(v: unknown): LeafUser[] {
  if (!Array.isArray(v)) throw configError(`Expected users field to be an array, got ${goValue(v)}`);
  return v.map((entry) => {
    if (!isMap(entry)) throw configError(`Expected user entry to be a map/struct, got ${goValue(entry)}`);
    const u: LeafUser = { user: '', password: '', account: '' };
    for (const [rawKey, x] of Object.entries(entry))
      at(entry, rawKey, () => {
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
          default:
            throw configError(`unknown field ${JSON.stringify(rawKey)}`);
        }
      });
    return u;
  });
}

function remotes(v: unknown): RemoteLeafOptions[] {
  if (!Array.isArray(v)) throw configError(`Expected remotes field to be an array, got ${goType(v)}`);
  return v.map((entry) => {
    if (!isMap(entry)) throw configError(`Expected remote leafnode entry to be a map/struct, got ${goValue(entry)}`);
    const r = makeRemote({ urls: [] });
    for (const [rawKey, x] of Object.entries(entry))
      at(entry, rawKey, () => {
        switch (rawKey.toLowerCase()) {
          case 'no_randomize':
          case 'dont_randomize':
            r.noRandomize = bool(x, rawKey);
            break;
          case 'url':
          case 'urls':
            r.urls.push(...urls(x));
            break;
          case 'account':
          case 'local':
            r.account = str(x, rawKey);
            break;
          case 'creds':
          case 'credentials':
            r.credentials = expandPath(str(x, rawKey));
            break;
          case 'tls':
            r.tls = tlsOptionsFromConfig(map(x, rawKey));
            loadTls(r.tls, 'client');
            break;
          case 'hub':
            r.hub = bool(x, rawKey);
            break;
          case 'deny_imports':
          case 'deny_import':
            r.denyImports = permSubjects(x);
            break;
          case 'deny_exports':
          case 'deny_export':
            r.denyExports = permSubjects(x);
            break;
          default:
            throw configError(`unknown field ${JSON.stringify(rawKey)}`);
        }
      });
    return r;
  });
}

function urls(v: unknown): string[] {
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : null;
  if (list === null) throw configError(`Expected remote leafnode url to be an array or string, got ${goValue(v)}`);
  const out: string[] = [];
  for (const x of list) {
    const s = str(x, 'url').trim();
    if (out.includes(s)) continue; // nats-server: a warning ("Duplicate leafnode entry detected")
    if (!URL.canParse(s) && !URL.canParse(`nats-leaf://${s}`)) throw configError(`error parsing leafnode url [${JSON.stringify(s)}]`);
    out.push(s);
  }
  return out;
}

function permSubjects(v: unknown): string[] {
  let list: string[];
  if (typeof v === 'string') list = [v];
  else if (Array.isArray(v)) {
    list = v.map((x) => {
      if (typeof x !== 'string') throw configError('Subject in permissions array cannot be cast to string');
      return x;
    });
  } else throw configError(`Expected subject permissions to be a subject, or array of subjects, got ${goType(v)}`);
  for (const s of list) {
    // nats-server's checkPermSubjectArray: a subject, optionally with a queue group.
    const parts = s.trim().split(/\s+/);
    if (parts.length > 2 || !isValidSubject(parts[0] ?? '')) throw configError(`subject ${JSON.stringify(s)} is not a valid subject`);
  }
  return list;
}

/**
 * After the whole config is read (accounts and operator mode known): nats-server's
 * validateLeafNode checks.
 */
export function validateLeafNodes(o: LeafNodeOptions, accounts: string[], operatorMode: boolean, systemAccount: string): void {
  if (!operatorMode) {
    const known = new Set([...accounts, GLOBAL_ACCOUNT, '']);
    if (systemAccount === '') known.add(SYSTEM_ACCOUNT);
    const check = (name: string, where: string): void => {
      if (!known.has(name)) throw configError(`cannot find local account ${JSON.stringify(name)} specified in leafnode ${where}`);
    };
    check(o.account, 'authorization');
    for (const u of o.users) if (u.account !== '') check(u.account, 'authorization');
    for (const r of o.remotes) check(r.account, 'remote');
    return;
  }
  if (o.users.length > 0) throw configError('operator mode does not allow specifying user in leafnode config');
  for (const r of o.remotes) {
    if (!isAccountKey(r.account)) {
      throw configError(
        'operator mode requires account nkeys in remotes. ' +
          'Please add an `account` key to each remote in your `leafnodes` section, to assign it to an account. ' +
          "Each account value should be a 56 character public key, starting with the letter 'A'",
      );
    }
  }
  if (o.port !== 0 && o.account !== '' && !isAccountKey(o.account)) throw configError('operator mode and non account nkeys are incompatible');
}

function minVersion(v: string): void {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v);
  if (!m) throw configError(`invalid leafnode's minimum version: invalid semver`);
  const [maj, min] = [Number(m[1]), Number(m[2])];
  if (maj < 2 || (maj === 2 && min < 8)) throw configError('the minimum version should be at least 2.8.0');
}

/** nats-server parses (and so checks) a leaf TLS block's certificates when reading the config. */
function loadTls(t: import('./tls-context.js').TlsOptions, role: 'server' | 'client' = 'server'): void {
  try {
    createTlsContext(t, role);
  } catch (e) {
    throw configError((e as Error).message);
  }
}

/** nats-server's expandPath: a leading `~` is the home directory. */
function expandPath(p: string): string {
  if (!p.startsWith('~')) return p;
  return (process.env.HOME ?? '') + p.slice(1);
}
