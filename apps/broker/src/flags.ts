import { DEFAULT_TLS_TIMEOUT, type ServerOptions } from '@switchboard/server';

/** What the command line asked for. `options` holds only the flags that were given. */
export interface Flags {
  options: Partial<ServerOptions>;
  configFile: string;
  help: boolean;
  version: boolean;
  /** -t: check the configuration and exit. */
  testConfig: boolean;
  /** --tls* flags as given; folded into options.tls once all flags are read. */
  tls: TlsFlags;
  /** --cluster, --cluster_name, --routes, --cluster_advertise, --no_advertise, --connect_retries: laid over the config's `cluster { }` (clusterFlags.ts). */
  cluster: ClusterFlags;
  /** -js / -sd as given; main.ts lays them over the config's `jetstream {}` (flags win, as nats-server). */
  jetstream: { enabled?: boolean; storeDir?: string };
}

export interface ClusterFlags {
  listen?: string;
  name?: string;
  routes?: string;
  advertise?: string;
  noAdvertise?: boolean;
  connectRetries?: number;
}

interface TlsFlags {
  /** Some --tls* flag was given (and not --tls=false). */
  override: boolean;
  /** --tls=false: no TLS, whatever the config says. */
  disabled: boolean;
  cert: string;
  key: string;
  ca: string;
  verify: boolean;
}

export class FlagError extends Error {}

type Setter = (f: Flags, value: string, name: string) => void;
interface FlagDef {
  names: string[];
  /** Takes a value (`-p 4222`, `-p=4222`); else a boolean (`-D`, `-T=false`). */
  value: boolean;
  set: Setter;
}

const port = (v: string, name: string): number => {
  if (!/^-?\d+$/.test(v)) throw new FlagError(`invalid value "${v}" for flag -${name}: parse error`);
  return Number(v);
};
const truth = (v: string, name: string): boolean => {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw new FlagError(`invalid boolean value "${v}" for -${name}: parse error`);
};

/** nats-server's flags (server/opts.go ConfigureOptions), those this broker implements. */
const DEFS: FlagDef[] = [
  { names: ['a', 'addr', 'net'], value: true, set: (f, v) => (f.options.host = v) },
  { names: ['p', 'port'], value: true, set: (f, v, n) => (f.options.port = port(v, n)) },
  { names: ['n', 'name', 'server_name'], value: true, set: (f, v) => (f.options.serverName = v) },
  { names: ['m', 'http_port'], value: true, set: (f, v, n) => (f.options.httpPort = port(v, n)) },
  { names: ['ms', 'https_port'], value: true, set: (f, v, n) => (f.options.httpsPort = port(v, n)) },
  { names: ['c', 'config'], value: true, set: (f, v) => (f.configFile = v) },
  { names: ['t'], value: false, set: (f, v, n) => (f.testConfig = truth(v, n)) },
  { names: ['l', 'log'], value: true, set: (f, v) => (f.options.logFile = v) },
  { names: ['T', 'logtime'], value: false, set: (f, v, n) => (f.options.logtime = truth(v, n)) },
  { names: ['D', 'debug'], value: false, set: (f, v, n) => (f.options.debug = truth(v, n)) },
  { names: ['V', 'VV', 'trace'], value: false, set: (f, v, n) => (f.options.trace = truth(v, n)) },
  {
    names: ['DV', 'DVV'],
    value: false,
    set: (f, v, n) => {
      f.options.debug = truth(v, n);
      f.options.trace = f.options.debug;
    },
  },
  { names: ['cluster', 'cluster_listen'], value: true, set: (f, v) => (f.cluster.listen = v) },
  { names: ['cluster_name'], value: true, set: (f, v) => (f.cluster.name = v) },
  { names: ['routes'], value: true, set: (f, v) => (f.cluster.routes = v) },
  { names: ['cluster_advertise'], value: true, set: (f, v) => (f.cluster.advertise = v) },
  { names: ['no_advertise'], value: false, set: (f, v, n) => (f.cluster.noAdvertise = truth(v, n)) },
  { names: ['connect_retries'], value: true, set: (f, v, n) => (f.cluster.connectRetries = port(v, n)) },
  { names: ['user'], value: true, set: (f, v) => (f.options.username = v) },
  { names: ['pass'], value: true, set: (f, v) => (f.options.password = v) },
  { names: ['auth'], value: true, set: (f, v) => (f.options.authorization = v) },
  { names: ['tls'], value: false, set: (f, v, n) => tlsFlag(f, n, truth(v, n)) },
  { names: ['tlscert'], value: true, set: (f, v, n) => tlsFlag(f, n, (f.tls.cert = v)) },
  { names: ['tlskey'], value: true, set: (f, v, n) => tlsFlag(f, n, (f.tls.key = v)) },
  { names: ['tlscacert'], value: true, set: (f, v, n) => tlsFlag(f, n, (f.tls.ca = v)) },
  { names: ['tlsverify'], value: false, set: (f, v, n) => tlsFlag(f, n, (f.tls.verify = truth(v, n))) },
  { names: ['js', 'jetstream'], value: false, set: (f, v, n) => (f.jetstream.enabled = truth(v, n)) },
  { names: ['sd', 'store_dir'], value: true, set: (f, v) => (f.jetstream.storeDir = v) },
  { names: ['h', 'help'], value: false, set: (f, v, n) => (f.help = truth(v, n)) },
  { names: ['v', 'version'], value: false, set: (f, v, n) => (f.version = truth(v, n)) },
];
/** As nats-server: `-tls=false` turns TLS off; any other --tls* flag replaces the config's tls block. */
function tlsFlag(f: Flags, name: string, value: string | boolean): void {
  if (name === 'tls' && value === false) {
    f.tls.disabled = true;
    f.tls.override = false;
  } else if (!f.tls.disabled || name === 'tls') {
    f.tls.override = true;
    if (name === 'tls') f.tls.disabled = false;
  }
}

