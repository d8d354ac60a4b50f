// A raw client socket for tests that must misbehave (never read, never answer PING…).
import { connect, type Socket } from 'node:net';
import { waitFor } from './helpers.js';

export class RawClient {
  data = '';
  closed = false;
  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => (this.data += d.toString('latin1')));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  send(text: string): void {
    this.socket.write(text);
  }

  waitFor(part: string, ms = 5_000): Promise<void> {
    return waitFor(() => this.data.includes(part), ms, `"${part}" from server, got ${JSON.stringify(this.data.slice(-200))}`);
  }

  waitClosed(ms = 5_000): Promise<void> {
    return waitFor(() => this.closed, ms, 'server to close the connection');
  }

  destroy(): void {
    this.socket.destroy();
  }
}
