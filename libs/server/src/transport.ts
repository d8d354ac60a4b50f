import type { Socket } from 'node:net';
import type { CloseReason } from './errors.js';
import { readIntoSharedBuffer } from './read-buffer.js';
import type { TlsConnState } from './tls-transport.js';

/** What a transport reports to its connection. A class implements it: no closures per event. */
export interface TransportSink {
  /** `chunk` may be a view of a buffer the next read overwrites (read-buffer.ts): valid only during the call. */
  onData(chunk: Buffer): void;
  /** Everything queued so far has been handed to the OS. */
  onDrain(): void;
  /** The transport is gone (either side); called exactly once. A failed TLS handshake gives its reason and error. */
  onClose(reason?: CloseReason, error?: string): void;
}

/**
 * The byte stream under one client connection. The broker's routing depends only on this,
 * so it can be driven with a fake in unit tests; `SocketTransport` is the real one.
 */
export interface Transport {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Bytes accepted by write() that the OS has not taken yet. */
  readonly writableLength: number;
  /** Set once a TLS connection is established; absent or null in plain text. */
  readonly tls?: TlsConnState | null;
  bind(sink: TransportSink): void;
  /** Returns false when the transport's own buffer is above its high-water mark. */
  write(data: Buffer): boolean;
  /** Flush what was written, then close. */
  end(): void;
  /** Close now, dropping unwritten data. */
  destroy(): void;
  pause(): void;
  resume(): void;
  /** Begins TLS on this connection (the side it was made for); absent on a transport that cannot. */
  startTls?(): void;
}

export class SocketTransport implements Transport {
  private sink: TransportSink | null = null;
  readonly remoteAddress: string;
  readonly remotePort: number;

  /**
   * `sharedReadBuffer`: an accepted plain-TCP socket not read from yet, read into the buffer all
   * such sockets share (read-buffer.ts); its chunks are valid only during `onData`. Not for a
   * socket that may be handed on (`release`, TLS).
   */
  constructor(
    private readonly socket: Socket,
    sharedReadBuffer = false,
  ) {
    this.remoteAddress = normalizeAddress(socket.remoteAddress ?? '');
    this.remotePort = socket.remotePort ?? 0;
    // Small control lines (PONG, +OK) must not wait for Nagle; batching is done by Outbound.
    socket.setNoDelay(true);
    if (!sharedReadBuffer || !readIntoSharedBuffer(socket, this.handleData)) socket.on('data', this.handleData);
    socket.on('drain', this.handleDrain);
    socket.on('close', this.handleClose);
    // Errors (ECONNRESET, EPIPE) are followed by 'close'; the listener keeps them from throwing.
    socket.on('error', ignore);
  }

  get writableLength(): number {
    return this.socket.writableLength;
  }

  bind(sink: TransportSink): void {
    this.sink = sink;
  }

  write(data: Buffer): boolean {
    if (this.socket.destroyed || this.socket.writableEnded) return false;
    return this.socket.write(data);
  }

  end(): void {
    if (!this.socket.destroyed) this.socket.end();
    // A peer that never reads would keep a half-closed socket open forever.
    this.socket.setTimeout(2_000, this.handleEndTimeout);
  }

  destroy(): void {
    this.socket.destroy();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Stops reporting to the sink and hands the socket back (for a TLS handshake on it). */
  release(): Socket {
    this.sink = null;
    this.socket.off('data', this.handleData);
    this.socket.off('drain', this.handleDrain);
    this.socket.off('close', this.handleClose);
    this.socket.off('error', ignore);
    return this.socket;
  }

  // Bound once per connection (not per event) so the hot path allocates no closures.
  private readonly handleData = (chunk: Buffer): void => {
    this.sink?.onData(chunk);
  };
  private readonly handleDrain = (): void => {
    this.sink?.onDrain();
  };
  private readonly handleClose = (): void => {
    const sink = this.sink;
    this.sink = null;
    sink?.onClose();
  };
  private readonly handleEndTimeout = (): void => {
    this.socket.destroy();
  };
}

function ignore(): void {}

/** '::ffff:127.0.0.1' → '127.0.0.1', as nats-server reports IPv4 clients. */
export function normalizeAddress(a: string): string {
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}
