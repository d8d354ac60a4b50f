import type { Transport, TransportSink } from '../src/transport.js';

/** An in-memory transport: records what the server writes, lets a test feed client bytes. */
export class FakeTransport implements Transport {
  readonly remoteAddress = '10.0.0.1';
  remotePort = 40000;
  sink: TransportSink | null = null;
  written: Buffer[] = [];
  writes = 0;
  ended = false;
  destroyed = false;
  paused = false;
  /** Bytes the "OS" has not taken: tests raise it to simulate a reader that stalls. */
  writableLength = 0;
  /** write() returns false when writableLength is above this. */
  highWater = 16 * 1024;
  /** When true, written bytes stay pending (writableLength grows) like a socket nobody reads. */
  stalled = false;

  bind(sink: TransportSink): void {
    this.sink = sink;
  }
  write(data: Buffer): boolean {
    this.writes++;
    this.written.push(Buffer.from(data));
    if (this.stalled) this.writableLength += data.length;
    return this.writableLength <= this.highWater;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }

  /**
   * Client → server bytes, then the end of the turn: the server writes what they queued
   * (it does so once per event-loop turn; a test's send stands for a whole turn).
   */
  send(text: string | Buffer): void {
    const sink = this.sink as (TransportSink & { server?: { flushPending(): void } }) | null;
    sink!.onData(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
    sink!.server?.flushPending();
  }
  /** Everything the server wrote so far, as text. */
  text(): string {
    return Buffer.concat(this.written).toString('latin1');
  }
  /** Text written since the previous call. */
  private seen = 0;
  fresh(): string {
    const all = this.text();
    const out = all.slice(this.seen);
    this.seen = all.length;
    return out;
  }
}
