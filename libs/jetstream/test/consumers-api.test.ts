import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { JetStream, UNLIMITED } from '@switchboard/jetstream';
import { type HostMsg, MemoryHost } from './memory-host.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jsc-api-'));
let n = 0;
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const T = 'io.nats.jetstream.api.v1.';
const open: JetStream[] = [];
afterEach(async () => {
  for (const js of open.splice(0)) await js.stop();
});

async function setup(dir = path.join(root, `js${n++}`)) {
  const host = new MemoryHost();
  const js = new JetStream(host, { storeDir: dir });
  open.push(js);
  js.account('A');
  const a = host.account('A');
  await a.json('$JS.API.STREAM.CREATE.S', { name: 'S', subjects: ['foo.>'] });
  for (let i = 1; i <= 3; i++) await a.request(`foo.${i}`, `m${i}`);
  return { host, js, a, dir };
}

/** Collects what arrives on `subject` until `count` messages came. */
function collect(a: Awaited<ReturnType<typeof setup>>['a'], subject: string): HostMsg[] {
  const got: HostMsg[] = [];
  a.subscribe(subject, (s, r, h, d) => got.push({ subject: s, reply: r, hdr: h ? h.toString() : null, data: d.toString() }));
  return got;
}

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setImmediate(r));
  if (!cond()) throw new Error('condition not reached');
};

