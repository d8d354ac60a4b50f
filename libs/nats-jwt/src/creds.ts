import { JwtError } from './errors.js';
import { decode } from './jwt.js';
import { publicKeyOfSeed, seedRole } from './nkey.js';

// The decorated formats nsc writes (nats-io/jwt v2 creds_utils.go: FormatUserConfig,
// DecorateJWT, DecorateSeed), reproduced byte for byte.

function decorateJwtKind(kind: string, token: string): string {
  const k = kind.toUpperCase();
  return `-----BEGIN NATS ${k} JWT-----\n${token}\n------END NATS ${k} JWT------\n\n`;
}

/** A JWT wrapped as nsc prints it ("-----BEGIN NATS ACCOUNT JWT-----" …). Throws JwtError on a malformed token. */
export function decorateJwt(token: string): string {
  return decorateJwtKind(decode(token).type, token);
}

/** A seed wrapped with nsc's warning block. */
export function decorateSeed(seed: string): string {
  const s = seed.trim();
  const role = seedRole(s);
  const kind = role === 'U' ? 'USER' : role === 'A' ? 'ACCOUNT' : role === 'O' ? 'OPERATOR' : undefined;
  if (!kind) throw new JwtError('bad_key', 'seed is not an operator, account or user seed');
  return (
    '************************* IMPORTANT *************************\n' +
    'NKEY Seed printed below can be used to sign and prove identity.\n' +
    'NKEYs are sensitive and should be treated as secrets.\n\n' +
    `-----BEGIN ${kind} NKEY SEED-----\n${s}\n------END ${kind} NKEY SEED------\n\n` +
    '*************************************************************\n'
  );
}

/**
 * A `.creds` file exactly as `nsc generate creds` writes it. The JWT must be a user JWT whose
 * subject is the seed's public key.
 */
export function formatCreds(userJwt: string, userSeed: string | Uint8Array): string {
  const seed = (typeof userSeed === 'string' ? userSeed : Buffer.from(userSeed).toString('latin1')).trim();
  const d = decode(userJwt);
  if (d.type !== 'user') throw new JwtError('wrong_type', `${JSON.stringify(d.type).slice(0, 40)} cannot be serialized as a user config`);
  if (seedRole(seed) !== 'U') throw new JwtError('bad_key', 'nkey seed is not an user seed');
  if (seedPublicKey(seed) !== d.claims.sub) throw new JwtError('bad_key', 'nkey seed does not match the jwt subject');
  return decorateJwtKind('user', userJwt) + decorateSeed(seed);
}

function seedPublicKey(seed: string): string {
  const pk = publicKeyOfSeed(seed);
  if (pk === undefined) throw new JwtError('bad_key', 'nkey seed is not valid');
  return pk;
}

// nats-io's userConfigRE: a dashed line, the value, a dashed line.
const BLOCK = /\s*(?:(?:-{3,}.*-{3,}\r?\n)([\w\-.=]+)(?:\r?\n-{3,}.*-{3,}(\r?\n|$)))/g;

function blocks(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(BLOCK)) out.push(m[1]!);
  return out;
}

/** The first decorated JWT in `text`, or `text` itself (trimmed) when it holds no blocks (as nats-io's ParseDecoratedJWT). */
export function parseDecoratedJwt(text: string): string {
  if (typeof text !== 'string') throw new JwtError('bad_creds', 'decorated JWT is not text');
  const b = blocks(text);
  return b.length > 0 ? b[0]! : text.trim();
}

export interface Creds {
  jwt: string;
  seed: string;
}

/**
 * Reads a `.creds` file: the user JWT block then the seed block. Checks that the JWT decodes as
 * a user JWT and the seed is a user seed for its subject; throws JwtError('bad_creds' …) otherwise.
 */
export function parseCreds(text: string | Uint8Array): Creds {
  const s = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
  const b = blocks(s);
  if (b.length < 2) throw new JwtError('bad_creds', 'creds file needs a JWT block and a seed block');
  const [jwt, seed] = b as [string, string];
  let d;
  try {
    d = decode(jwt);
  } catch (e) {
    throw new JwtError('bad_creds', `creds JWT is not valid: ${e instanceof JwtError ? e.message : 'malformed'}`);
  }
  if (d.type !== 'user') throw new JwtError('bad_creds', 'creds JWT is not a user JWT');
  if (seedRole(seed) !== 'U') throw new JwtError('bad_creds', 'creds seed is not a user seed');
  if (seedPublicKey(seed) !== d.claims.sub) throw new JwtError('bad_creds', 'creds seed does not match the JWT subject');
  return { jwt, seed };
}
