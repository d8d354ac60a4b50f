import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Account } from '../src/account.js';
import { extensionTags, limitsFromClaims, limitViolation, UNLIMITED } from '../src/limits.js';

describe('limitsFromClaims', () => {
  it('reads nats-server limits: conn 0 is a limit, subs/payload 0 mean unset, -1 unlimited', () => {
    expect(limitsFromClaims({ limits: { conn: 0, subs: 0, payload: 0 } })).toMatchObject({ maxConnections: 0, maxSubscriptions: -1, maxPayload: -1 });
    expect(limitsFromClaims({ limits: { conn: 3, subs: 5, payload: 100 } })).toMatchObject({ maxConnections: 3, maxSubscriptions: 5, maxPayload: 100 });
    expect(limitsFromClaims({ limits: { conn: -1, subs: -1, payload: -1 } })).toEqual(UNLIMITED);
    expect(limitsFromClaims({})).toEqual(UNLIMITED);
  });

  it('reads the Switchboard limits from sb: tags, in any case, ignoring other and malformed tags', () => {
    const l = limitsFromClaims({
      tags: ['team:red', 'SB:Rate_Msgs=1000', 'sb:rate_bytes = 2048', 'sb:subs_total=7', 'sb:rate_msgs=-5', 'sb:nope=1', 'sb:rate_bytes', 42],
    });
    expect(l).toMatchObject({ rateMsgs: 1000, rateBytes: 2048, maxAccountSubscriptions: 7 });
  });

  it('round-trips through extensionTags', () => {
    const tags = extensionTags({ rateMsgs: 10, rateBytes: 20, maxAccountSubscriptions: -1 });
    expect(tags).toEqual(['sb:rate_msgs=10', 'sb:rate_bytes=20']);
    expect(limitsFromClaims({ tags })).toMatchObject({ rateMsgs: 10, rateBytes: 20, maxAccountSubscriptions: -1 });
  });

  it('never throws on arbitrary claims', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (limits, tags) => {
        const l = limitsFromClaims({ limits: limits as never, tags });
        for (const v of Object.values(l)) expect(Number.isInteger(v) && v >= -1).toBe(true);
      }),
    );
  });
});

describe('Account.setLimits', () => {
  it('makes, changes and drops the rate limiter', () => {
    const a = new Account('A');
    expect(a.rate).toBeNull();
    a.setLimits({ rateMsgs: 100 });
    const r = a.rate;
    expect(r?.active).toBe(true);
    a.setLimits({ rateMsgs: 50, rateBytes: 1000 });
    expect(a.rate).toBe(r);
    a.setLimits({});
    expect(a.rate).toBeNull();
    expect(a.limits).toEqual(UNLIMITED);
  });
});

describe('limitViolation', () => {
  it('reports more imports or exports than the limits allow, in nats-server words', () => {
    expect(limitViolation({ limits: { exports: 1 }, exports: [{}, {}] })).toBe('the account contains more exports than allowed by the operator');
    expect(limitViolation({ limits: { imports: 0 }, imports: [{}] })).toBe('the account contains more imports than allowed by the operator');
    expect(limitViolation({ limits: { imports: -1, exports: 2 }, imports: [{}, {}, {}], exports: [{}, {}] })).toBeNull();
    expect(limitViolation({})).toBeNull();
  });
});
