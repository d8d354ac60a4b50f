import { parseConfig } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { waitFor } from '@switchboard/testing';
import { optionsFromConfig, Server } from '../src/index.js';
import { FakeTransport } from './fake-transport.js';

const CONFIG = `
accounts {
  A: { users: [ { user: a, password: a } ], switchboard: { rate_msgs: 100, subs_total: 3 } }
  B: { users: [ { user: b, password: b } ] }
}
ping_interval: "1h"
`;

function setup() {
  const { options } = optionsFromConfig(parseConfig(CONFIG));
  const server = new Server(options);
  const connect = (user: string) => {
    const t = new FakeTransport();
    const client = server.accept(t)!;
    t.send(`CONNECT {"verbose":false,"user":"${user}","pass":"${user}"}\r\n`);
    t.fresh();
    return { t, client };
  };
  return { server, connect };
}

describe('account limits in the broker', () => {
  it('reads the switchboard block of a config-file account', () => {
    const { server } = setup();
    expect(server.accounts.get('A')!.limits).toMatchObject({ rateMsgs: 100, maxAccountSubscriptions: 3, rateBytes: -1 });
    expect(server.accounts.get('A')!.rate).not.toBeNull();
    expect(server.accounts.get('B')!.rate).toBeNull();
    server.shutdown();
  });

  it('refuses unknown or negative switchboard keys with a clear error', () => {
    expect(() => optionsFromConfig(parseConfig('accounts { A: { switchboard: { rate_msg: 1 } } }'))).toThrow(/unknown key "rate_msg".*rate_msgs/);
    expect(() => optionsFromConfig(parseConfig('accounts { A: { switchboard: { rate_msgs: -1 } } }'))).toThrow(/rate_msgs must not be negative/);
    expect(() => optionsFromConfig(parseConfig('accounts { A: { switchboard: 5 } }'))).toThrow(/must be a map/);
  });

  it('a flooding chunk over the rate pauses the publisher, delivers everything, and leaves other accounts alone', async () => {
    const { server, connect } = setup();
    const aSub = connect('a');
    const aPub = connect('a');
    const bSub = connect('b');
    const bPub = connect('b');
    aSub.t.send('SUB f 1\r\n');
    bSub.t.send('SUB g 1\r\n');
    aPub.t.send('PUB f 1\r\nx\r\n'.repeat(50));
    expect(aPub.t.paused).toBe(true);
    expect(aPub.client.rateLimited).toBe(true);
    expect(aSub.t.fresh().split('MSG f 1 1').length - 1).toBe(50);
    // Account B is not rate limited and its publisher is never paused.
    bPub.t.send('PUB g 1\r\ny\r\n'.repeat(50));
    expect(bPub.t.paused).toBe(false);
    expect(bSub.t.fresh().split('MSG g 1 1').length - 1).toBe(50);
    // 50 messages at 100/s: the debt is repaid and reading resumes by itself.
    await waitFor(() => !aPub.t.paused);
    expect(aPub.client.rateLimited).toBe(false);
    // The pause shows in the account's usage (throttled time), not in B's.
    expect(server.accounts.get('A')!.usage.throttledMs).toBeGreaterThan(0);
    expect(server.accounts.get('B')!.usage.throttledMs).toBe(0);
    server.shutdown();
  });

  it('a rate of 0 (e.g. a quota used up) holds publishers until a live update lifts it', () => {
    const { server, connect } = setup();
    server.accounts.get('A')!.setLimits({ rateMsgs: 0 });
    const pub = connect('a');
    pub.t.send('PUB f 1\r\nx\r\n');
    expect(pub.t.paused).toBe(true);
    expect(server.accounts.get('A')!.rate!.waitMs()).toBe(Infinity);
    server.accounts.get('A')!.setLimits({ rateMsgs: 1_000_000 });
    // A higher rate repays the debt in microseconds; the account's one timer resumes the publisher.
    return waitFor(() => !pub.t.paused).then(() => server.shutdown());
  });

  it('rate_bytes counts payload bytes: one large publish overdraws it, small ones within the burst do not', () => {
    const { server, connect } = setup();
    server.accounts.get('A')!.setLimits({ rateBytes: 100_000 });
    const pub = connect('a');
    // The bucket starts empty and fills at 100 B/ms: any payload right away is a debt.
    pub.t.send(`PUB f 4000\r\n${'x'.repeat(4000)}\r\n`);
    expect(pub.t.paused).toBe(true);
    expect(server.accounts.get('A')!.rate!.waitMs()).toBeGreaterThan(0);
    // A chunk of control lines alone (no publish) is never charged.
    const other = connect('a');
    other.t.send('PING\r\n');
    expect(other.t.paused).toBe(false);
    server.shutdown();
  });

  it('lifting the rate live resumes a paused publisher at once', () => {
    const { server, connect } = setup();
    const pub = connect('a');
    pub.t.send('PUB f 1\r\nx\r\n'.repeat(100));
    expect(pub.t.paused).toBe(true);
    server.accounts.get('A')!.setLimits({});
    expect(pub.t.paused).toBe(false);
    expect(pub.client.rateLimited).toBe(false);
    server.shutdown();
  });

  it('a closed paused publisher is forgotten by the limiter', async () => {
    const { server, connect } = setup();
    const pub = connect('a');
    pub.t.send('PUB f 1\r\nx\r\n'.repeat(20));
    expect(pub.t.paused).toBe(true);
    pub.t.sink!.onClose();
    const other = connect('a');
    other.t.send('PUB f 1\r\nx\r\n');
    await waitFor(() => !other.t.paused);
    expect(pub.t.paused).toBe(true);
    server.shutdown();
  });

  it('subs_total counts subscriptions across all connections of the account; UNSUB and close free them', () => {
    const { server, connect } = setup();
    const one = connect('a');
    const two = connect('a');
    one.t.send('SUB a 1\r\nSUB b 2\r\nPING\r\n');
    expect(one.t.fresh()).toBe('PONG\r\n');
    two.t.send('SUB c 1\r\nSUB d 2\r\nPING\r\n');
    expect(two.t.fresh()).toBe("-ERR 'maximum subscriptions exceeded'\r\nPONG\r\n");
    one.t.send('UNSUB 1\r\n');
    two.t.send('SUB d 2\r\nPING\r\n');
    expect(two.t.fresh()).toBe('PONG\r\n');
    expect(server.accounts.get('A')!.numSubscriptions).toBe(3);
    one.client.close('Client Closed', false);
    expect(server.accounts.get('A')!.numSubscriptions).toBe(2);
    // A repeated sid is not a new subscription.
    two.t.send('SUB c 1\r\nSUB e 3\r\nPING\r\n');
    expect(two.t.fresh()).toBe('PONG\r\n');
    // Other accounts are not limited.
    const b = connect('b');
    b.t.send('SUB a 1\r\nSUB b 2\r\nSUB c 3\r\nSUB d 4\r\nPING\r\n');
    expect(b.t.fresh()).toBe('PONG\r\n');
    server.shutdown();
  });
});
