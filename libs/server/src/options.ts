import type { AccountLimits, ExportDecl, PermissionsConfig } from '@switchboard/accounts';
import type { Import } from '@switchboard/nats-jwt';
import type { TlsOptions } from './tls-context.js';
import type { ResolverConfig } from '@switchboard/resolver';
import type { ResponsePermission } from './permissions.js';
import { defaultLeafNodeOptions, type LeafNodeOptions } from './leaf-options.js';
import { defaultClusterOptions, type ClusterOptions } from './cluster-options.js';
import { defaultJetStreamOptions, type AccountJetStreamConfig, type JetStreamServerOptions } from './jetstream-options.js';

/** A user from `authorization { users: [...] }` or `accounts { A: { users: [...] } }`. */
export interface UserConfig {
  user: string;
  password: string;
  /** Account name; '' = the global account. */
  account: string;
  /** Publish/subscribe permissions; absent = `authorization { permissions }` or unrestricted. */
  permissions?: PermissionsConfig;
  /** `permissions { allow_responses }`: replies allowed despite the publish permissions. */
  responses?: ResponsePermission;
}

/** An account declared in the config's `accounts` block. */
export interface AccountConfig {
  name: string;
  /** Its `exports` and `imports`, in nats-jwt's shapes (config-exports-imports.ts maps the config syntax). */
  exports?: ExportDecl[];
  imports?: Import[];
  /** Switchboard's `switchboard { }` block: account-wide subscriptions and publish rates. */
  limits?: Partial<AccountLimits>;
  /** Its `jetstream` (enabled, limits); absent = JetStream off for the account. */
  jetstream?: AccountJetStreamConfig;
}

/**
 * Broker options. Durations are milliseconds, sizes bytes. Defaults are nats-server's
 * (server/const.go); names follow nats-server's Options where one exists.
 */
export interface ServerOptions {
  serverName: string;
  host: string;
  port: number;
  /** Monitoring HTTP port; 0 = no monitoring server. */
  httpPort: number;
  /** Monitoring over HTTPS (with the `tls` certificate); 0 = none. Exclusive with httpPort. */
  httpsPort: number;
  httpHost: string;
  maxConnections: number;
  maxPayload: number;
  maxControlLine: number;
  /** Outbound bytes a client may have pending before it is cut as a slow consumer. */
  maxPending: number;
  /** Per-connection subscription limit; 0 = unlimited. */
  maxSubscriptions: number;
  pingInterval: number;
  maxPingsOut: number;
  /** A write that cannot make progress for this long marks a slow consumer. */
  writeDeadline: number;
  authTimeout: number;
  lameDuckDuration: number;
  lameDuckGracePeriod: number;
  /** Single user from `authorization { user, password }` or --user/--pass. */
  username: string;
  password: string;
  /** Token from `authorization { token }` or --auth. */
  authorization: string;
  users: UserConfig[];
  /** `authorization { permissions }`: for users that have none of their own. */
  defaultPermissions: PermissionsConfig | null;
  accounts: AccountConfig[];
  noAuthUser: string;
  /** `tls { }` / --tls*: client connections must use TLS; null = plain text. */
  tls: TlsOptions | null;
  /** Operator mode: trusted operator JWTs (`operator:`, inline or read from files). Empty = off. */
  operators: string[];
  /** `system_account`: public key (operator mode) or name of the system account; '' = none. */
  systemAccount: string;
  /** Account JWT resolver (operator mode). */
  resolver: ResolverConfig | undefined;
  /** How often (ms) accounts in use publish their connections and usage on the system account (nats-server: 30 s). */
  accountUsageInterval: number;
  /** `leafnodes { }`: the leaf listener (port 0 = none) and the remotes this server connects to. */
  leafnodes: LeafNodeOptions;
  /** `cluster { }` / --cluster, --routes: the route listener (port 0 = no cluster) and routes to solicit. */
  cluster: ClusterOptions;
  /** `-js`, `-sd`, `jetstream { }`, `store_dir`. */
  jetstream: JetStreamServerOptions;
  debug: boolean;
  trace: boolean;
  logtime: boolean;
  logFile: string;
  /** `no_sublist_cache`: every account's sublist walks its trie on each match (nats-server's NoSublistCache). */
  noSublistCache: boolean;
}

export const DEFAULT_PORT = 4222;
export const DEFAULT_HTTP_PORT = 8222;

export function defaultOptions(): ServerOptions {
  return {
    serverName: '',
    host: '0.0.0.0',
    port: DEFAULT_PORT,
    httpPort: 0,
    httpsPort: 0,
    httpHost: '',
    maxConnections: 64 * 1024,
    maxPayload: 1024 * 1024,
    maxControlLine: 4096,
    maxPending: 64 * 1024 * 1024,
    maxSubscriptions: 0,
    pingInterval: 2 * 60_000,
    maxPingsOut: 2,
    writeDeadline: 10_000,
    authTimeout: 2_000,
    lameDuckDuration: 2 * 60_000,
    lameDuckGracePeriod: 10_000,
    username: '',
    password: '',
    authorization: '',
    users: [],
    defaultPermissions: null,
    accounts: [],
    noAuthUser: '',
    tls: null,
    operators: [],
    systemAccount: '',
    resolver: undefined,
    accountUsageInterval: 30_000,
    leafnodes: defaultLeafNodeOptions(),
    cluster: defaultClusterOptions(),
    jetstream: defaultJetStreamOptions(),
    debug: false,
    trace: false,
    logtime: true,
    logFile: '',
    noSublistCache: false,
  };
}

/** Defaults overlaid with `partial`: the one way to build options in code and tests. */
export function makeOptions(partial: Partial<ServerOptions> = {}): ServerOptions {
  return { ...defaultOptions(), ...partial };
}
