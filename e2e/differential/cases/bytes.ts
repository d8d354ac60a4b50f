// Byte builders for the cases: sizes computed, so the scripts stay readable.

/** PUB with the byte count computed, so cases stay readable. */
export function pub(subject: string, payload: string, reply?: string): string {
  return `PUB ${subject}${reply ? ` ${reply}` : ''} ${Buffer.byteLength(payload)}\r\n${payload}\r\n`;
}

/** HPUB from a header block ("NATS/1.0\r\nK: v\r\n\r\n") and a payload. */
export function hpub(subject: string, headers: string, payload: string, reply?: string): string {
  const h = Buffer.byteLength(headers);
  return `HPUB ${subject}${reply ? ` ${reply}` : ''} ${h} ${h + Buffer.byteLength(payload)}\r\n${headers}${payload}\r\n`;
}

/** The reply subject of the last MSG or HMSG line in what a connection received. */
export function lastReply(received: string): string {
  const lines = received.split('\r\n').filter((l) => /^H?MSG /.test(l));
  const args = lines.at(-1)?.split(' ') ?? [];
  // MSG subject sid [reply] size / HMSG subject sid [reply] hdr size
  const withReply = args[0] === 'MSG' ? args.length === 5 : args.length === 6;
  return withReply ? args[3]! : 'no.reply.seen';
}

/** A header block with a repeated key, as clients send it. */
export const HDRS = 'NATS/1.0\r\nX-Trace: abc\r\nX-Trace: def\r\n\r\n';
