import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { authorizeUser, decode, JwtError, MaxTokenSize, parseCreds, parseDecoratedJwt, verify, formatCreds, type DecodedJwt } from '../src/index.js';
import { makeWorld, seedOf } from './helpers.js';

// Bad input must end in a JwtError (or a refusal), never another exception, never a pass.
const w = makeWorld();
const NONCE = 'R4nd0mN0nc3';
const SIG = Buffer.from(w.user.sign(Buffer.from(NONCE))).toString('base64url');
const ORIGINAL = decode(w.userJwt);

function onlyJwtError(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof JwtError)) throw e;
    expect(e.message.length).toBeGreaterThan(0);
    return e;
  }
}

// A mutated token may still verify only if it decodes to the very same bytes (base64url's unused
// low bits in a segment's last character carry nothing): then nothing was forged.
function sameContent(d: DecodedJwt): boolean {
  return (
    JSON.stringify(d.claims) === JSON.stringify(ORIGINAL.claims) &&
    JSON.stringify(d.header) === JSON.stringify(ORIGINAL.header) &&
    Buffer.from(d.signature).equals(Buffer.from(ORIGINAL.signature))
  );
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const mutation = fc.oneof(
  // replace one character
  fc.tuple(fc.nat(), fc.constantFrom(...(B64URL + '.=+/ \n{"').split(''))).map(([i, ch]) => (t: string) => {
    const p = i % t.length;
    return t.slice(0, p) + ch + t.slice(p + 1);
  }),
  // truncate
  fc.nat().map((i) => (t: string) => t.slice(0, i % t.length)),
  // delete a span
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 40 })).map(([i, n]) => (t: string) => {
    const p = i % t.length;
    return t.slice(0, p) + t.slice(p + n);
  }),
  // insert random text
  fc.tuple(fc.nat(), fc.string({ maxLength: 20 })).map(([i, s]) => (t: string) => {
    const p = i % t.length;
    return t.slice(0, p) + s + t.slice(p);
  }),
);

