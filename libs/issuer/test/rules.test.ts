import { describe, expect, it } from 'vitest';
import { accountDeletionProblem, accountLimitProblem, importProblem, isSuspended, signingKeyRevocationProblem, tenantScopeProblem } from '../src/rules.js';

describe('tenancy rules', () => {
  it('suspension: anything but active is suspended', () => {
    expect(isSuspended('active')).toBe(false);
    expect(isSuspended('suspended')).toBe(true);
  });

  it("plan account count: the plan's maxAccounts is a cap", () => {
    const plan = { name: 'team', maxAccounts: 2 };
    expect(accountLimitProblem(plan, 0)).toBeUndefined();
    expect(accountLimitProblem(plan, 1)).toBeUndefined();
    expect(accountLimitProblem(plan, 2)).toBe('plan team allows 2 account(s)');
    expect(accountLimitProblem(plan, 5)).toBe('plan team allows 2 account(s)');
  });

  it('the system account (no tenant) is never deleted', () => {
    expect(accountDeletionProblem({ tenantId: null })).toMatch(/system account/);
    expect(accountDeletionProblem({ tenantId: 't' })).toBeUndefined();
  });

  it('last signing key: unknown keys, the last key refused; others may go', () => {
    expect(signingKeyRevocationProblem(['A1', 'A2'], 'A3')).toBe('unknown');
    expect(signingKeyRevocationProblem(['A1'], 'A1')).toMatch(/last signing key/);
    expect(signingKeyRevocationProblem(['A1', 'A2'], 'A1')).toBeUndefined();
    expect(signingKeyRevocationProblem([], 'A1')).toBe('unknown');
  });

  it('tenant scope: a tenant names only itself; operators anyone', () => {
    expect(tenantScopeProblem('t1', undefined)).toBeUndefined();
    expect(tenantScopeProblem('t1', 't1')).toBeUndefined();
    expect(tenantScopeProblem('t1', 't2')).toMatch(/only act on itself/);
    expect(tenantScopeProblem(undefined, 't2')).toBeUndefined();
  });

  it('imports: not from itself; a token when every export covering the subject requires one', () => {
    const base = { importer: 'AI', exporter: 'AE', type: 'service' as const };
    const exports = [
      { subject: 'priv.>', type: 'service', tokenRequired: true },
      { subject: 'pub.>', type: 'stream', tokenRequired: false },
      { subject: 'mixed.*', type: 'service', tokenRequired: true },
      { subject: 'mixed.>', type: 'service', tokenRequired: false },
    ];
    expect(importProblem({ ...base, exporter: 'AI', subject: 'x' }, [])).toEqual({ field: 'account', message: expect.stringMatching(/itself/) });
    expect(importProblem({ ...base, subject: 'priv.>' }, exports)).toEqual({ field: 'token', message: expect.stringMatching(/token is needed/) });
    expect(importProblem({ ...base, subject: 'priv.a.b' }, exports)?.field).toBe('token');
    expect(importProblem({ ...base, subject: 'priv.>', token: 'jwt' }, exports)).toBeUndefined();
    // Same subject, other type: not covered.
    expect(importProblem({ ...base, type: 'stream', subject: 'priv.x' }, exports)).toBeUndefined();
    // A public export covering it too: importable without a token.
    expect(importProblem({ ...base, subject: 'mixed.a' }, exports)).toBeUndefined();
    // Wider than any export, or an exporter we do not hold: the broker decides.
    expect(importProblem({ ...base, subject: '>' }, exports)).toBeUndefined();
    expect(importProblem({ ...base, subject: 'priv.x' }, [])).toBeUndefined();
  });
});
