// Passwords: scrypt (node:crypto) with a random salt; the stored string names its parameters so
// they can be raised later without breaking existing hashes. A password is never logged or returned.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LEN = 32;
// N=2^15, r=8: ~32 MiB and ~50 ms per hash on this class of machine (OWASP's scrypt minimum is N=2^17
// with p=1 or N=2^15 with p=3..; we take p=1 and rely on the sign-in rate limit for the rest).
const DEFAULTS = { N: 1 << 15, r: 8, p: 1 };

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const opts: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 128 * o.N * o.r * 2 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_LEN, opts, (e, k) => (e ? reject(e) : resolve(k))));
}

/** `scrypt$N$r$p$<salt b64>$<key b64>` */
export async function hashPassword(password: string, params = DEFAULTS): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const got = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

let decoy: Promise<string> | undefined;
/** A hash of a password nobody knows: checked when the email is unknown, so both answers take as long. */
export const decoyHash = (): Promise<string> => (decoy ??= hashPassword(randomBytes(24).toString('base64')));

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

/**
 * What is wrong with a new password, in words for the person typing it; undefined when it is fine.
 * Length is what matters (NIST SP 800-63B): no composition rules, but not the email, not one repeated character.
 */
export function passwordProblem(password: string, email?: string): string | undefined {
  const chars = [...password];
  if (chars.length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (chars.length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  if (new Set(chars).size < 4) return 'Use more than three different characters.';
  if (email && password.toLowerCase().includes(email.toLowerCase().split('@')[0]!) && email.split('@')[0]!.length >= 4) {
    return 'Do not use your email address in the password.';
  }
  return undefined;
}