/** nats-server's overrideTLS: certificate and key are required. */
function finishTlsFlags(f: Flags): void {
  if (f.tls.disabled) {
    f.options.tls = null;
    return;
  }
  if (!f.tls.override) return;
  if (!f.tls.cert) throw new FlagError('TLS Server certificate must be present and valid');
  if (!f.tls.key) throw new FlagError('TLS Server private key must be present and valid');
  f.options.tls = { certFile: f.tls.cert, keyFile: f.tls.key, caFile: f.tls.ca, verify: f.tls.verify, map: false, timeout: DEFAULT_TLS_TIMEOUT };
}

const BY_NAME = new Map<string, FlagDef>(DEFS.flatMap((d) => d.names.map((n) => [n, d] as const)));

/**
 * Parses arguments the way Go's flag package does for nats-server: `-x` and `--x` alike,
 * values as `-x v` or `-x=v`, booleans as `-x` or `-x=false`, parsing stops at `--` or the
 * first non-flag argument (an error here: the broker takes none). Throws FlagError.
 */
export function parseFlags(argv: readonly string[]): Flags {
  const f: Flags = {
    options: {},
    configFile: '',
    help: false,
    version: false,
    testConfig: false,
    tls: { override: false, disabled: false, cert: '', key: '', ca: '', verify: false },
    cluster: {},
    jetstream: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      if (i + 1 < argv.length) throw new FlagError(`unexpected argument: ${argv[i + 1]}`);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') throw new FlagError(`unexpected argument: ${arg}`);
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const def = BY_NAME.get(name);
    if (!def) throw new FlagError(`flag provided but not defined: -${name}`);
    let value: string;
    if (eq >= 0) value = body.slice(eq + 1);
    else if (!def.value) value = 'true';
    else {
      if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: -${name}`);
      value = argv[++i]!;
    }
    def.set(f, value, name);
  }
  finishTlsFlags(f);
  return f;
}

export const USAGE = `
Usage: broker [options]

Server Options:
    -a, --addr, --net <host>         Bind to host address (default: 0.0.0.0)
    -p, --port <port>                Use port for clients (default: 4222)
    -n, --name
        --server_name <server_name>  Server name (default: auto)
    -m, --http_port <port>           Use port for http monitoring
    -ms,--https_port <port>          Use port for https monitoring
    -c, --config <file>              Configuration file
    -t                               Test configuration and exit

Logging Options:
    -l, --log <file>                 File to redirect log output
    -T, --logtime                    Timestamp log entries (default: true)
    -D, --debug                      Enable debugging output
    -V, --trace                      Trace the raw protocol
    -VV                              Verbose trace (same as -V here: no system account traffic)
    -DV                              Debug and trace
    -DVV                             Debug and verbose trace

TLS Options:
        --tls                        Enable TLS, do not verify clients (default: false)
        --tlscert <file>             Server certificate file
        --tlskey <file>              Private key for server certificate
        --tlsverify                  Enable TLS, verify client certificates
        --tlscacert <file>           Client certificate CA for verification

Cluster Options:
        --routes <rurl-1, rurl-2>    Routes to solicit and connect
        --cluster <cluster-url>      Cluster URL for solicited routes
        --cluster_name <string>      Cluster Name, if not set one will be dynamically generated
        --no_advertise <bool>        Do not advertise known cluster information to clients
        --cluster_advertise <string> Cluster URL to advertise to other servers
        --connect_retries <number>   For implicit routes, number of connect retries

JetStream Options:
    -js, --jetstream                 Enable JetStream functionality
    -sd, --store_dir <dir>           Set the storage directory

Authorization Options:
        --user <user>                User required for connections
        --pass <password>            Password required for connections
        --auth <token>               Authorization token required for connections

Common Options:
    -h, --help                       Show this message
    -v, --version                    Show version

Signals: SIGINT/SIGTERM shut down gracefully, SIGUSR2 enters lame duck mode.
`;
