import { describe, expect, it } from 'vitest';
import { makeOptions, RemoteConnection, ROUTER, LEAF, Server, CloseReason } from '../src/index.js';
import { interestLine, RouteInterest, type InterestSink } from '../src/route-interest.js';
import { FakeTransport } from './fake-transport.js';

/** A route or leaf connection with no handshake: what the plumbing does on its own. */
class TestRemote extends RemoteConnection implements InterestSink {
  closedWith = '';
  onRemoteConnect(): void {}
  onRemoteInfo(): void {}
  sendInterest(account: string, subject: string, queue: string, weight: number): void {
    this.sendProto(interestLine(account, subject, queue, weight));
  }
  protected onClosed(reason: CloseReason): void {
    this.closedWith = reason;
  }
}

function setup(opts: Parameters<typeof makeOptions>[0] = {}) {
  const server = new Server(makeOptions({ pingInterval: 60_000, ...opts }));
  const interest = new RouteInterest();
  server.interestListeners.push(interest);
  const client = () => {
    const t = new FakeTransport();
    const c = server.accept(t)!;
    t.send('CONNECT {"verbose":false,"pedantic":false,"headers":true}\r\n');
    t.fresh();
    return { t, c };
  };
  const remote = (kind: typeof ROUTER | typeof LEAF = ROUTER) => {
    const t = new FakeTransport();
    const r = new TestRemote(server, server.newCid(), t, kind);
    if (kind === ROUTER) interest.sinks.add(r);
    return { t, r };
  };
  return { server, interest, client, remote };
}

