// Per-account counters on the routing path, with a fake transport: time paused by flow control
// is charged to the producer's account, slow consumers to the consumer's.
import { describe, expect, it } from 'vitest';
import { makeOptions, Server } from '../src/index.js';
import { FakeTransport } from './fake-transport.js';

function twoAccounts() {
  const server = new Server(
    makeOptions({
      pingInterval: 60_000,
      maxPending: 10_000,
      maxPayload: 1_000,
      accounts: [{ name: 'P' }, { name: 'C' }],
      users: [
        { user: 'p', password: 'x', account: 'P' },
        { user: 'c', password: 'x', account: 'C' },
      ],
    }),
  );
  const mk = (user: string) => {
    const t = new FakeTransport();
    const c = server.accept(t)!;
    t.send(`CONNECT {"verbose":false,"user":"${user}","pass":"x"}\r\n`);
    return { t, c };
  };
  return { server, mk, P: server.accounts.get('P')!, C: server.accounts.get('C')! };
}

describe('account usage counters', () => {
  it('charges the time a producer was paused by flow control to its own account', async () => {
    const { server, mk, C } = twoAccounts();
    const consumer = mk('c');
    const producer = mk('c');
    consumer.t.send('SUB s 1\r\n');
    consumer.t.stalled = true;
    producer.t.send(`PUB s 900\r\n${'y'.repeat(900)}\r\n`.repeat(7));
    producer.t.send('PUB s 1\r\nx\r\n');
    expect(producer.t.paused).toBe(true);
    expect(C.usage.throttledMs).toBe(0); // charged when the pause ends
    const deadline = Date.now() + 5_000;
    while (producer.t.paused && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(producer.t.paused).toBe(false);
    expect(C.usage.throttledMs).toBeGreaterThan(0);
    server.shutdown();
  });

  it('counts a slow consumer in its account, and each side of a delivery in its own account', () => {
    const { server, mk, P, C } = twoAccounts();
    const consumer = mk('c');
    const producer = mk('c');
    mk('p');
    consumer.t.send('SUB s 1\r\n');
    producer.t.send('PUB s 5\r\nhello\r\n');
    expect(C.usage).toMatchObject({ inMsgs: 1, inBytes: 5, outMsgs: 1, outBytes: 5, totalConnections: 2 });
    expect(P.usage).toMatchObject({ inMsgs: 0, outMsgs: 0, totalConnections: 1 });
    consumer.t.stalled = true;
    consumer.t.highWater = 0;
    producer.t.send(`PUB s 900\r\n${'y'.repeat(900)}\r\n`.repeat(12));
    expect(consumer.c.closed).toBe(true);
    expect(C.usage.slowConsumers).toBe(1);
    expect(P.usage.slowConsumers).toBe(0);
    server.shutdown();
  });
});
