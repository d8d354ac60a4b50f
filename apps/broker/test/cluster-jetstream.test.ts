import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@switchboard/config';
import { optionsFromConfig, parseRouteUrl } from '@switchboard/server';
import { waitFor } from '@switchboard/testing';
import { startBroker, type Broker } from '../src/broker.js';
import { bytes } from './helpers.js';

// How a cluster finds JetStream streams today (docs/cluster-jetstream.md): streams live on the
// node that runs JetStream; a client on another node reaches them through the route, because the
// JetStream node's $JS.API and stream subscriptions are route interest like any other.

const dirs: string[] = [];
const stops: (() => Promise<void>)[] = [];
const conns: NatsConnection[] = [];
afterAll(async () => {
  await Promise.all(conns.map((c) => (c.isClosed() ? undefined : c.close())));
  for (const s of stops.reverse()) await s();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function node(name: string, jetstream: boolean, routes: number[]): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-cluster-js-'));
  dirs.push(dir);
  const { options } = optionsFromConfig(parseConfig(jetstream ? `jetstream { store_dir: "${dir}" }\n` : ''));
  options.cluster = { ...options.cluster, name: 'js', host: '127.0.0.1', port: -1, routes: routes.map((p) => parseRouteUrl(`127.0.0.1:${p}`)) };
  const b = await startBroker({ ...options, host: '127.0.0.1', port: 0, serverName: name, pingInterval: 60_000 });
  stops.push(() => b.close());
  return b;
}

const open = async (b: Broker): Promise<NatsConnection> => {
  const nc = await connect({ port: b.port, reconnect: false });
  conns.push(nc);
  return nc;
};

describe('JetStream on one node of a cluster', () => {
  it('a client on the other node creates a stream there, publishes to it and reads it, through the route', async () => {
    const a = await node('A', true, []);
    const b = await node('B', false, [a.clusterPort]);
    await waitFor(() => b.server.cluster!.routes.size === 1 && a.server.cluster!.routes.size === 1, 10_000, 'route');
    // A's $JS.API interest has reached B.
    await waitFor(() => b.server.globalAccount.sublist.match('$JS.API.STREAM.NAMES').psubs.length > 0, 5_000, "A's $JS.API interest on B");
    const onB = await open(b);
    const jsm = await onB.jetstreamManager();
    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
    // The stream is on A, and only there.
    expect([...a.server.jetstream!.js.accounts.get('$G')!.streams.keys()]).toEqual(['ORDERS']);
    expect(b.server.jetstream).toBeNull();
    // A's subscription on the stream's subjects reached B before a publish from B can be stored.
    await waitFor(() => b.server.globalAccount.sublist.match('orders.new').psubs.length > 0, 5_000, "the stream's interest on B");
    const js = onB.jetstream();
    const ack = await js.publish('orders.new', bytes('first'));
    expect(ack).toMatchObject({ stream: 'ORDERS', seq: 1 });
    expect((await jsm.streams.info('ORDERS')).state.messages).toBe(1);
    expect(await jsm.streams.names().next()).toEqual(['ORDERS']);
  }, 40_000);
});
