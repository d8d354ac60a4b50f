import net from 'node:net';
import { framesPerWrite, msgFrames } from './frames.js';

const PING = Buffer.from('PING\r\n');
const SUB_LINE = /^SUB[ \t]+\S+[ \t]+(?:\S+[ \t]+)?(\S+)[ \t]*\r?$/m;
/** Bytes of a connection's start inspected as text for its SUB line. */
const HANDSHAKE_BYTES = 16 * 1024;

/**
 * The generator's own ceiling: a stand-in server that costs almost nothing. Publishers'
 * bytes are discarded (their PINGs answered, so their windows flow); a connection that
 * subscribes gets pre-encoded MSG frames as fast as its socket drains. Run against it, the
 * same publisher and subscriber code shows how many msgs/s the generator itself can drive.
 * It runs as its own process (fake-main.ts), placed like a real server.
 */
export class FakeServer {
  private readonly server: net.Server;
  private readonly batch: Map<string, Buffer> = new Map();

  constructor(
    private readonly subject: string,
    private readonly size: number,
  ) {
    this.server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
  }

  close(): void {
    this.server.close();
  }

  private accept(socket: net.Socket): void {
    const port = (this.server.address() as net.AddressInfo).port;
    socket.write(
      `INFO {"server_id":"bench-generator","server_name":"generator","version":"0.0.0","proto":1,` +
        `"host":"127.0.0.1","port":${port},"headers":true,"max_payload":1048576}\r\n`,
    );
    let seen = 0;
    let sid: string | null = null;
    let streaming = false;
    let tail: Buffer = Buffer.alloc(0);
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      if (!streaming && seen < HANDSHAKE_BYTES) {
        const m = SUB_LINE.exec(chunk.toString('latin1'));
        if (m) sid = m[1]!;
      }
      seen += chunk.length;
      const pings = countPings(tail, chunk);
      tail = chunk.subarray(Math.max(0, chunk.length - (PING.length - 1)));
      if (pings > 0) socket.write('PONG\r\n'.repeat(pings));
      if (sid !== null && pings > 0 && !streaming) {
        streaming = true;
        this.stream(socket, this.frames(sid));
      }
    });
  }

  private frames(sid: string): Buffer {
    let b = this.batch.get(sid);
    if (b === undefined) {
      const frame = `MSG ${this.subject} ${sid} ${this.size}\r\n`.length + this.size + 2;
      // Several windows per write: fewer drain events, so the stand-in stays cheap per message.
      b = msgFrames(this.subject, sid, this.size, 4 * framesPerWrite(frame));
      this.batch.set(sid, b);
    }
    return b;
  }

  private stream(socket: net.Socket, batch: Buffer): void {
    const pump = (): void => {
      while (!socket.destroyed && socket.write(batch));
    };
    socket.on('drain', pump);
    pump();
  }
}

/** PINGs in `chunk`, including one split across the previous chunk's `tail`. */
export function countPings(tail: Buffer, chunk: Buffer): number {
  let n = 0;
  if (tail.length > 0) {
    const edge = Buffer.concat([tail, chunk.subarray(0, PING.length - 1)]);
    if (edge.indexOf(PING) >= 0) n++;
  }
  for (let i = chunk.indexOf(PING); i >= 0; i = chunk.indexOf(PING, i + PING.length)) n++;
  return n;
}
