import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RawClient, waitFor } from '@switchboard/testing';
import { READ_BUFFER_SIZE, readIntoSharedBuffer } from '../src/read-buffer.js';
import { SocketTransport, type TransportSink } from '../src/transport.js';

// Real sockets: what matters is what this Node does with an accepted socket.
let server: Server | null = null;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

/** A listener whose accepted sockets go to `accept`; returns its port. */
async function listen(accept: (s: Socket) => void): Promise<number> {
  server = createServer(accept);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return port;
}

async function dial(port: number): Promise<RawClient> {
  const c = await RawClient.open(port);
  clients.push(c);
  return c;
}

describe('readIntoSharedBuffer', () => {
  it('reads every accepted socket into one buffer: the chunks are views of the same memory, and no data event fires', async () => {
    const got = new Map<Socket, string>();
    const memory = new Set<ArrayBufferLike>();
    let dataEvents = 0;
    const port = await listen((s) => {
      got.set(s, '');
      s.on('data', () => dataEvents++);
      expect(
        readIntoSharedBuffer(s, (chunk) => {
          memory.add(chunk.buffer);
          expect(chunk.length).toBeLessThanOrEqual(READ_BUFFER_SIZE);
          got.set(s, got.get(s)! + chunk.toString('latin1'));
        }),
      ).toBe(true);
    });
    const [a, b] = [await dial(port), await dial(port)];
    const big = 'x'.repeat(3 * READ_BUFFER_SIZE + 5);
    a.send('from a:' + big);
    b.send('from b');
    await waitFor(() => [...got.values()].sort().join('|') === `from a:${big}|from b`, 5_000, 'both sockets read');
    expect(memory.size).toBe(1);
    expect(dataEvents).toBe(0);
  });

  it('reads again after pause and resume, and the peer closing ends the socket', async () => {
    let accepted: Socket | null = null;
    let text = '';
    const port = await listen((s) => {
      accepted = s;
      readIntoSharedBuffer(s, (chunk) => {
        text += chunk.toString('latin1');
        if (text === 'one') s.pause();
      });
    });
    const c = await dial(port);
    c.send('one');
    await waitFor(() => text === 'one', 5_000, 'first read');
    c.send('two');
    const closed = new Promise((r) => accepted!.once('close', r));
    accepted!.resume();
    await waitFor(() => text === 'onetwo', 5_000, 'read after resume');
    c.socket.end();
    await closed;
  });
});

describe('SocketTransport on the shared read buffer', () => {
  it('hands each read to the sink and reports the close once', async () => {
    const chunks: string[] = [];
    let closes = 0;
    const sink: TransportSink = {
      onData: (chunk) => void chunks.push(chunk.toString('latin1')),
      onDrain: () => undefined,
      onClose: () => void closes++,
    };
    const port = await listen((s) => new SocketTransport(s, true).bind(sink));
    const c = await dial(port);
    c.send('PING\r\n');
    await waitFor(() => chunks.join('') === 'PING\r\n', 5_000, 'read');
    c.destroy();
    await waitFor(() => closes === 1, 5_000, 'closed');
  });
});
