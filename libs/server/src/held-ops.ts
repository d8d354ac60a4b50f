import type { ClientOpHandler } from '@switchboard/protocol';

/**
 * An operation parsed while a connection waits for an asynchronous authentication; kept to
 * run, in order, once it settles. PUB payloads are copies (parser buffers are views).
 */
export type HeldOp =
  | { op: 'connect'; json: string }
  | { op: 'pub'; subject: string; reply: string; hdrLen: number; msg: Buffer }
  | { op: 'sub'; subject: string; queue: string; sid: string }
  | { op: 'unsub'; sid: string; max: number }
  | { op: 'ping' }
  | { op: 'pong' }
  | { op: 'error'; message: string; sendErr: boolean };

export function replayOp(h: ClientOpHandler, op: HeldOp): void {
  switch (op.op) {
    case 'connect':
      return h.onConnect(op.json);
    case 'pub':
      return h.onPub(op.subject, op.reply, op.hdrLen, op.msg);
    case 'sub':
      return h.onSub(op.subject, op.queue, op.sid);
    case 'unsub':
      return h.onUnsub(op.sid, op.max);
    case 'ping':
      return h.onPing();
    case 'pong':
      return h.onPong();
    case 'error':
      return h.onParseError(op.message, op.sendErr);
  }
}
