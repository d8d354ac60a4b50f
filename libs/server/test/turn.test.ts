import { describe, expect, it } from 'vitest';
import { makeOptions, Server } from '../src/index.js';
import { FakeTransport } from './fake-transport.js';

// What the event loop does between reads: several sockets' chunks, then the turn's end
// (setImmediate). The fake's send() ends the turn itself, so these call onData directly.
const turnEnd = (): Promise<void> => new Promise((r) => setImmediate(r));

function setup() {
  const server = new Server(makeOptions({ pingInterval: 60_000 }));
  const connect = () => {
    const t = new FakeTransport();
    server.accept(t);
    t.send('CONNECT {"verbose":false,"pedantic":false}\r\n');
    t.fresh();
    return t;
  };
  const chunk = (t: FakeTransport, text: string) => t.sink!.onData(Buffer.from(text, 'latin1'));
  return { server, connect, chunk };
}

describe('one socket write per connection per event-loop turn', () => {
  it('a consumer fed by two producers over three chunks gets one write, at the end of the turn', async () => {
    const { server, connect, chunk } = setup();
    const sub = connect();
    sub.send('SUB foo 1\r\n');
    const [p1, p2] = [connect(), connect()];
    const before = sub.writes;
    chunk(p1, 'PUB foo 1\r\na\r\n');
    chunk(p2, 'PUB foo 1\r\nb\r\n');
    chunk(p1, 'PUB foo 1\r\nc\r\n');
    expect(sub.writes).toBe(before);
    await turnEnd();
    expect(sub.writes - before).toBe(1);
    expect(sub.fresh()).toBe('MSG foo 1 1\r\na\r\nMSG foo 1 1\r\nb\r\nMSG foo 1 1\r\nc\r\n');
    server.shutdown();
  });

  it('PINGs in several chunks of one turn get their PONGs in one write', async () => {
    const { server, connect, chunk } = setup();
    const c = connect();
    const before = c.writes;
    for (let i = 0; i < 5; i++) chunk(c, 'PUB nowhere 2\r\nhi\r\nPING\r\n');
    await turnEnd();
    expect(c.writes - before).toBe(1);
    expect(c.fresh()).toBe('PONG\r\n'.repeat(5));
    server.shutdown();
  });
});

describe('a connection yields the rest of the turn after a large chunk', () => {
  it('stops reading after 64 KiB since its last yield, reads again at the turn end; others keep reading', async () => {
    const { server, connect, chunk } = setup();
    const sub = connect();
    sub.send('SUB flood 1\r\n');
    const flood = connect();
    const other = connect();
    const big = 'PUB flood 100\r\n' + 'x'.repeat(100) + '\r\n';
    const perChunk = Math.ceil((16 * 1024) / big.length);
    for (let i = 0; i < 3; i++) chunk(flood, big.repeat(perChunk));
    expect(flood.paused).toBe(false);
    chunk(flood, big.repeat(perChunk));
    expect(flood.paused).toBe(true);
    chunk(other, 'PING\r\n');
    expect(other.paused).toBe(false);
    await turnEnd();
    expect(flood.paused).toBe(false);
    expect(other.fresh()).toBe('PONG\r\n');
    expect(sub.fresh().split('MSG flood').length - 1).toBe(4 * perChunk);
    server.shutdown();
  });

  it('a yield does not resume a connection something else holds (rate limit, stalled producer)', async () => {
    const { server, connect, chunk } = setup();
    const c = connect();
    const client = [...server.clients.values()].at(-1)!;
    chunk(c, 'PUB x 1\r\na\r\n'.repeat(6_000));
    expect(c.paused).toBe(true);
    client.flow.stalled = true;
    await turnEnd();
    expect(c.paused).toBe(true);
    client.flow.stalled = false;
    client.resumeReading();
    expect(c.paused).toBe(false);
    server.shutdown();
  });
});
