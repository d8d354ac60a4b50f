import { JwtError } from './errors.js';

// Go's base64.RawURLEncoding: URL alphabet, no padding. Buffer's decoder silently skips bad
// characters, so the alphabet and length are checked first.
const RAW_URL = /^[A-Za-z0-9_-]*$/;
const STD = /^[A-Za-z0-9+/]*={0,2}$/;

export function encodeBase64Url(data: Uint8Array | string): string {
  return (typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength)).toString('base64url');
}

/** Strict raw base64url decode; throws JwtError('bad_base64'). */
export function decodeBase64Url(s: string, what: string): Buffer {
  if (!RAW_URL.test(s) || s.length % 4 === 1) {
    throw new JwtError('bad_base64', `${what} is not valid base64url`);
  }
  return Buffer.from(s, 'base64url');
}

/**
 * A CONNECT `sig` as clients send it: raw base64url (nats.js, nats.go) or, as nats-server
 * allows, standard base64. Returns undefined when it is neither.
 */
export function decodeSig(s: string): Buffer | undefined {
  if (RAW_URL.test(s) && s.length % 4 !== 1) return Buffer.from(s, 'base64url');
  if (STD.test(s) && s.length % 4 === 0) return Buffer.from(s, 'base64');
  return undefined;
}
