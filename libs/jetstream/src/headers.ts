/**
 * The few NATS header operations JetStream needs, on the raw block
 * (`NATS/1.0[ status]\r\nKey: value\r\n…\r\n\r\n`). Lookups are by exact key, as nats-server's
 * getHeader does (clients send these names in this case).
 */

export const HDR_MSG_ID = 'Nats-Msg-Id';
export const HDR_EXPECTED_STREAM = 'Nats-Expected-Stream';
export const HDR_EXPECTED_LAST_SEQ = 'Nats-Expected-Last-Sequence';
export const HDR_EXPECTED_LAST_SUBJ_SEQ = 'Nats-Expected-Last-Subject-Sequence';
export const HDR_EXPECTED_LAST_MSG_ID = 'Nats-Expected-Last-Msg-Id';
export const HDR_ROLLUP = 'Nats-Rollup';
export const HDR_REQUEST_INFO = 'Nats-Request-Info';
export const HDR_STREAM = 'Nats-Stream';
export const HDR_SUBJECT = 'Nats-Subject';
export const HDR_SEQUENCE = 'Nats-Sequence';
export const HDR_TIME_STAMP = 'Nats-Time-Stamp';
export const HDR_LAST_SEQUENCE = 'Nats-Last-Sequence';
export const HDR_RESPONSE_TYPE = 'Nats-Response-Type';
export const HDR_STREAM_SOURCE = 'Nats-Stream-Source';

const CRLF = '\r\n';

/** The value of `key` in a header block (first occurrence, trimmed), or null. */
export function getHeader(hdr: Buffer | Uint8Array | null, key: string): string | null {
  if (hdr === null || hdr.length === 0) return null;
  const text = Buffer.from(hdr.buffer, hdr.byteOffset, hdr.byteLength).toString('latin1');
  const needle = CRLF + key + ':';
  const at = text.indexOf(needle);
  if (at < 0) return null;
  const start = at + needle.length;
  const end = text.indexOf(CRLF, start);
  const raw = text.slice(start, end < 0 ? text.length : end).trim();
  return Buffer.from(raw, 'latin1').toString('utf8');
}

/** An unsigned integer header (nats-server parses with parseInt64 and ignores bad values). */
export function getUintHeader(hdr: Buffer | null, key: string): number | null {
  const v = getHeader(hdr, key);
  if (v === null || !/^\d+$/.test(v)) return null;
  return Number(v);
}

/** The block without `key` (all occurrences); null when nothing is left but the status line. */
export function removeHeader(hdr: Buffer, key: string): Buffer | null {
  const text = hdr.toString('latin1');
  if (!text.includes(CRLF + key + ':')) return hdr;
  const lines = text.split(CRLF);
  const kept = lines.filter((l, i) => i === 0 || !l.startsWith(key + ':'));
  const out = kept.join(CRLF);
  if (/^NATS\/1\.0\r\n\r\n$/.test(out)) return null;
  return Buffer.from(out, 'latin1');
}

/** `hdr` (or a new block) with `key: value` added before the closing blank line. */
export function appendHeaders(hdr: Uint8Array | null, pairs: readonly (readonly [string, string])[]): Buffer {
  let add = '';
  for (const [k, v] of pairs) add += `${k}: ${v}${CRLF}`;
  if (hdr === null || hdr.length === 0) return Buffer.from(`NATS/1.0${CRLF}${add}${CRLF}`, 'utf8');
  const base = Buffer.from(hdr.buffer, hdr.byteOffset, hdr.byteLength);
  // The block ends in CRLF CRLF: insert before the last CRLF.
  const head = base.subarray(0, base.length - 2);
  return Buffer.concat([head, Buffer.from(add + CRLF, 'utf8')]);
}