describe('remote interest plumbing', () => {
  it('a JetStream delivery crosses under its delivery subject, the shown one after @ in the ack reply (nats-server), and is split for clients', async () => {
    const { server, client, remote } = setup();
    // The route's output is written at the end of the event-loop turn.
    const turn = (): Promise<void> => new Promise((ok) => setImmediate(ok));
    const { t: rt } = remote();
    rt.send('RS+ $G _INBOX.pull\r\n');
    const ic = server.internalClient(server.globalAccount);
    ic.publishMsg('_INBOX.pull', 'orders.new', '$JS.ACK.S.C.1.1.1.0.0', null, Buffer.from('hi'));
    await turn();
    expect(rt.fresh()).toBe('RMSG $G _INBOX.pull $JS.ACK.S.C.1.1.1.0.0@orders.new 2\r\nhi\r\n');
    // Without a reply (ack none) only the subject changes.
    ic.publishMsg('_INBOX.pull', 'orders.new', '', null, Buffer.from('hi'));
    await turn();
    expect(rt.fresh()).toBe('RMSG $G _INBOX.pull 2\r\nhi\r\n');
    const c = client();
    c.t.send('SUB push.b 1\r\nSUB orders.> 2\r\n');
    rt.send('RMSG $G push.b $JS.ACK.S.P.1.2.2.0.0@orders.more 2\r\nyo\r\n');
    expect(c.t.fresh()).toBe('MSG orders.more 1 $JS.ACK.S.P.1.2.2.0.0 2\r\nyo\r\n');
    // An '@' in any other reply is just part of it.
    rt.send('RMSG $G push.b _INBOX.x@y 2\r\nyo\r\n');
    expect(c.t.fresh()).toBe('MSG push.b 1 _INBOX.x@y 2\r\nyo\r\n');
    server.shutdown();
  });

  it('a route feeding a backed-up client is never paused (only clients are); the client is cut as slow', () => {
    const { server, client, remote } = setup({ maxPending: 10_000, maxPayload: 1_000 });
    const { t: rt, r } = remote();
    const consumer = client();
    consumer.t.send('SUB s 1\r\n');
    consumer.t.stalled = true;
    const rmsg = `RMSG $G s 900\r\n${'y'.repeat(900)}\r\n`;
    // Past half of max_pending: a client publishing this would be paused (routing.test.ts).
    rt.send(rmsg.repeat(7));
    rt.send(rmsg);
    expect(rt.paused).toBe(false);
    for (let i = 0; i < 20 && !consumer.c.closed; i++) rt.send(rmsg);
    expect(consumer.c.closeReason).toBe('Slow Consumer (Pending Bytes)');
    expect(rt.paused).toBe(false);
    expect(r.closed).toBe(false);
    server.shutdown();
  });

  it('RS+ puts a route subscription in the account sublist; a client PUB goes out once as RMSG', () => {
    const { server, client, remote } = setup();
    const { t: rt } = remote();
    rt.send('RS+ $G foo.*\r\nRS+ $G foo.>\r\n');
    const { t } = client();
    t.send('PUB foo.bar 2\r\nhi\r\n');
    expect(rt.fresh()).toBe('RMSG $G foo.bar 2\r\nhi\r\n');
    t.send('HPUB foo.bar reply 12 14\r\nNATS/1.0\r\n\r\nhi\r\n');
    expect(rt.fresh()).toBe('HMSG $G foo.bar reply 12 14\r\nNATS/1.0\r\n\r\nhi\r\n');
    rt.send('RS- $G foo.*\r\nRS- $G foo.>\r\n');
    t.send('PUB foo.bar 2\r\nhi\r\n');
    expect(rt.fresh()).toBe('');
    server.shutdown();
  });

  it('local interest goes to routes: plain once, queue groups with their weight', () => {
    const { server, client, remote } = setup();
    const { t: rt } = remote();
    const a = client();
    const b = client();
    a.t.send('SUB foo 1\r\nSUB foo q 2\r\n');
    b.t.send('SUB foo 1\r\nSUB foo q 2\r\n');
    expect(rt.fresh()).toBe('RS+ $G foo\r\nRS+ $G foo q 1\r\nRS+ $G foo q 2\r\n');
    a.t.send('UNSUB 1\r\nUNSUB 2\r\n');
    expect(rt.fresh()).toBe('RS+ $G foo q 1\r\n');
    b.c.close(CloseReason.ClientClosed, false);
    server.flushPending();
    expect(rt.fresh()).toBe('RS- $G foo\r\nRS- $G foo q\r\n');
    server.shutdown();
  });

  it('one hop: what a route sends in reaches clients but never another route', () => {
    const { server, client, remote } = setup();
    const r1 = remote();
    const r2 = remote();
    r2.t.send('RS+ $G foo\r\n');
    const { t } = client();
    t.send('SUB foo 1\r\n');
    r1.t.fresh();
    r2.t.fresh();
    r1.t.send('RMSG $G foo 2\r\nhi\r\n');
    expect(t.fresh()).toBe('MSG foo 1 2\r\nhi\r\n');
    expect(r2.t.fresh()).toBe('');
    // A route's own interest is not announced to the other route.
    expect(r1.t.fresh()).toBe('');
    server.shutdown();
  });

  it('queue groups: a route message serves only the groups it names, and local members first', () => {
    const { server, client, remote } = setup();
    const r1 = remote();
    const r2 = remote();
    r2.t.send('RS+ $G foo q 5\r\n');
    const { t } = client();
    t.send('SUB foo q 1\r\nSUB foo other 2\r\n');
    r2.t.fresh();
    r1.t.send('RMSG $G foo | q 2\r\nhi\r\n');
    expect(t.fresh()).toBe('MSG foo 1 2\r\nhi\r\n');
    r1.t.send('RMSG $G foo 2\r\nhi\r\n');
    expect(t.fresh()).toBe('');
    r1.t.send('RMSG $G foo + _INBOX.x q other 2\r\nhi\r\n');
    expect(t.fresh()).toBe('MSG foo 1 _INBOX.x 2\r\nhi\r\nMSG foo 2 _INBOX.x 2\r\nhi\r\n');
    expect(r2.t.fresh()).toBe('');
    server.shutdown();
  });

  it('a client publish picks one member per group, a remote one named in the RMSG', () => {
    const { server, client, remote } = setup();
    const r = remote();
    r.t.send('RS+ $G foo q 1\r\nRS+ $G foo p 1\r\nRS+ $G foo\r\n');
    const { t } = client();
    t.send('PUB foo reply 2\r\nhi\r\n');
    expect(r.t.fresh()).toBe('RMSG $G foo + reply q p 2\r\nhi\r\n');
    server.shutdown();
  });

  it('queue weights are respected when picking between a local and a remote member', () => {
    const { server, client, remote } = setup();
    const r = remote();
    r.t.send('RS+ $G foo q 9\r\n');
    const { t } = client();
    const p = client();
    t.send('SUB foo q 1\r\n');
    for (let i = 0; i < 400; i++) p.t.send('PUB foo 1\r\nx\r\n');
    const remoteCount = r.t.fresh().split('RMSG').length - 1;
    const localCount = t.fresh().split('MSG').length - 1;
    expect(remoteCount + localCount).toBe(400);
    expect(remoteCount).toBeGreaterThan(300);
    r.t.send('RS+ $G foo q 1\r\n');
    for (let i = 0; i < 400; i++) p.t.send('PUB foo 1\r\nx\r\n');
    expect(r.t.fresh().split('RMSG').length - 1).toBeLessThan(300);
    server.shutdown();
  });

  it('route subscriptions are per account and dropped when the route closes', () => {
    const { server, remote } = setup();
    server.registerAccount('A');
    const r = remote();
    r.t.send('RS+ A foo\r\nRS+ $G bar\r\n');
    expect(server.accounts.get('A')!.sublist.count()).toBe(1);
    expect(server.globalAccount.sublist.count()).toBe(1);
    r.r.close(CloseReason.RouteRemoved, false);
    expect(server.accounts.get('A')!.sublist.count()).toBe(0);
    expect(r.r.closedWith).toBe('Route Removed');
    server.shutdown();
  });

  it('a leaf connection gets LMSG without account, and its interest reaches routes', () => {
    const { server, client, remote } = setup();
    const route = remote();
    const leaf = remote(LEAF);
    leaf.t.send('LS+ foo\r\n');
    expect(route.t.fresh()).toBe('RS+ $G foo\r\n');
    const { t } = client();
    t.send('PUB foo r 2\r\nhi\r\n');
    expect(leaf.t.fresh()).toBe('LMSG foo r 2\r\nhi\r\n');
    server.shutdown();
  });

  it('a malformed RS+ closes the route without -ERR', () => {
    const { server, remote } = setup();
    const r = remote();
    r.t.send('RS+ $G\r\n');
    expect(r.r.closed).toBe(true);
    expect(r.t.text()).toBe('');
    expect(r.r.closedWith).toBe('Parse Error');
    server.shutdown();
  });
});
