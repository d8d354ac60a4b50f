import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { countPings, FakeServer } from '../src/fake-server.js';
import { freePort } from '@switchboard/testing';

describe('stand-in server', () => {
  it('counts PINGs inside a chunk and split across two chunks, once each', () => {
    const a = Buffer.from('PUB a 1\r\nx\r\nPING\r\nPUB a 1\r\nx\r\nPI');
    const b = Buffer.from('NG\r\nPING\r\n');
    expect(countPings(Buffer.alloc(0), a)).toBe(1);
    expect(countPings(a.subarray(a.length - 5), b)).toBe(2);
    expect(countPings(Buffer.from('PING\r'), Buffer.from('\nx'))).toBe(1);
    expect(countPings(Buffer.from('xxxxx'), Buffer.from('PING'))).toBe(0);
  });

  it('greets with INFO, answers PINGs, and streams MSGs to a subscriber', async () => {
    const port = await freePort();
    const server = new FakeServer('bench.s', 3);
    await server.listen('127.0.0.1', port);
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    socket.on('data', (b: Buffer) => (text += b.toString('latin1')));
    const until = async (ok: () => boolean): Promise<void> => {
      const deadline = Date.now() + 5000;
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(text.slice(0, 200))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    try {
      await until(() => text.includes('\r\n'));
      expect(text).toMatch(/^INFO \{.*"server_id":"bench-generator"/);
      socket.write('CONNECT {}\r\nPING\r\n');
      await until(() => text.includes('PONG\r\n'));
      socket.write('SUB bench.s 7\r\nPING\r\n');
      await until(() => text.includes('MSG bench.s 7 3\r\nxxx\r\nMSG bench.s 7 3\r\n'));
    } finally {
      socket.destroy();
      server.close();
    }
  });
});