describe('consumer API', () => {
  it('creates in the three forms and answers nats-server errors', async () => {
    const { a } = await setup();
    const d = await a.json('$JS.API.CONSUMER.DURABLE.CREATE.S.d', { stream_name: 'S', config: { durable_name: 'd', ack_policy: 'explicit' } });
    expect(d.type).toBe(`${T}consumer_create_response`);
    expect(d).toMatchObject({ stream_name: 'S', name: 'd', num_pending: 3, delivered: { consumer_seq: 0, stream_seq: 0 } });
    expect(d.config).toEqual({
      durable_name: 'd',
      deliver_policy: 'all',
      ack_policy: 'explicit',
      ack_wait: 30e9,
      max_deliver: -1,
      replay_policy: 'instant',
      max_waiting: 512,
      max_ack_pending: 1000,
      num_replicas: 0,
    });
    const named = await a.json('$JS.API.CONSUMER.CREATE.S.n1.foo.1', {
      stream_name: 'S',
      config: { name: 'n1', ack_policy: 'explicit', filter_subject: 'foo.1' },
    });
    expect(named).toMatchObject({ name: 'n1', num_pending: 1, config: { name: 'n1', inactive_threshold: 5e9 } });
    const eph = await a.json('$JS.API.CONSUMER.CREATE.S', { stream_name: 'S', config: { ack_policy: 'none', deliver_subject: 'xx' } });
    expect(eph.name).toMatch(/^[A-Za-z0-9]{8}$/);
    const err = async (subject: string, body: unknown): Promise<unknown> => (await a.json(subject, body as object)).error;
    expect(await err('$JS.API.CONSUMER.CREATE.S', { stream_name: 'S', config: { durable_name: 'x' } })).toEqual({
      code: 400,
      err_code: 10020,
      description: 'consumer expected to be ephemeral but a durable name was set in request',
    });
    expect(await err('$JS.API.CONSUMER.CREATE.S', { stream_name: 'X', config: {} })).toMatchObject({ err_code: 10056 });
    expect(await err('$JS.API.CONSUMER.CREATE.S.n1.foo.2', { stream_name: 'S', config: { name: 'n1', filter_subject: 'foo.1' } })).toMatchObject({
      err_code: 10131,
    });
    expect(await err('$JS.API.CONSUMER.CREATE.Q', { stream_name: 'Q', config: {} })).toMatchObject({ err_code: 10059 });
    expect(await err('$JS.API.CONSUMER.CREATE.S', 'notjson')).toMatchObject({ err_code: 10025 });
    expect(await err('$JS.API.CONSUMER.DURABLE.CREATE.S.zz', { stream_name: 'S', config: { durable_name: 'd2' } })).toMatchObject({ err_code: 10017 });
    expect(await err('$JS.API.CONSUMER.DURABLE.CREATE.S.zz', { stream_name: 'S', config: {} })).toMatchObject({ err_code: 10018 });
    expect(
      await err('$JS.API.CONSUMER.DURABLE.CREATE.S.d', { stream_name: 'S', config: { durable_name: 'd', ack_policy: 'explicit', deliver_policy: 'last' } }),
    ).toEqual({
      code: 500,
      err_code: 10012,
      description: 'deliver policy can not be updated',
    });
    expect(await err('$JS.API.CONSUMER.CREATE.S', { stream_name: 'S', config: { deliver_subject: 'y', flow_control: true } })).toMatchObject({
      err_code: 10108,
    });
  });

  it('info, names and list with paging, delete', async () => {
    const { a } = await setup();
    for (const name of ['c', 'a', 'b'])
      await a.json(`$JS.API.CONSUMER.DURABLE.CREATE.S.${name}`, { stream_name: 'S', config: { durable_name: name, ack_policy: 'explicit' } });
    expect(await a.json('$JS.API.CONSUMER.NAMES.S')).toEqual({
      type: `${T}consumer_names_response`,
      total: 3,
      offset: 0,
      limit: 1024,
      consumers: ['a', 'b', 'c'],
    });
    const list = await a.json('$JS.API.CONSUMER.LIST.S', { offset: 1 });
    expect(list).toMatchObject({ total: 3, offset: 1, limit: 256 });
    expect(list.consumers.map((c: { name: string }) => c.name)).toEqual(['b', 'c']);
    expect(await a.json('$JS.API.CONSUMER.NAMES.S', { offset: 100 })).toMatchObject({ total: 3, offset: 3, consumers: [] });
    expect(await a.json('$JS.API.CONSUMER.NAMES.NOPE')).toEqual({
      type: `${T}consumer_names_response`,
      error: { code: 404, err_code: 10059, description: 'stream not found' },
      total: 0,
      offset: 0,
      limit: 0,
      consumers: [],
    });
    expect((await a.json('$JS.API.CONSUMER.INFO.S.zz')).error).toMatchObject({ err_code: 10014 });
    expect((await a.json('$JS.API.CONSUMER.INFO.S.a', { x: 1 })).error).toMatchObject({ err_code: 10038 });
    expect(await a.json('$JS.API.CONSUMER.DELETE.S.a')).toEqual({ type: `${T}consumer_delete_response`, success: true });
    expect((await a.json('$JS.API.CONSUMER.DELETE.S.a')).error).toMatchObject({ err_code: 10014 });
  });

  it('pull through MSG.NEXT, acks through $JS.ACK with an ack reply, push delivery with the stream subject', async () => {
    const { a } = await setup();
    await a.json('$JS.API.CONSUMER.DURABLE.CREATE.S.p', { stream_name: 'S', config: { durable_name: 'p', ack_policy: 'explicit' } });
    const inbox = collect(a, 'inbox.p');
    a.publish('$JS.API.CONSUMER.MSG.NEXT.S.p', 'inbox.p', null, Buffer.from('{"batch":2}'));
    await until(() => inbox.length === 2);
    expect(inbox.map((m) => [m.subject, m.data])).toEqual([
      ['foo.1', 'm1'],
      ['foo.2', 'm2'],
    ]);
    expect(inbox[0]!.reply).toMatch(/^\$JS\.ACK\.S\.p\.1\.1\.1\.\d+\.2$/);
    const ackReply = await a.request(inbox[0]!.reply, '+ACK');
    expect(ackReply.data).toBe('');
    const info = await a.json('$JS.API.CONSUMER.INFO.S.p');
    expect(info).toMatchObject({ ack_floor: { consumer_seq: 1, stream_seq: 1 }, num_ack_pending: 1, num_pending: 1 });
    // Push: the subscriber sees the stream's subjects on its deliver subject.
    const dlv = collect(a, 'dlv');
    await a.json('$JS.API.CONSUMER.CREATE.S', { stream_name: 'S', config: { deliver_subject: 'dlv', ack_policy: 'none' } });
    await until(() => dlv.length === 3);
    expect(dlv.map((m) => m.subject)).toEqual(['foo.1', 'foo.2', 'foo.3']);
    await a.request('foo.4', 'm4');
    await until(() => dlv.length === 4);
    // Push consumer asked for messages: 409.
    const status = await a.request(`$JS.API.CONSUMER.MSG.NEXT.S.${(await a.json('$JS.API.CONSUMER.NAMES.S')).consumers.find((c: string) => c !== 'p')}`, '');
    expect(status.hdr).toBe('NATS/1.0 409 Consumer is push based\r\n\r\n');
  });

  it('account limits: max_ack_pending default and bound (10121), max consumers per stream (10026)', async () => {
    const { js, a } = await setup();
    js.account('A').limits = { ...UNLIMITED, consumerLimits: () => ({ maxAckPending: 100, maxConsumers: 1 }) };
    const c = await a.json('$JS.API.CONSUMER.DURABLE.CREATE.S.d', { stream_name: 'S', config: { durable_name: 'd', ack_policy: 'explicit' } });
    expect(c.config.max_ack_pending).toBe(100);
    expect(
      (await a.json('$JS.API.CONSUMER.DURABLE.CREATE.S.d', { stream_name: 'S', config: { durable_name: 'd', ack_policy: 'explicit', max_ack_pending: 101 } }))
        .error,
    ).toEqual({
      code: 400,
      err_code: 10121,
      description: 'consumer max ack pending exceeds system limit of 100',
    });
    expect(
      (await a.json('$JS.API.CONSUMER.DURABLE.CREATE.S.e', { stream_name: 'S', config: { durable_name: 'e', ack_policy: 'explicit' } })).error,
    ).toMatchObject({ err_code: 10026 });
  });

  it('consumers come back with their stream after a restart', async () => {
    const dir = path.join(root, `js${n++}`);
    const one = await setup(dir);
    await one.a.json('$JS.API.CONSUMER.DURABLE.CREATE.S.d', { stream_name: 'S', config: { durable_name: 'd', ack_policy: 'explicit' } });
    const inbox = collect(one.a, 'in');
    one.a.publish('$JS.API.CONSUMER.MSG.NEXT.S.d', 'in', null, Buffer.from('{"batch":2}'));
    await until(() => inbox.length === 2);
    await one.a.request(inbox[0]!.reply, '');
    await one.js.stop();
    open.splice(open.indexOf(one.js), 1);
    const host = new MemoryHost();
    const js = new JetStream(host, { storeDir: dir });
    open.push(js);
    js.account('A');
    const info = await host.account('A').json('$JS.API.CONSUMER.INFO.S.d');
    expect(info).toMatchObject({ name: 'd', delivered: { stream_seq: 2 }, ack_floor: { stream_seq: 1 }, num_ack_pending: 1, num_pending: 1 });
  });
});
