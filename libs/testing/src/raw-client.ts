// A client socket for byte-level tests (tests that misbehave, or compare servers byte for byte):
// it records every byte the server sends. Waiting is by condition (a line arrives, the socket
// closes), woken by the socket's own events, never by elapsed time.
import { Socket } from 'node:net';

export class RawClient {
  /** Text received since the last reset (`c.data = ''`), latin1 so every byte stays one char. */
  data = '';
  closed = false;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private joined = Buffer.alloc(0);
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (b: Buffer) => {
      this.chunks.push(b);
      this.size += b.length;
      this.data += b.toString('latin1');
      this.wake();
    });
    // A reset after the server hung up counts as closed; bytes read before it are kept.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((ok, fail) => {
      const socket = new Socket();
      socket.once('error', fail);
      socket.connect(port, host, () => {
        socket.off('error', fail);
        ok(new RawClient(socket));
      });
    });
  }

  /** Every byte received since the connection opened (resets of `data` do not touch it). */
  bytes(): Buffer {
    if (this.joined.length !== this.size) this.joined = Buffer.concat(this.chunks, this.size);
    return this.joined;
  }

  /** Every byte received since the connection opened, as latin1 text. */
  text(): string {
    return this.bytes().toString('latin1');
  }

  /** Writes now (in order with later sends). */
  send(data: string | Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  /** Writes `data`; with `chunk`, in writes of that many bytes, each flushed before the next. */
  async write(data: Buffer, chunk = 0): Promise<void> {
    const step = chunk > 0 ? chunk : data.length;
    for (let i = 0; i < data.length; i += step) {
      if (this.closed || this.socket.destroyed) return;
      await new Promise<void>((ok) => this.socket.write(data.subarray(i, i + step), () => ok()));
    }
  }

  /** Resolves true when `cond` holds, false if it still does not after `ms`. */
  until(cond: () => boolean, ms: number): Promise<boolean> {
    if (cond()) return Promise.resolve(true);
    return new Promise((ok) => {
      const check = (): void => {
        if (cond()) done(true);
      };
      const timer = setTimeout(() => done(false), ms);
      const done = (v: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        ok(v);
      };
      this.waiters.add(check);
    });
  }

  /** Waits until `data` contains `part`; throws with what did arrive otherwise. */
  async waitFor(part: string, ms = 5_000): Promise<void> {
    if (!(await this.until(() => this.data.includes(part), ms))) {
      throw new Error(`timed out waiting for "${part}" from server, got ${JSON.stringify(this.data.slice(-200))}`);
    }
  }

  async waitClosed(ms = 5_000): Promise<void> {
    if (!(await this.until(() => this.closed, ms))) throw new Error('timed out waiting for server to close the connection');
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
