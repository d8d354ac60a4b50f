import type { TlsOptions } from './tls-context.js';

/** A user of `leafnodes { authorization { users: [...] } }`: a leaf connecting as it is bound to `account`. */
export interface LeafUser {
  user: string;
  password: string;
  /** '' = the global account. */
  account: string;
}

/** One of `leafnodes { remotes: [...] }`: a hub this server connects to as a leaf. */
export interface RemoteLeafOptions {
  /** `url` / `urls` as written (nats-leaf://, nats://, tls://; user:pass@ allowed). */
  urls: string[];
  /** `credentials`: a .creds file (user JWT + seed) that signs the hub's nonce. */
  credentials: string;
  /** `account`: the local account the connection is bound to; '' = the global account. */
  account: string;
  /** `deny_imports`: subjects this side will not receive from the hub (nor subscribe to there). */
  denyImports: string[];
  /** `deny_exports`: subjects this side will not send to the hub (nor accept interest in). */
  denyExports: string[];
  /** `tls { }`: connect with TLS (also when a URL's scheme is tls://). */
  tls: TlsOptions | null;
  /** `hub`: this side plays the hub on the connection it makes. */
  hub: boolean;
  /** `no_randomize`: try the URLs in the order written. */
  noRandomize: boolean;
}

/**
 * nats-server's `leafnodes { }` (its LeafNodeOpts): the accept side (listen, authorization,
 * tls, advertise) and the connect side (remotes). Durations are milliseconds.
 */
export interface LeafNodeOptions {
  host: string;
  /** 0 = no leaf listener (nats-server's default); -1 = a random port. */
  port: number;
  /** `advertise`: host:port other leafs are told to connect to. */
  advertise: string;
  noAdvertise: boolean;
  /** `authorization { user, password, account }`: the one user leafs connect as. */
  username: string;
  password: string;
  /** `authorization { account }`: where leafs without credentials are bound. */
  account: string;
  users: LeafUser[];
  /** `authorization { timeout }` (nats-server's LeafNode.AuthTimeout); 0 = the client one. */
  authTimeout: number;
  tls: TlsOptions | null;
  remotes: RemoteLeafOptions[];
  /** `reconnect`: delay between attempts to reach a remote (nats-server: 1 s). */
  reconnectInterval: number;
}

/** nats-server's DEFAULT_LEAF_NODE_RECONNECT. */
export const DEFAULT_LEAF_RECONNECT = 1_000;
/** nats-server's DEFAULT_LEAFNODE_PORT (used when a URL names none). */
export const DEFAULT_LEAFNODE_PORT = 7422;

export function defaultLeafNodeOptions(): LeafNodeOptions {
  return {
    host: '0.0.0.0',
    port: 0,
    advertise: '',
    noAdvertise: false,
    username: '',
    password: '',
    account: '',
    users: [],
    authTimeout: 0,
    tls: null,
    remotes: [],
    reconnectInterval: DEFAULT_LEAF_RECONNECT,
  };
}

/** A remote with every field at its default: for code and tests that build one. */
export function makeRemote(partial: Partial<RemoteLeafOptions> & { urls: string[] }): RemoteLeafOptions {
  return { credentials: '', account: '', denyImports: [], denyExports: [], tls: null, hub: false, noRandomize: false, ...partial };
}

/**
 * How long an accepted leaf has to send CONNECT: `authorization { timeout }`, else past the
 * TLS handshake when the leaf port does TLS (nats-server: tls timeout + 1 s), else the client one.
 */
export function leafAuthTimeout(ln: LeafNodeOptions, clientAuthTimeout: number): number {
  if (ln.authTimeout) return ln.authTimeout;
  return ln.tls !== null ? ln.tls.timeout + 1_000 : clientAuthTimeout;
}
