/** Pre-encoded protocol frames, so the generator writes bytes it built once. */

const FILL = 0x78; // 'x': no payload byte can be mistaken for a protocol verb

function repeat(head: string, size: number, count: number, tail: string): Buffer {
  const headBytes = Buffer.from(head, 'latin1');
  const frame = headBytes.length + size + 2;
  const out = Buffer.allocUnsafe(frame * count + tail.length);
  let at = 0;
  for (let i = 0; i < count; i++) {
    at += headBytes.copy(out, at);
    out.fill(FILL, at, at + size);
    at += size;
    out[at++] = 13;
    out[at++] = 10;
  }
  out.write(tail, at, 'latin1');
  return out;
}

/** `count` × `PUB <subject> [reply] <size>` frames, then `tail` (e.g. a PING). */
export function pubFrames(subject: string, reply: string, size: number, count: number, tail = ''): Buffer {
  const head = reply === '' ? `PUB ${subject} ${size}\r\n` : `PUB ${subject} ${reply} ${size}\r\n`;
  return repeat(head, size, count, tail);
}

/** `count` × `MSG <subject> <sid> <size>` frames, as a server would deliver them. */
export function msgFrames(subject: string, sid: string, size: number, count: number): Buffer {
  return repeat(`MSG ${subject} ${sid} ${size}\r\n`, size, count, '');
}

/** How many frames of `frameBytes` make one write of about 64 KiB (at least 16). */
export function framesPerWrite(frameBytes: number): number {
  return Math.max(16, Math.min(4096, Math.floor(65536 / frameBytes)));
}
