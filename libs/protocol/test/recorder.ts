import type { ClientOpHandler } from '../src/handler.js';
import type { ServerOpHandler } from '../src/msg-parser.js';
import type { RemoteOpHandler } from '../src/remote-parser.js';

/** Records handler calls as plain values (buffers copied, since views die after the call). */
export class ClientRecorder implements ClientOpHandler {
  readonly calls: unknown[][] = [];
  onConnect(json: string): void {
    this.calls.push(['connect', json]);
  }
  onPub(subject: string, reply: string, hdrLen: number, msg: Buffer): void {
    this.calls.push(['pub', subject, reply, hdrLen, msg.toString('latin1')]);
  }
  onSub(subject: string, queue: string, sid: string): void {
    this.calls.push(['sub', subject, queue, sid]);
  }
  onUnsub(sid: string, max: number): void {
    this.calls.push(['unsub', sid, max]);
  }
  onPing(): void {
    this.calls.push(['ping']);
  }
  onPong(): void {
    this.calls.push(['pong']);
  }
  onParseError(message: string, sendErr: boolean): void {
    this.calls.push(['error', message, sendErr]);
  }
}

export class ServerRecorder implements ServerOpHandler {
  readonly calls: unknown[][] = [];
  onInfo(json: string): void {
    this.calls.push(['info', json]);
  }
  onMsg(subject: string, sid: string, reply: string, hdrLen: number, msg: Buffer): void {
    this.calls.push(['msg', subject, sid, reply, hdrLen, msg.toString('latin1')]);
  }
  onPing(): void {
    this.calls.push(['ping']);
  }
  onPong(): void {
    this.calls.push(['pong']);
  }
  onOk(): void {
    this.calls.push(['ok']);
  }
  onErr(message: string): void {
    this.calls.push(['err', message]);
  }
  onParseError(message: string): void {
    this.calls.push(['error', message]);
  }
}

export class RemoteRecorder implements RemoteOpHandler {
  readonly calls: unknown[][] = [];
  onConnect(json: string): void {
    this.calls.push(['connect', json]);
  }
  onInfo(json: string): void {
    this.calls.push(['info', json]);
  }
  onSub(origin: string, account: string, subject: string, queue: string, weight: number): void {
    this.calls.push(['sub', origin, account, subject, queue, weight]);
  }
  onUnsub(account: string, subject: string, queue: string, key: string): void {
    this.calls.push(['unsub', account, subject, queue, key]);
  }
  onMsg(origin: string, account: string, subject: string, reply: string, queues: string, hdrLen: number, msg: Buffer): void {
    this.calls.push(['msg', origin, account, subject, reply, queues, hdrLen, msg.toString('latin1')]);
  }
  onPing(): void {
    this.calls.push(['ping']);
  }
  onPong(): void {
    this.calls.push(['pong']);
  }
  onOk(): void {
    this.calls.push(['ok']);
  }
  onErr(message: string): void {
    this.calls.push(['err', message]);
  }
  onParseError(message: string, sendErr: boolean): void {
    this.calls.push(['error', message, sendErr]);
  }
}
