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

  it('counts connections and subscriptions through its methods, a moving connection taking its subscriptions along', () => {
    const a = new Account('A');
    const b = new Account('B');
    a.addConnection();
    a.addSubscription();
    a.addSubscription();
    a.removeSubscription();
    expect([a.numConnections, a.numSubscriptions]).toEqual([1, 1]);
    a.removeConnection(1);
    b.addConnection(1);
    expect([a.numConnections, a.numSubscriptions, b.numConnections, b.numSubscriptions]).toEqual([0, 0, 1, 1]);
    b.usage.published(10);
    b.usage.delivered(4);
    b.usage.delivered(6);
    expect([b.usage.inMsgs, b.usage.inBytes, b.usage.outMsgs, b.usage.outBytes]).toEqual([1, 10, 2, 10]);
  });
});
