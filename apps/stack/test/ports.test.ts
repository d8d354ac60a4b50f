import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPortFree, freePort, PortInUseError } from '../src/ports.js';

let held: Server | undefined;
afterEach(() => new Promise<void>((r) => (held ? held.close(() => r()) : r())));

describe('checkPortFree', () => {
  it('resolves for a free port and leaves it free', async () => {
    const port = await freePort();
    await checkPortFree('127.0.0.1', port, 'PORT');
    await checkPortFree('127.0.0.1', port, 'PORT');
  });

  it('names the variable and the port when another process holds it', async () => {
    const port = await freePort();
    held = createServer();
    await new Promise<void>((r) => held!.listen(port, '127.0.0.1', r));
    const err = await checkPortFree('127.0.0.1', port, 'NATS_PORT').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PortInUseError);
    expect((err as Error).message).toBe(`port ${port} (NATS_PORT) is already in use on 127.0.0.1: stop the other process or set NATS_PORT to a free port`);
  });

  it('explains an address that is not local', async () => {
    await expect(checkPortFree('192.0.2.1', 8080, 'PORT')).rejects.toThrow(/cannot listen on 192.0.2.1 \(HOST\)/);
  });
});
