import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, connect, ErrorCode, type NatsConnection, type NatsError } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@switchboard/config';
import { optionsFromConfig, parseRouteUrl } from '@switchboard/server';
import { poll, startNatsServer, waitFor } from '@switchboard/testing';
import { startBroker, type Broker } from '../src/broker.js';
import { bytes, text } from './helpers.js';

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
    // A pull consumer made from B hands the message to B's client under the stream subject; its
    // ack goes back to A.
    await jsm.consumers.add('ORDERS', { durable_name: 'C', ack_policy: AckPolicy.Explicit });
    const pulled = [];
    for await (const m of await js.fetch('ORDERS', 'C', { batch: 1, expires: 5_000 })) {
      pulled.push(`${m.subject} ${text(m.data)}`);
      await m.ackAck();
    }
    expect(pulled).toEqual(['orders.new first']);
    expect((await jsm.consumers.info('ORDERS', 'C')).ack_floor.stream_seq).toBe(1);
    // A push consumer delivering to a subscription on B: there, under the stream subject, once;
    // B's subscriber of the stream subjects sees only the published message.
    const pushed: string[] = [];
    const direct: string[] = [];
    onB.subscribe('push.b', { callback: (_e, m) => pushed.push(`${m.subject} ${text(m.data)} ${m.reply?.startsWith('$JS.ACK.ORDERS.P.')}`) });
    onB.subscribe('orders.>', { callback: (_e, m) => direct.push(`${m.subject} ${text(m.data)}`) });
    await onB.flush();
    await waitFor(() => a.server.globalAccount.sublist.match('push.b').psubs.length > 0, 5_000, 'push.b interest on A');
    await jsm.consumers.add('ORDERS', { durable_name: 'P', deliver_subject: 'push.b', ack_policy: AckPolicy.Explicit });
    await waitFor(() => pushed.length === 1, 5_000, 'the push delivery on B');
    await js.publish('orders.more', bytes('second'));
    await waitFor(() => pushed.length === 2 && direct.length === 1, 5_000, 'the second message, pushed and direct');
    // Nothing else reached orders.> on B: a marker published after the deliveries comes next (the
    // stream stores it too, so it is pushed as well).
    onB.publish('orders.marker', bytes('marker'));
    await waitFor(() => direct.length === 2 && pushed.length === 3, 5_000, 'the marker');
    expect(pushed).toEqual(['orders.new first true', 'orders.more second true', 'orders.marker marker true']);
    expect(direct).toEqual(['orders.more second', 'orders.marker marker']);
  }, 40_000);

  it('nats-server on the other node reads the deliveries as nats-server would have sent them (subject after @ in the ack reply)', async () => {
    const a = await node('A2', true, []);
    const ns = await startNatsServer({
      config: `server_name: NS\ncluster { name: js, listen: "127.0.0.1:-1", routes: ["nats-route://127.0.0.1:${a.clusterPort}"] }\n`,
    });
    stops.push(() => ns.stop());
    await waitFor(() => a.server.cluster!.routes.size === 1, 15_000, 'route from nats-server');
    const onNs = await connect({ port: ns.port, reconnect: false });
    conns.push(onNs);
    const jsm = await onNs.jetstreamManager();
    await jsm.streams.add({ name: 'EVENTS', subjects: ['events.>'] });
    await waitFor(() => a.server.jetstream!.js.accounts.get('$G')!.streams.has('EVENTS'), 5_000, 'the stream on A');
    const js = onNs.jetstream();
    // The stream's interest crosses to nats-server a moment after the create answered: until then
    // the publish finds no responders (503) and is tried again. Any other failure (a slow ack
    // too) ends the test: a publish that may have been stored is never repeated.
    const ack = await poll(
      () => js.publish('events.one', bytes('e1')).catch((e: NatsError) => (e.code === ErrorCode.NoResponders ? undefined : Promise.reject(e))),
      10_000,
      'the stream interest on nats-server',
    );
    expect(ack).toMatchObject({ stream: 'EVENTS', seq: 1 });
    await jsm.consumers.add('EVENTS', { durable_name: 'C', ack_policy: AckPolicy.Explicit });
    const pulled = [];
    for await (const m of await js.fetch('EVENTS', 'C', { batch: 1, expires: 5_000 })) {
      pulled.push(`${m.subject} ${text(m.data)}`);
      await m.ackAck();
    }
    expect(pulled).toEqual(['events.one e1']);
    expect((await jsm.consumers.info('EVENTS', 'C')).ack_floor.stream_seq).toBe(1);
  }, 40_000);
});
