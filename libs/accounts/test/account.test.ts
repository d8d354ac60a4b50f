import { describe, expect, it } from 'vitest';
import { Account, GLOBAL_ACCOUNT, UNLIMITED } from '../src/index.js';

const sub = (subject: string) => ({ subject, queue: '' });

describe('Account', () => {
  it('has its own sublist: interest in one account is invisible in another', () => {
    const a = new Account('A');
    const b = new Account('B');
    a.sublist.insert(sub('orders.*'));
    expect(a.sublist.match('orders.new').psubs).toHaveLength(1);
    expect(b.sublist.match('orders.new').psubs).toHaveLength(0);
  });

  it('starts unlimited and takes partial limits', () => {
    expect(new Account(GLOBAL_ACCOUNT).limits).toEqual(UNLIMITED);
    expect(new Account('X', { maxConnections: 5 }).limits).toEqual({ ...UNLIMITED, maxConnections: 5 });
  });
});
