import { describe, expect, it } from 'vitest';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from '@switchboard/identity';

describe('passwords', () => {
  it('hashes with scrypt and a fresh salt, and verifies only the same password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });

  it('keeps working when the parameters are raised (they are stored with the hash)', async () => {
    const weak = await hashPassword('another long secret', { N: 1 << 12, r: 8, p: 1 });
    expect(weak.startsWith('scrypt$4096$8$1$')).toBe(true);
    expect(await verifyPassword('another long secret', weak)).toBe(true);
  });

  it('never verifies anything against the decoy', async () => {
    expect(await verifyPassword('', await decoyHash())).toBe(false);
    expect(await verifyPassword('password12345', await decoyHash())).toBe(false);
  });

  it('asks for length, variety and no email, in words a person reads', () => {
    expect(passwordProblem('short')).toBe('Use at least 10 characters.');
    expect(passwordProblem('x'.repeat(201))).toBe('Use at most 200 characters.');
    expect(passwordProblem('aaaaabbbbbb')).toBe('Use more than three different characters.');
    expect(passwordProblem('alice-2026-pass', 'alice@example.com')).toBe('Do not use your email address in the password.');
    expect(passwordProblem('a long enough passphrase', 'alice@example.com')).toBeUndefined();
  });
});