describe('property: malformed, mutated and random tokens', () => {
  it('random strings never decode into anything but JwtError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const r = onlyJwtError(() => verify(s));
        expect(r).toBeInstanceOf(JwtError);
      }),
      { numRuns: 500 },
    );
  });

  it('random dotted base64url / JSON segments never verify', () => {
    const seg = fc.oneof(
      fc.string({ maxLength: 60 }).map((s) => Buffer.from(s).toString('base64url')),
      fc.json().map((s) => Buffer.from(s).toString('base64url')),
      fc.constant(w.userJwt.split('.')[0]!),
    );
    fc.assert(
      fc.property(seg, seg, seg, (a, b, c) => {
        expect(onlyJwtError(() => verify(`${a}.${b}.${c}`))).toBeInstanceOf(JwtError);
      }),
      { numRuns: 300 },
    );
  });

  it('mutated valid tokens are refused unless their content is unchanged', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        const token = ms.reduce((t, m) => m(t), w.userJwt);
        const r = onlyJwtError(() => verify(token));
        if (!(r instanceof JwtError)) expect(sameContent(r as DecodedJwt)).toBe(true);
        const a = authorizeUser({ userJwt: token, accountJwt: w.accountJwt, trust: w.trust, nonce: NONCE, sig: SIG });
        if (a.ok) expect(sameContent(decode(token))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('mutated account JWTs never authorize a user unless unchanged', () => {
    const original = decode(w.accountJwt);
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        const token = ms.reduce((t, m) => m(t), w.accountJwt);
        const a = authorizeUser({ userJwt: w.userJwt, accountJwt: token, trust: w.trust, nonce: NONCE, sig: SIG });
        if (a.ok) expect(JSON.stringify(decode(token).claims)).toBe(JSON.stringify(original.claims));
      }),
      { numRuns: 300 },
    );
  });

  it('random and mutated nonce signatures never authorize', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 100 }),
          fc.uint8Array({ minLength: 0, maxLength: 80 }).map((b) => Buffer.from(b).toString('base64url')),
        ),
        (sig) => {
          fc.pre(sig !== SIG && Buffer.from(sig, 'base64url').toString('hex') !== Buffer.from(SIG, 'base64url').toString('hex'));
          const r = authorizeUser({ userJwt: w.userJwt, accountJwt: w.accountJwt, trust: w.trust, nonce: NONCE, sig });
          expect(r.ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('oversized tokens are refused before parsing', () => {
    const big = `${w.userJwt.split('.')[0]}.${'A'.repeat(MaxTokenSize)}.x`;
    expect(() => decode(big)).toThrow(expect.objectContaining({ code: 'too_large' }));
    expect(authorizeUser({ userJwt: big, accountJwt: w.accountJwt, trust: w.trust, nonce: NONCE, sig: SIG })).toMatchObject({
      ok: false,
      code: 'user_jwt_invalid',
    });
  });

  it('non-string inputs are refused with JwtError', () => {
    for (const v of [undefined, null, 42, {}, ['a.b.c']]) {
      expect(() => decode(v as unknown as string)).toThrow(JwtError);
      expect(authorizeUser({ userJwt: v as unknown as string, accountJwt: w.accountJwt, trust: w.trust }).ok).toBe(false);
    }
  });

  it('specific malformations get their own codes', () => {
    const [h, p, s] = w.userJwt.split('.') as [string, string, string];
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const cases: [string, string][] = [
      ['a.b', 'malformed'],
      [`${h}.${p}.${s}.x`, 'malformed'],
      [`${h}!.${p}.${s}`, 'bad_base64'],
      [`${b64('x').slice(0, -1)}.${p}.${s}`, 'bad_json'],
      [`${b64([1])}.${p}.${s}`, 'bad_json'],
      [`${b64({ typ: 'JWS', alg: 'ed25519-nkey' })}.${p}.${s}`, 'bad_header'],
      [`${b64({ typ: 'jwt', alg: 'HS256' })}.${p}.${s}`, 'bad_header'],
      [`${b64({ typ: 'jwt', alg: 'ed25519' })}.${p}.${s}`, 'unsupported_version'],
      [`${h}.${b64({ ...claims, nats: { ...claims.nats, version: 3 } })}.${s}`, 'unsupported_version'],
      [`${h}.${b64({ ...claims, nats: undefined })}.${s}`, 'bad_claims'],
      [`${h}.${b64({ ...claims, exp: 'soon' })}.${s}`, 'bad_claims'],
      [`${h}.${b64({ ...claims, iss: w.user.getPublicKey() })}.${s}`, 'bad_issuer'],
      [`${h}.${b64({ ...claims, iss: 'AXXX' })}.${s}`, 'bad_issuer'],
      [`${h}.${p}.${s.slice(0, 40)}`, 'bad_signature'],
      [`${h}.${b64({ ...claims, name: 'mallory' })}.${s}`, 'bad_signature'],
    ];
    for (const [token, want] of cases) {
      const r = onlyJwtError(() => verify(token));
      expect([token.slice(0, 30), (r as JwtError).code]).toEqual([token.slice(0, 30), want]);
    }
    expect(() => verify(w.userJwt, { type: 'account' })).toThrow(expect.objectContaining({ code: 'wrong_type' }));
  });
});

describe('property: creds parsing', () => {
  const creds = formatCreds(w.userJwt, seedOf(w.user));

  it('random and mutated creds text gives JwtError or the original pair', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.array(mutation, { minLength: 1, maxLength: 2 }).map((ms) => ms.reduce((t, m) => m(t), creds)),
        ),
        (text) => {
          const r = onlyJwtError(() => parseCreds(text));
          if (!(r instanceof JwtError)) {
            const c = r as { jwt: string; seed: string };
            expect(decode(c.jwt).claims.sub).toBe(w.user.getPublicKey());
            expect(c.seed).toBe(seedOf(w.user));
          }
          expect(typeof parseDecoratedJwt(text)).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('creds with a seed for another user or an account seed are refused', () => {
    const other = makeWorld();
    const swapped = creds.replace(seedOf(w.user), seedOf(other.user));
    expect(() => parseCreds(swapped)).toThrow(expect.objectContaining({ code: 'bad_creds' }));
    expect(() => parseCreds(creds.replace(seedOf(w.user), seedOf(w.account)))).toThrow(JwtError);
    expect(() => formatCreds(w.userJwt, seedOf(other.user))).toThrow(JwtError);
    expect(() => formatCreds(w.accountJwt, seedOf(w.user))).toThrow(JwtError);
  });

  it('decorated JWTs and CRLF creds are read', () => {
    expect(parseDecoratedJwt(`-----BEGIN NATS ACCOUNT JWT-----\n${w.accountJwt}\n------END NATS ACCOUNT JWT------\n`)).toBe(w.accountJwt);
    expect(parseDecoratedJwt(`  ${w.accountJwt}\n`)).toBe(w.accountJwt);
    expect(parseCreds(creds.replace(/\n/g, '\r\n'))).toEqual({ jwt: w.userJwt, seed: seedOf(w.user) });
  });
});
