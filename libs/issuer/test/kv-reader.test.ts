// The KV reader user: signed by the account's signing key, a minute to live, permissions naming
// only its bucket's read subjects. (That nats-server enforces them is shown by the control plane's
// jetstream-routes test, which reads and fails to write through one.)
import { createAccount } from '@nats-io/nkeys';
import { describe, expect, it } from 'vitest';
import { verify, type UserClaims } from '@switchboard/nats-jwt';
import { IssuerError, issueKvReader, kvReaderPermissions, KV_READER_TTL_MS } from '@switchboard/issuer';

describe('KV reader user', () => {
  const account = createAccount();
  const signer = createAccount();

  it('is signed by the signing key for the account, expires after a minute, and may read only its bucket', () => {
    const now = Date.now();
    const r = issueKvReader({ account: account.getPublicKey(), bucket: 'config', inboxPrefix: '_INBOX_console.abc' }, signer, now);
    const { claims } = verify(r.jwt, { type: 'user', now }) as { claims: UserClaims };
    expect(claims.iss).toBe(signer.getPublicKey());
    expect(claims.nats.issuer_account).toBe(account.getPublicKey());
    expect(claims.sub).toBe(r.pair.getPublicKey());
    expect(claims.exp).toBe(Math.floor((now + KV_READER_TTL_MS) / 1000));
    expect(r.expiresAt.getTime()).toBe(now + KV_READER_TTL_MS);
    const pub = claims.nats.pub?.allow ?? [];
    expect(pub.every((s) => s === '$JS.API.INFO' || s.includes('.KV_config'))).toBe(true);
    expect(pub.some((s) => s.startsWith('$KV.'))).toBe(false);
    expect(pub.some((s) => /STREAM\.(UPDATE|DELETE|PURGE|CREATE)|MSG\.DELETE|CONSUMER|\$JS\.FC/.test(s))).toBe(false);
    expect(claims.nats.sub?.allow).toEqual(['_INBOX_console.abc.>']);
    // No seed in the token.
    expect(r.jwt).not.toContain(new TextDecoder().decode(r.pair.getSeed()));
    r.pair.clear();
  });

  it('refuses a bucket name that would widen the subjects', () => {
    for (const bad of ['a.b', '*', '>', 'a b', '']) expect(() => kvReaderPermissions(bad, '_INBOX')).toThrow(IssuerError);
  });
});
