/**
 * Texts of the `-ERR '<text>'` lines the server side sends (nats-server's wording, checked
 * against nats-server 2.9). Parser errors come from @switchboard/protocol (its errors.ts).
 */
export const ERR_AUTHORIZATION = 'Authorization Violation';
export const ERR_AUTH_TIMEOUT = 'Authentication Timeout';
export const ERR_AUTH_EXPIRED = 'User Authentication Expired';
export const ERR_ACCOUNT_EXPIRED = 'Account Authentication Expired';
export const ERR_AUTH_REVOKED = 'User Authentication Revoked';
export const ERR_STALE_CONNECTION = 'Stale Connection';
export const ERR_INVALID_SUBJECT = 'Invalid Subject';
export const ERR_INVALID_PUBLISH_SUBJECT = 'Invalid Publish Subject';
export const ERR_MAX_SUBSCRIPTIONS = 'maximum subscriptions exceeded';
export const ERR_MAX_CONNECTIONS = 'maximum connections exceeded';
export const ERR_MAX_ACCOUNT_CONNECTIONS = 'maximum account active connections exceeded';
export const ERR_NO_RESPONDERS_HEADERS = 'no responders requires headers support';
export const ERR_BAD_PROTOCOL = 'invalid client protocol';

/**
 * Why a connection was closed: nats-server's ClosedState strings, shown as `reason`
 * in /connz?state=closed and in logs.
 */
export const CloseReason = {
  ClientClosed: 'Client Closed',
  AuthenticationTimeout: 'Authentication Timeout',
  AuthenticationViolation: 'Authentication Failure',
  AuthenticationExpired: 'Authentication Expired',
  Revocation: 'Credentials Revoked',
  SlowConsumerPendingBytes: 'Slow Consumer (Pending Bytes)',
  SlowConsumerWriteDeadline: 'Slow Consumer (Write Deadline)',
  ParseError: 'Parse Error',
  StaleConnection: 'Stale Connection',
  ProtocolViolation: 'Protocol Violation',
  BadClientProtocolVersion: 'Bad Client Protocol Version',
  MaxPayloadExceeded: 'Maximum Message Payload Exceeded',
  MaxConnectionsExceeded: 'Maximum Connections Exceeded',
  MaxAccountConnectionsExceeded: 'Maximum Account Connections Exceeded',
  NoRespondersRequiresHeaders: 'No Responders Requires Headers',
  MaxControlLineExceeded: 'Maximum Control Line Exceeded',
  ServerShutdown: 'Server Shutdown',
  WriteError: 'Write Error',
  TLSHandshakeError: 'TLS Handshake Failure',
  DuplicateRoute: 'Duplicate Route',
  RouteRemoved: 'Route Removed',
  ClusterNameConflict: 'Cluster Name Conflict',
  DuplicateServerName: 'Duplicate Server Name',
  MissingAccount: 'Missing Account',
  ReadError: 'Read Error',
  WrongPort: 'Incorrect Port',
  WrongGateway: 'Wrong Gateway',
  ClusterNamesIdentical: 'Cluster Names Identical',
  DuplicateRemoteLeafnodeConnection: 'Duplicate Remote LeafNode Connection',
} as const;
export type CloseReason = (typeof CloseReason)[keyof typeof CloseReason];
