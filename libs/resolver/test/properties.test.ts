import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConfigError, parseConfig } from '@switchboard/config';
import { MemoryResolver, parseResolverConfig, ResolverError, UrlResolver } from '../src/index.js';
import { startAccountServer, type AccountServer } from './account-server.js';
import { createAccount, makeOperator, tempDir } from './helpers.js';

// Whatever is offered or answered, resolvers answer in their own terms and never throw.

const op = makeOperator();
const acct = createAccount();
const key = acct.getPublicKey();
const good = op.issue(acct);

/** Strings near a JWT: random text, and a good token with a few characters changed. */
const tokenish = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.tuple(fc.nat({ max: good.length - 1 }), fc.string({ minLength: 1, maxLength: 3 })).map(([i, s]) => good.slice(0, i) + s + good.slice(i + s.length)),
);

/**
 * base64url's last character carries spare bits that decoders ignore (Go's too), so a token can
 * differ from `good` in text and still be the same header, claims and signature: that one is good.
 */
function sameTokenBytes(a: string, b: string): boolean {
  const pa = a.split('.');
  const pb = b.split('.');
  return pa.length === 3 && pa.every((p, i) => Buffer.from(p, 'base64url').equals(Buffer.from(pb[i]!, 'base64url')));
}

/** `good` with another last character that decodes to the same bytes. */
function spareBitsTwin(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const twin = [...alphabet].map((c) => good.slice(0, -1) + c).find((t) => t !== good && sameTokenBytes(t, good));
  if (!twin) throw new Error('no spare-bits twin of the token');
  return twin;
}

describe('properties', () => {
  it('store never rejects and accepts nothing but the good token', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(key), fc.string({ maxLength: 60 })), tokenish, async (k, jwt) => {
        const r = new MemoryResolver({ trust: op.trust });
        const s = await r.store(k, jwt);
        if (s.status === 'stored') expect(sameTokenBytes(jwt.trim(), good)).toBe(true);
        else expect(s.status).toBe('rejected');
        expect(await r.fetch(k)).toBe(s.status === 'stored' ? jwt.trim() : undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('a token whose last base64url character differs only in spare bits is the same token', async () => {
    const s = await new MemoryResolver({ trust: op.trust }).store(key, spareBitsTwin());
    expect(s.status).toBe('stored');
  });

  it('parseResolverConfig throws nothing but ConfigError', () => {
    const value = fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.boolean(), fc.constant('MEM'), fc.constant('URL(http://h/)'), fc.constant(good));
    const map = fc.dictionary(fc.constantFrom('type', 'dir', 'ttl', 'interval', 'timeout', 'limit', 'allow_delete', 'x'), value);
    const config = fc.record(
      {
        resolver: fc.oneof(value, map),
        resolver_preload: fc.oneof(value, fc.dictionary(fc.string({ maxLength: 10 }), value)),
        resolver_cache_dir: value,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(config, (c) => {
        try {
          parseResolverConfig(c);
        } catch (e) {
          expect(e).toBeInstanceOf(ConfigError);
        }
      }),
      { numRuns: 500 },
    );
    expect(() => parseResolverConfig(parseConfig('resolver: MEM'))).not.toThrow();
  });
});

describe('URL answers', () => {
  let http: AccountServer;
  const tmp = tempDir();
  beforeAll(async () => (http = await startAccountServer()));
  afterAll(async () => {
    await http.close();
    tmp.remove();
  });

  it("answers a served token's spare-bits twin as the token it is (what the property below may draw)", async () => {
    const twin = spareBitsTwin();
    http.override.set(key, { body: twin });
    const r = new UrlResolver({ trust: op.trust, url: http.url, cacheDir: tmp.dir });
    try {
      expect(await r.fetch(key)).toBe(twin);
    } finally {
      await r.close();
    }
  });

  it('any body is either the good JWT or an invalid_jwt error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          tokenish,
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
        ),
        async (body) => {
          http.override.set(key, { body });
          const r = new UrlResolver({ trust: op.trust, url: http.url, cacheDir: tmp.dir });
          try {
            const got = await r.fetch(key).catch((e: unknown) => e);
            // The good token, or its twin that differs only in a last character's spare bits.
            if (typeof got === 'string') expect(sameTokenBytes(got, good)).toBe(true);
            else {
              expect(got).toBeInstanceOf(ResolverError);
              expect((got as ResolverError).code).toBe('invalid_jwt');
            }
          } finally {
            await r.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
