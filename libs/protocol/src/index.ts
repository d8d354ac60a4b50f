export type { ClientOpHandler, ParserOptions } from './handler.js';
export { ClientParser } from './parser.js';
export { MsgParser } from './msg-parser.js';
export type { ServerOpHandler } from './msg-parser.js';
export * from './errors.js';
export { RemoteParser } from './remote-parser.js';
export type { RemoteOpHandler } from './remote-parser.js';
