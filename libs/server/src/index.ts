export { Server, type ServerDeps, type ServerEvents } from './server.js';
export { PROTOCOL_VERSION, SYSTEM_ACCOUNT } from './constants.js';
export { connState, type ConnState, type SubState } from './conn-state.js';
export { Client } from './client.js';
export { Subscription } from './subscription.js';
export { Outbound } from './outbound.js';
export { routeMessage, hasQueue } from './deliver.js';
export { CLIENT, ROUTER, LEAF, isServiceReply, type ConnKind } from './conn-kind.js';
export { RemoteConnection, type RemoteSub } from './remote-conn.js';
export type { InterestListener } from './interest.js';
export { RouteInterest, interestLine, type InterestSink } from './route-interest.js';
export { Cluster, type RouteDialer } from './cluster.js';
export { RouteConnection, type RouteInfo } from './route-conn.js';
export {
  clusterFromConfig,
  defaultClusterOptions,
  parseRouteUrl,
  parseRoutesFlag,
  applyClusterFlag,
  DEFAULT_ROUTE_PORT,
  type ClusterOptions,
  type RouteUrl,
} from './cluster-options.js';
export { routeInAccount, updateExportsImports, refreshShadows } from './cross-account.js';
export { SocketTransport, type Transport, type TransportSink } from './transport.js';
export { createTlsContext, DEFAULT_TLS_TIMEOUT, type TlsOptions, type TlsContext } from './tls-context.js';
export { TlsTransport, type TlsClientSide, type TlsConnState } from './tls-transport.js';
export { certNames, mapCertUser, type TlsPeerCert } from './cert-identity.js';
export { tlsOptionsFromConfig } from './tls-config.js';
export { defaultOptions, makeOptions, DEFAULT_PORT, DEFAULT_HTTP_PORT, type ServerOptions, type UserConfig, type AccountConfig } from './options.js';
export { parseConnect, defaultConnectOptions, type ConnectOptions } from './connect.js';
export { authenticatorFor, OpenAuthenticator, SimpleAuthenticator, type Authenticator, type AuthResult, type AuthConn, type JwtIdentity } from './auth.js';
export { ServerLogger, silentLogger, type ServerLog, type LogLevel, type LogOptions } from './log.js';
export { CloseReason } from './errors.js';
export {
  handleMonitorRequest,
  varz,
  connz,
  subsz,
  healthz,
  type ConnzOptions,
  type SubszOptions,
  type SortOpt,
  type HttpReqStats,
  type MonitorResponse,
} from './monitor.js';
export { formatUptime, formatGoDuration } from './durations.js';
export { optionsFromConfig, type ConfigResult } from './config.js';
export { JwtAuthenticator, permissionsConfig } from './jwt-auth.js';
export { OPERATOR_KEYS, readOperatorJwt } from './operator-config.js';
export { startOperatorMode, type OperatorMode } from './operator-mode.js';
export { SystemAccount } from './system-account.js';
export { InternalClient, type InternalHandler } from './internal-client.js';
export { accountz, accstatz, accountStat, systemAccountName } from './accountz.js';
export { UsageEvents, ACCOUNT_CONNS_EVENT, accountConnsSubject, legacyAccountConnsSubject } from './usage-events.js';
export { leafNodesFromConfig, validateLeafNodes } from './leaf-config.js';
export { defaultLeafNodeOptions, makeRemote, DEFAULT_LEAF_RECONNECT, type LeafNodeOptions, type RemoteLeafOptions, type LeafUser } from './leaf-options.js';
export { leafz, type LeafzConn, type LeafzOptions } from './leafz.js';
export {
  leafInfoJson,
  leafConnectInfoJson,
  leafConnectJson,
  parseLeafConnect,
  parseHubInfo,
  signWithCredentials,
  type LeafConnect,
  type HubInfo,
} from './leaf-handshake.js';
export { LeafRemote, parseLeafUrl, type LeafUrl, type DialResult } from './leaf-remote.js';
export { authenticateLeaf } from './leaf-auth.js';
export { LeafNodes, LOOP_DETECTION_PREFIX, type LeafDialer } from './leaf-nodes.js';
export { LeafConn } from './leaf-conn.js';
// ServerJetStream: '@switchboard/server/jetstream', imported when JetStream is on (a plain broker never loads it).
export type { ServerJetStream } from './jetstream-host.js';
export {
  accountJetStreamFromConfig,
  applyJetStreamConfig,
  defaultJetStreamOptions,
  resolveStoreDir,
  type AccountJetStreamConfig,
  type AccountJetStreamLimits,
  type JetStreamServerOptions,
} from './jetstream-options.js';
export { type InternalMsgHandler } from './internal-client.js';
