import net from 'node:net';
import { MsgParser, type ServerOpHandler } from '@switchboard/protocol';

export interface Endpoint {
  host: string;
  port: number;
  /** Extra CONNECT fields, e.g. a bearer user JWT for a scenario with accounts. */
  auth?: Record<string, string>;
}

const CONNECT_FIELDS = { verbose: false, pedantic: false, name: 'bench', lang: 'raw', version: '0', protocol: 1, headers: true, no_responders: false };
const CONNECT = `CONNECT ${JSON.stringify(CONNECT_FIELDS)}\r\nPING\r\n`;
const PONG = Buffer.from('PONG\r\n');

/**
 * A raw NATS client connection: node:net plus the MSG parser, no client library, so the
 * generator costs little per message. Roles subclass it and override the handler methods
 * they care about; `ready` resolves on the PONG that answers the CONNECT's PING.
 */
export class Conn implements ServerOpHandler {
  readonly socket: net.Socket;
  readonly ready: Promise<void>;
  private readonly parser: MsgParser;
  private connected = false;
  /** Set once we close or fail, so the socket's own 'close' is not reported as a failure. */
  private closing = false;
  private settle!: (err?: Error) => void;
  /** Resolvers of flush() calls, answered in order by PONGs. */
  private readonly flushes: Array<() => void> = [];
  private readonly connectLine: string;

  constructor(
    ep: Endpoint,
    private readonly onFailure: (message: string) => void,
  ) {
    this.parser = new MsgParser(this);
    this.connectLine = ep.auth ? `CONNECT ${JSON.stringify({ ...CONNECT_FIELDS, ...ep.auth })}\r\nPING\r\n` : CONNECT;
    this.ready = new Promise<void>((resolve, reject) => {
      this.settle = (err) => (err ? reject(err) : resolve());
    });
    this.socket = net.connect({ host: ep.host, port: ep.port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => {
      this.parser.parse(chunk);
      this.afterChunk();
    });
    this.socket.on('error', (err) => this.fail(`socket: ${err.message}`));
    this.socket.on('close', () => {
      if (!this.closing) this.fail('connection closed by server');
    });
  }

  close(): void {
    this.closing = true;
    this.socket.destroy();
  }

  /** Resolves when the server has processed everything written before it (PING/PONG). */
  flush(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.flushes.push(resolve);
      this.socket.write('PING\r\n');
    });
  }

  /** Called after each socket chunk is parsed: where counters are published. */
  protected afterChunk(): void {}

  onInfo(_json: string): void {
    if (this.connected) return;
    this.connected = true;
    this.socket.write(this.connectLine);
  }

  onMsg(_subject: string, _sid: string, _reply: string, _hdrLen: number, _msg: Buffer): void {}

  onPing(): void {
    this.socket.write(PONG);
  }

  onPong(): void {
    const next = this.flushes.shift();
    if (next !== undefined) next();
    else this.settle();
  }

  onOk(): void {}

  onErr(message: string): void {
    this.fail(`-ERR '${message}'`);
  }

  onParseError(message: string): void {
    this.fail(`parse error: ${message}`);
  }

  protected fail(message: string): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.destroy();
    this.settle(new Error(message));
    this.onFailure(message);
  }
}
