import { describe, expect, it } from 'vitest';
import { apiRoleOf, memberChangeProblem, SignInLimiter } from '@switchboard/identity';

describe('SignInLimiter', () => {
  it('refuses an email after its failures, says how long to wait, and forgets them after the window', () => {
    let t = 1_000_000;
    const l = new SignInLimiter({ perEmail: 3, perAddress: 100, windowMs: 60_000 }, () => t);
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfter('a@x', '1.1.1.1')).toBe(0);
      l.failed('a@x', '1.1.1.1');
      t += 1000;
    }
    expect(l.retryAfter('a@x', '1.1.1.1')).toBe(57_000);
    expect(l.retryAfter('a@x', '2.2.2.2')).toBe(57_000); // per email, whatever the address
    expect(l.retryAfter('b@x', '1.1.1.1')).toBe(0);
    t += 57_000;
    expect(l.retryAfter('a@x', '1.1.1.1')).toBe(0);
  });

  it('limits one address trying many emails; a success clears only the email', () => {
    const t = 5;
    const l = new SignInLimiter({ perEmail: 2, perAddress: 3, windowMs: 1000 }, () => t);
    l.failed('a@x', 'ip');
    l.failed('b@x', 'ip');
    l.failed('c@x', 'ip');
    expect(l.retryAfter('d@x', 'ip')).toBe(1000);
    expect(l.retryAfter('d@x', 'other')).toBe(0);
    l.failed('e@x', 'other');
    l.failed('e@x', 'other');
    expect(l.retryAfter('e@x', 'third')).toBe(1000);
    l.succeeded('e@x');
    expect(l.retryAfter('e@x', 'third')).toBe(0);
  });
});

describe('roles', () => {
  it('maps member roles to API roles', () => {
    expect(apiRoleOf('owner')).toBe('tenant_admin');
    expect(apiRoleOf('admin')).toBe('tenant_admin');
    expect(apiRoleOf('member')).toBe('tenant_member');
    expect(apiRoleOf('viewer')).toBe('tenant_viewer');
  });

  it('keeps the last owner and lets only owners touch owners', () => {
    expect(memberChangeProblem('owner', 'owner', 1, 'remove')).toMatch(/at least one owner/);
    expect(memberChangeProblem('owner', 'owner', 2, 'remove')).toBeUndefined();
    expect(memberChangeProblem('admin', 'owner', 2, 'member')).toMatch(/Only an owner/);
    expect(memberChangeProblem('admin', 'member', 1, 'owner')).toMatch(/Only an owner/);
    expect(memberChangeProblem('admin', 'viewer', 1, 'member')).toBeUndefined();
  });
});
