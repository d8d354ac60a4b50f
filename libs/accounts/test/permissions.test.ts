import { describe, expect, it } from 'vitest';
import { Permissions } from '../src/index.js';

describe('Permissions', () => {
  it('publish: allow list must match, deny overrides', () => {
    const p = new Permissions({ publish: { allow: ['orders.>', 'ping'], deny: ['orders.secret'] } });
    expect(p.canPublish('orders.new')).toBe(true);
    expect(p.canPublish('ping')).toBe(true);
    expect(p.canPublish('pong')).toBe(false);
    expect(p.canPublish('orders.secret')).toBe(false);
    // Cached verdicts stay the same.
    expect(p.canPublish('orders.secret')).toBe(false);
    expect(p.canPublish('orders.new')).toBe(true);
  });

  it('publish: an empty allow list allows nothing, no lists allow everything', () => {
    expect(new Permissions({ publish: { allow: [] } }).canPublish('x')).toBe(false);
    expect(new Permissions({}).canPublish('x')).toBe(true);
  });

  it('subscribe: wildcard subscriptions are matched token by token against the lists', () => {
    const p = new Permissions({ subscribe: { allow: ['allowed.*'] } });
    expect(p.canSubscribe('allowed.x', '')).toBe(true);
    expect(p.canSubscribe('allowed.*', '')).toBe(true);
    expect(p.canSubscribe('allowed.x.y', '')).toBe(false);
    expect(p.canSubscribe('>', '')).toBe(false);
    expect(p.canSubscribe('allowed.*', 'q')).toBe(true);
  });

  it('subscribe: queue entries restrict the queue names', () => {
    const p = new Permissions({ subscribe: { allow: ['jobs.* workers', 'jobs.* v1.*'] } });
    expect(p.canSubscribe('jobs.a', 'workers')).toBe(true);
    expect(p.canSubscribe('jobs.a', 'v1.blue')).toBe(true);
    expect(p.canSubscribe('jobs.a', 'thieves')).toBe(false);
    const d = new Permissions({ subscribe: { deny: ['jobs.* thieves'] } });
    expect(d.canSubscribe('jobs.a', 'thieves')).toBe(false);
    expect(d.canSubscribe('jobs.a', 'workers')).toBe(true);
  });

  it('deny: wildcard subscriptions that overlap denied subjects filter deliveries', () => {
    const p = new Permissions({ subscribe: { deny: ['secret.>'] } });
    expect(p.canSubscribe('secret.x', '')).toBe(false);
    expect(p.canSubscribe('>', '')).toBe(true);
    expect(p.overlapsDeny('>')).toBe(true);
    expect(p.overlapsDeny('public.*')).toBe(false);
    expect(p.overlapsDeny('public')).toBe(false);
    expect(p.deniesDelivery('secret.plans')).toBe(true);
    expect(p.deniesDelivery('public')).toBe(false);
  });
});
