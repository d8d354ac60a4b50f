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
  /**
   * CONNECT <json>: the raw JSON text (UTF-8 decoded); the consumer parses and validates it
   * (nats-server closes silently on bad JSON).
   */
  onConnect(json: string): void;
  /**
   * PUB <subject> [reply] <#bytes> / HPUB <subject> [reply] <#hdr bytes> <#total bytes>.
   * `reply` is '' when absent. `hdrLen` is -1 for PUB, else the header length within `msg`.
   * `msg` holds headers + payload (without the trailing CRLF).
   */
  onPub(subject: string, reply: string, hdrLen: number, msg: Buffer): void;
  /** SUB <subject> [queue] <sid>; `queue` is '' when absent. */
  onSub(subject: string, queue: string, sid: string): void;
  /**
   * UNSUB <sid> [max_msgs]; `max` is -1 when absent or not a number (nats-server reads it
   * so); max <= 0 means unsubscribe now.
   */
  onUnsub(sid: string, max: number): void;
  onPing(): void;
  onPong(): void;
  /**
   * The stream is unusable from here on (nats-server closes the connection after these);
   * the parser ignores further input after calling this.
   * `sendErr` true: send `-ERR '<message>'`, then close. `message` is then one of
   * ERR_UNKNOWN_PROTOCOL ('Unknown Protocol Operation'), ERR_MAX_CONTROL_LINE
   * ('maximum control line exceeded': lower case in nats-server 2.9) or ERR_MAX_PAYLOAD
   * ('Maximum Payload Violation') from errors.ts.
   * `sendErr` false: close without a reply, as nats-server does for malformed
   * PUB/HPUB/SUB/UNSUB arguments, a client's bad INFO and a client's -ERR; `message` is
   * what nats-server logs (e.g. `processPub Parse Error: "foo"`).
   */
  onParseError(message: string, sendErr: boolean): void;
}

export interface ParserOptions {
  /**
   * Longest control-line argument accepted, in bytes after the verb and its separators,
   * CRLF excluded (nats-server default 4096); longer → 'maximum control line exceeded'.
   */
  maxControlLine: number;
  /**
   * Largest PUB/HPUB size accepted (nats-server default 1 MiB); larger → 'Maximum Payload
   * Violation'. Pass the effective limit: a JWT's -1 ("no limit") must first be resolved to
   * the server's max_payload. The parser's `maxPayload` field may be changed later (e.g.
   * once CONNECT has bound an account).
   */
  maxPayload: number;
}
