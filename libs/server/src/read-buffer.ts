import { Socket } from 'node:net';

/**
 * Plain-TCP sockets are read into this one buffer (libuv reads straight into it), not into a
 * fresh 64 KiB allocation per read. Those per-read buffers come from glibc's main heap (they sit
 * under the 128 KiB mmap threshold the broker runs with) and are freed only when V8 collects:
 * under a flood the heap grows by the dead ones, and small live allocations between them keep it
 * from shrinking afterwards (docs/footprint.md: 170 MB after slow consumers were cut, 2.7 MB of
 * it in use). One buffer for all sockets is safe because a read's callback runs to completion
 * before libuv reads again, and the parsers hand out views valid only during the call
 * (ClientOpHandler): what is kept past it is copied (held ops, internal subscriptions, outbound).
 */
export const READ_BUFFER_SIZE = 64 * 1024;
const readBuffer = Buffer.allocUnsafeSlow(READ_BUFFER_SIZE);

interface SocketInternals {
  _handle?: { useUserBuffer?(buf: Uint8Array): void } | null;
}

/**
 * Node supports a caller's read buffer (`onread`) only on sockets it creates for the caller
 * (`new net.Socket({ onread })`), not on those a net.Server accepts. The two fields `onread`
 * sets are found on a probe socket made with it, so an accepted socket can be given the same
 * (`initSocketHandle` in node's lib/net.js: the fields, then `handle.useUserBuffer`). null when
 * this Node does not keep them so: reads then arrive as 'data' events as before.
 */
const fields = ((): { buffer: symbol; callback: symbol } | null => {
  const probeCallback = (): boolean => true;
  const probe = new Socket({ onread: { buffer: readBuffer, callback: probeCallback } });
  const own = probe as unknown as Record<symbol, unknown>;
  const syms = Object.getOwnPropertySymbols(probe);
  const buffer = syms.find((s) => own[s] === readBuffer);
  const callback = syms.find((s) => own[s] === probeCallback);
  return buffer && callback ? { buffer, callback } : null;
})();

/**
 * Makes `socket` (accepted, not read from yet, plain TCP) read into the shared buffer: `onRead`
 * gets each read as a view of it, valid only during the call. Returns false (and changes
 * nothing) when this Node or this socket does not allow it; the caller then listens for 'data'.
 */
export function readIntoSharedBuffer(socket: Socket, onRead: (chunk: Buffer) => void): boolean {
  const handle = (socket as unknown as SocketInternals)._handle;
  if (fields === null || typeof handle?.useUserBuffer !== 'function') return false;
  const own = socket as unknown as Record<symbol, unknown>;
  own[fields.buffer] = readBuffer;
  // Node calls it as socket[callback](nread, buffer); anything but false goes on reading.
  own[fields.callback] = (nread: number): void => onRead(readBuffer.subarray(0, nread));
  handle.useUserBuffer(readBuffer);
  return true;
}
