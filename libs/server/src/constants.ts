// Names and versions the server reports, in a module that imports nothing: every part of the
// server may read them without pulling server.ts (and its client machinery) in.

/**
 * The nats-server version whose client protocol this broker speaks. Clients gate features on
 * it (headers and no_responders need ≥ 2.2.0), so INFO reports it rather than our own version.
 */
export const PROTOCOL_VERSION = '2.9.10';
/** nats-server's system account name (reported in /varz; no internal subscriptions yet). */
export const SYSTEM_ACCOUNT = '$SYS';
