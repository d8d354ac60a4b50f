import { afterEach, describe, expect, it } from 'vitest';
import type { ServerOptions } from '@switchboard/server';
import { startBroker, type Broker } from '../src/broker.js';
import { bytes, clientKinds } from './helpers.js';
import { RawClient, waitFor } from '@switchboard/testing';

let broker: Broker | null = null;
const raws: RawClient[] = [];
async function start(opts: Partial<ServerOptions> = {}): Promise<Broker> {
  broker = await startBroker({ host: '127.0.0.1', port: 0, ...opts });
  return broker;
}
async function raw(): Promise<RawClient> {
  const r = await RawClient.open(broker!.port);
  raws.push(r);
  await r.waitFor('\r\n');
  return r;
}
afterEach(async () => {
  for (const r of raws.splice(0)) r.destroy();
  await broker?.close();
  broker = null;
});

describe('limits', () => {
  it('rejects a payload above max_payload with -ERR and closes', async () => {
    await start({ maxPayload: 1024 });
    const c = await raw();
    expect(c.data).toContain('"max_payload":1024');
    c.send(`CONNECT {"verbose":false}\r\nPUB foo 2000\r\n`);
    await c.waitFor("-ERR 'Maximum Payload Violation'\r\n");
    await c.waitClosed();
  });

  it.each(clientKinds)('$name learns max_payload from INFO and refuses a larger publish', async (kind) => {
    await start({ maxPayload: 1024 });
    const nc = await kind.connect({ servers: `127.0.0.1:${broker!.port}` });
    expect(nc.info?.max_payload).toBe(1024);
    expect(() => nc.publish('big', new Uint8Array(2048))).toThrow(/payload/i);
    nc.publish('fits', new Uint8Array(1024));
    await nc.flush();
    expect(broker!.server.inBytes).toBe(1024);
    await nc.close();
  });

  it('rejects a control line above max_control_line', async () => {
    await start({ maxControlLine: 64 });
    const c = await raw();
    c.send(`CONNECT {"verbose":false}\r\nSUB ${'a'.repeat(100)} 1\r\n`);
    await c.waitFor("-ERR 'maximum control line exceeded'\r\n");
    await c.waitClosed();
  });

  it('closes a connection that never answers PING as stale', async () => {
    await start({ pingInterval: 50, maxPingsOut: 2 });
    const c = await raw();
    c.send('CONNECT {"verbose":false}\r\n');
    await c.waitFor("-ERR 'Stale Connection'\r\n");
    expect(c.data.match(/PING\r\n/g)?.length).toBe(2);
    await c.waitClosed();
    expect(broker!.server.closedClients.at(-1)?.reason).toBe('Stale Connection');
  });

  it('keeps a connection that answers PINGs', async () => {
    // Two PINGs may be out: a PONG that arrived while a loaded loop runs the timer first still counts
    // (a connection that never answers is closed before its third PING, so the wait below could fail).
    await start({ pingInterval: 100, maxPingsOut: 2 });
    const c = await raw();
    c.send('CONNECT {"verbose":false}\r\n');
    let answered = 0;
    c.socket.on('data', (d: Buffer) => {
      for (const _ of d.toString().matchAll(/PING\r\n/g)) {
        c.send('PONG\r\n');
        answered++;
      }
    });
    await waitFor(() => answered >= 3, 5_000, 'three PINGs answered');
    expect(c.closed).toBe(false);
    expect(c.data).not.toContain('Stale');
  });

  it('closes a client that does not authenticate within auth_timeout', async () => {
    await start({ username: 'u', password: 'p', authTimeout: 100 });
    const c = await raw();
    expect(c.data).toContain('"auth_required":true');
    await c.waitFor("-ERR 'Authentication Timeout'\r\n");
    await c.waitClosed();
  });

  it('refuses connections above max_connections', async () => {
    await start({ maxConnections: 1 });
    await raw();
    const second = await raw();
    await second.waitFor("-ERR 'maximum connections exceeded'\r\n");
    await second.waitClosed();
  });

  it.each(clientKinds)('cuts a subscriber that stops reading as a slow consumer; $name publisher unaffected', async (kind) => {
    await start({ maxPending: 256 * 1024, maxPayload: 64 * 1024 });
    const slow = await raw();
    slow.send('CONNECT {"verbose":false}\r\nSUB firehose 1\r\nPING\r\n');
    await slow.waitFor('PONG\r\n');
    slow.socket.pause(); // stop reading: the kernel buffers fill, then the broker's
    const nc = await kind.connect({ servers: `127.0.0.1:${broker!.port}` });
    const payload = new Uint8Array(32 * 1024);
    // Publish until the broker gives up on the reader (bounded: 256 MiB at most).
    for (let i = 0; i < 8192 && broker!.server.slowConsumers === 0; i++) {
      nc.publish('firehose', payload);
      if (i % 64 === 63) await nc.flush();
    }
    await waitFor(() => broker!.server.slowConsumers === 1, 10_000, 'slow consumer detection');
    await waitFor(() => broker!.server.clients.size === 1, 5_000, 'slow consumer removed');
    expect(broker!.server.closedClients.at(-1)?.reason).toBe('Slow Consumer (Pending Bytes)');
    // The publisher is still served.
    const echo = nc.subscribe('after');
    nc.publish('after', bytes('ok'));
    await nc.flush();
    for await (const m of echo) {
      expect(new TextDecoder().decode(m.data)).toBe('ok');
      break;
    }
    await nc.close();
  });
});
