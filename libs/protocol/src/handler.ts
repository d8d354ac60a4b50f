/**
 * Contract between the parser of client operations and whoever consumes them (the broker's
 * client connection). A class implements it, so the parser calls monomorphic methods and
 * allocates no closures per message.
 *
 * Strings are latin1 views of the wire bytes (subjects, sids and queue names are ASCII in
 * practice; nats-server treats them as bytes). Buffers passed to a handler are views into
 * the parser's input or its internal accumulation buffer: valid only during the call.
 */
export interface ClientOpHandler {
  /** CONNECT <json>: the raw JSON text; the consumer parses and validates it. */
  onConnect(json: string): void;
  /**
   * PUB <subject> [reply] <#bytes> / HPUB <subject> [reply] <#hdr bytes> <#total bytes>.
   * `reply` is '' when absent. `hdrLen` is -1 for PUB, else the header length within `msg`.
   * `msg` holds headers + payload (without the trailing CRLF).
   */
  onPub(subject: string, reply: string, hdrLen: number, msg: Buffer): void;
  /** SUB <subject> [queue] <sid>; `queue` is '' when absent. */
  onSub(subject: string, queue: string, sid: string): void;
  /** UNSUB <sid> [max_msgs]; `max` is -1 when absent. */
  onUnsub(sid: string, max: number): void;
  onPing(): void;
  onPong(): void;
  /**
   * The stream is unusable from here on (nats-server closes the connection after these).
   * `message` is nats-server's text, e.g. 'Unknown Protocol Operation',
   * 'Maximum Control Line Exceeded', 'Maximum Payload Violation'; the consumer sends
   * `-ERR '<message>'` and closes. The parser ignores further input after calling this.
   */
  onParseError(message: string): void;
}

export interface ParserOptions {
  /** Longest control line accepted (nats-server default 4096). */
  maxControlLine: number;
  /** Largest PUB/HPUB size accepted (nats-server default 1 MiB); larger → 'Maximum Payload Violation'. */
  maxPayload: number;
}
