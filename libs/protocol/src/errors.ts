/**
 * Error texts, as nats-server 2.9.10 produces them (checked on the wire by
 * test/parser.differential.test.ts).
 *
 * The first three are sent to the client as `-ERR '<text>'` before the connection closes.
 * Note the lower case of the control-line text: that is what 2.9 sends.
 */
export const ERR_UNKNOWN_PROTOCOL = 'Unknown Protocol Operation';
export const ERR_MAX_CONTROL_LINE = 'maximum control line exceeded';
export const ERR_MAX_PAYLOAD = 'Maximum Payload Violation';

/**
 * For these nats-server sends nothing: it logs `<prefix>: "<args>"` and closes the
 * connection. The parser reports the same text with `sendErr` false.
 */
export const PUB_PARSE_ERROR = 'processPub Parse Error';
export const PUB_BAD_SIZE = 'processPub Bad or Missing Size';
export const HPUB_PARSE_ERROR = 'processHeaderPub Parse Error';
export const HPUB_BAD_HEADER_SIZE = 'processHeaderPub Bad or Missing Header Size';
export const HPUB_BAD_TOTAL_SIZE = 'processHeaderPub Bad or Missing Total Size';
export const HPUB_HEADER_TOO_LARGE = 'processHeaderPub Header Size larger then TotalSize';
export const SUB_PARSE_ERROR = 'processSub Parse Error';
export const UNSUB_PARSE_ERROR = 'processUnsub Parse Error';
/** INFO from a client whose JSON does not parse into an object. */
export const INFO_PARSE_ERROR = 'processInfo Parse Error';
/** A client sent `-ERR <text>`: nats-server logs `Client Error <text>` and closes. */
export const CLIENT_ERROR = 'Client Error';

/** MsgParser (server → client direction): malformed MSG/HMSG arguments. */
export const MSG_PARSE_ERROR = 'processMsgArgs Parse Error';

/**
 * RemoteParser (routes and leaf nodes): malformed arguments. nats-server logs these and closes
 * the connection without a reply; the message forms append ` Parse Error`, ` Bad or Missing
 * Size` and the like, as nats-server's processRoutedMsgArgs family does.
 */
export const ROUTE_SUB_ERROR = 'processRemoteSub Parse Error';
export const ROUTE_UNSUB_ERROR = 'processRemoteUnsub parse error';
export const LEAF_SUB_ERROR = 'processLeafSub Parse Error';
export const ROUTE_MSG_ERROR = 'processRoutedMsgArgs';
export const ROUTE_HMSG_ERROR = 'processRoutedHeaderMsgArgs';
export const ROUTE_LMSG_ERROR = 'processRoutedOriginClusterMsgArgs';
export const LEAF_MSG_ERROR = 'processLeafMsgArgs';
export const LEAF_HMSG_ERROR = 'processLeafHeaderMsgArgs';

/** Every prefix a parser error message starts with. */
export const PARSE_ERROR_PREFIXES: readonly string[] = [
  ERR_UNKNOWN_PROTOCOL,
  ERR_MAX_CONTROL_LINE,
  ERR_MAX_PAYLOAD,
  PUB_PARSE_ERROR,
  PUB_BAD_SIZE,
  HPUB_PARSE_ERROR,
  HPUB_BAD_HEADER_SIZE,
  HPUB_BAD_TOTAL_SIZE,
  HPUB_HEADER_TOO_LARGE,
  SUB_PARSE_ERROR,
  UNSUB_PARSE_ERROR,
  INFO_PARSE_ERROR,
  CLIENT_ERROR,
  MSG_PARSE_ERROR,
  ROUTE_SUB_ERROR,
  ROUTE_UNSUB_ERROR,
  LEAF_SUB_ERROR,
  ROUTE_MSG_ERROR,
  ROUTE_HMSG_ERROR,
  ROUTE_LMSG_ERROR,
  LEAF_MSG_ERROR,
  LEAF_HMSG_ERROR,
];
