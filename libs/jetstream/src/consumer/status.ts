/**
 * The header-only status messages consumers send, with nats-server 2.9.10's exact texts
 * (consumer.go). nats.js matches the lower-cased description, so the texts are API.
 */
const enc = new TextEncoder();

const PENDING = (n: number, b: number): string => `Nats-Pending-Messages: ${n}\r\nNats-Pending-Bytes: ${b}\r\n`;

const fixed = (line: string): Uint8Array => enc.encode(`NATS/1.0 ${line}\r\n\r\n`);

export const NO_MESSAGES = fixed('404 No Messages');
export const REQUESTS_PENDING = fixed('408 Requests Pending');
export const EXCEEDED_MAX_WAITING = fixed('409 Exceeded MaxWaiting');
export const PUSH_BASED = fixed('409 Consumer is push based');
export const CONSUMER_DELETED = fixed('409 Consumer Deleted');
export const FLOW_CONTROL_REQUEST = fixed('100 FlowControl Request');

export function requestTimeout(n: number, b: number): Uint8Array {
  return enc.encode(`NATS/1.0 408 Request Timeout\r\n${PENDING(n, b)}\r\n`);
}
export function interestExpired(n: number, b: number): Uint8Array {
  return enc.encode(`NATS/1.0 408 Interest Expired\r\n${PENDING(n, b)}\r\n`);
}
export function maxBytesExceeded(n: number, b: number): Uint8Array {
  return enc.encode(`NATS/1.0 409 Message Size Exceeds MaxBytes\r\n${PENDING(n, b)}\r\n`);
}
export function status(code: number, text: string): Uint8Array {
  return fixed(`${code} ${text}`);
}
export function idleHeartbeat(lastConsumer: number, lastStream: number, stalled: string): Uint8Array {
  const s = stalled ? `Nats-Consumer-Stalled: ${stalled}\r\n` : '';
  return enc.encode(`NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: ${lastConsumer}\r\nNats-Last-Stream: ${lastStream}\r\n${s}\r\n`);
}

/**
 * headers_only: the message's headers (or a bare `NATS/1.0` line) plus `Nats-Msg-Size: <payload
 * length>` (convertToHeadersOnly).
 */
export function headersOnly(hdr: Uint8Array | null, size: number): Uint8Array {
  const add = enc.encode(`Nats-Msg-Size: ${size}\r\n\r\n`);
  if (hdr === null || hdr.length === 0) {
    const head = enc.encode('NATS/1.0\r\n');
    const out = new Uint8Array(head.length + add.length);
    out.set(head, 0);
    out.set(add, head.length);
    return out;
  }
  const keep = hdr.length - 2; // drop the final CRLF of the header block
  const out = new Uint8Array(keep + add.length);
  out.set(hdr.subarray(0, keep), 0);
  out.set(add, keep);
  return out;
}
