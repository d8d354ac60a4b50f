import { createHash } from 'node:crypto';
import type { ClaimsData, GenericFields } from './claims.js';
import type { ExportType } from './account-claims.js';

export interface Activation extends GenericFields {
  /** The exported subject the holder may import. */
  subject?: string;
  kind?: ExportType;
  issuer_account?: string;
}

/** `sub` is the importing account; `iss` the exporting account (or its signing key). */
export type ActivationClaims = ClaimsData<Activation>;

export function newActivationClaims(importer: string, subject: string, kind: ExportType, name?: string): ActivationClaims {
  const c: ActivationClaims = { sub: importer, nats: { subject, kind, type: 'activation', version: 2 } };
  if (name !== undefined) c.name = name;
  return c;
}

/** nats-io/jwt's ActivationClaims.HashID: base32(sha256("iss.sub.cleanSubject")), used to revoke activations. */
export function activationHashId(c: ActivationClaims): string {
  const subject = c.nats.subject ?? '';
  if (!c.iss || !c.sub || !subject) throw new TypeError('activation claims need iss, sub and nats.subject for a hash id');
  const tokens = subject.split('.');
  let cleaned = subject;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === '*' || tokens[i] === '>') {
      cleaned = i === 0 ? '_' : tokens.slice(0, i).join('.');
      break;
    }
  }
  return base32Std(createHash('sha256').update(`${c.iss}.${c.sub}.${cleaned}`).digest(), true);
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, optionally '='-padded (Go's base32.StdEncoding). */
export function base32Std(data: Uint8Array, pad: boolean): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  if (pad) while (out.length % 8 !== 0) out += '=';
  return out;
}
