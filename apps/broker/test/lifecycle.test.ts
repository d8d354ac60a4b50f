import { describe, expect, it } from 'vitest';
import { startBroker } from '../src/broker.js';
import { bytes, clientKinds, text } from './helpers.js';
import { freePort, waitFor } from '@switchboard/testing';

describe.each(clientKinds)('broker lifecycle with $name', (kind) => {
  it('client reconnects after a broker restart and its subscriptions work again', async () => {
    const port = await freePort();
    let broker = await startBroker({ host: '127.0.0.1', port });
    const nc = await kind.connect({ servers: `127.0.0.1:${port}`, reconnectTimeWait: 50, maxReconnectAttempts: -1 });
    const events: string[] = [];
    void (async () => {
      for await (const s of nc.status()) events.push(s.type);
    })();
    const got: string[] = [];
    nc.subscribe('life', { callback: (_e, m) => got.push(text(m.data)) });
    nc.publish('life', bytes('before'));
    await waitFor(() => got.includes('before'), 5_000, 'first message');

    await broker.close();
    await waitFor(() => events.includes('disconnect'), 5_000, 'disconnect status');
    broker = await startBroker({ host: '127.0.0.1', port });
    await waitFor(() => events.includes('reconnect'), 10_000, 'reconnect status');
    await waitFor(() => broker.server.numSubscriptions() === 1, 5_000, 'subscription replayed');
    nc.publish('life', bytes('after'));
    await waitFor(() => got.includes('after'), 5_000, 'message after restart');
    await nc.close();
    await broker.close();
  });

  it('lame duck mode: clients are told (ldm) and then disconnected; new connections refused', async () => {
    const broker = await startBroker({ host: '127.0.0.1', port: 0, lameDuckDuration: 300, lameDuckGracePeriod: 100 });
    const nc = await kind.connect({ servers: `127.0.0.1:${broker.port}`, reconnect: false });
    const events: string[] = [];
    void (async () => {
      for await (const s of nc.status()) events.push(s.type);
    })();
    await nc.flush();
    const done = broker.lameDuck();
    await waitFor(() => events.includes('ldm'), 5_000, 'ldm status');
    await done;
    await nc.closed();
    expect(broker.server.clients.size).toBe(0);
    expect(broker.server.closedClients.at(-1)?.reason).toBe('Server Shutdown');
    await expect(kind.connect({ servers: `127.0.0.1:${broker.port}`, reconnect: false })).rejects.toThrow();
  });

  it('shutdown closes every client connection', async () => {
    const broker = await startBroker({ host: '127.0.0.1', port: 0 });
    const nc = await kind.connect({ servers: `127.0.0.1:${broker.port}`, reconnect: false });
    await nc.flush();
    await broker.close();
    await nc.closed();
    expect(nc.isClosed()).toBe(true);
    expect(broker.server.clients.size).toBe(0);
  });
});
