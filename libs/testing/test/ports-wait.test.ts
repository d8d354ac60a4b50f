import { createServer as createHttp } from 'node:http';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { canConnect, freePort, poll, waitFor, waitForHttp, waitForPort } from '../src/index.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});
const listenOn = (port: number): Promise<Server> =>
  new Promise((resolve, reject) => {
    const s = createServer().once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
    servers.push(s);
  });

describe('freePort', () => {
  it('gives a port that can be bound, never the same one twice in a process', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(20);
    await listenOn(ports[0]!);
    expect(await canConnect(ports[0]!)).toBe(true);
  });
});

describe('waiting by condition', () => {
  it('waitFor returns once the condition holds and names what it waited for on timeout', async () => {
    let n = 0;
    await waitFor(() => ++n === 3, 1_000);
    expect(n).toBe(3);
    await expect(waitFor(() => false, 30, 'the moon')).rejects.toThrow('timed out waiting for the moon');
  });

  it('waitFor fails at once when the condition throws', async () => {
    const started = Date.now();
    await expect(
      waitFor(() => {
        throw new Error('process exited');
      }, 5_000),
    ).rejects.toThrow('process exited');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('poll returns the first defined value', async () => {
    let n = 0;
    expect(await poll(() => (++n < 3 ? undefined : `after ${n}`), 1_000)).toBe('after 3');
    await expect(poll(() => undefined, 30, 'nothing')).rejects.toThrow('timed out waiting for nothing');
  });

  it('waitForPort waits for a listener that comes up later', async () => {
    const port = await freePort();
    expect(await canConnect(port)).toBe(false);
    setTimeout(() => void listenOn(port), 50);
    await waitForPort(port, 5_000);
    expect(await canConnect(port)).toBe(true);
  });

  it('waitForHttp waits for the wanted status', async () => {
    let calls = 0;
    const http = createHttp((_req, res) => res.writeHead(++calls < 3 ? 503 : 200).end());
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    try {
      const { port } = http.address() as { port: number };
      expect(await waitForHttp(`http://127.0.0.1:${port}/healthz`, 5_000)).toBe(200);
      expect(calls).toBe(3);
      await expect(waitForHttp(`http://127.0.0.1:${await freePort()}/`, 50)).rejects.toThrow(/timed out waiting for http/);
    } finally {
      http.close();
    }
  });
});
