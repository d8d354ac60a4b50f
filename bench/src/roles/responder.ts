import { Conn, type Endpoint } from '../conn.js';

/** Answers each request on `subject` with its own payload, sent to the request's reply subject. */
export class Responder extends Conn {
  constructor(ep: Endpoint, onFailure: (message: string) => void) {
    super(ep, onFailure);
  }

  async listen(subject: string): Promise<void> {
    await this.ready;
    this.socket.write(`SUB ${subject} 1\r\n`);
    await this.flush();
  }

  override onMsg(_subject: string, _sid: string, reply: string, _hdrLen: number, msg: Buffer): void {
    if (reply === '') return;
    // One write per reply: latency is measured one request at a time, so this is not a hot loop.
    this.socket.write(Buffer.concat([Buffer.from(`PUB ${reply} ${msg.length}\r\n`), msg, CRLF]));
  }
}

const CRLF = Buffer.from('\r\n');
