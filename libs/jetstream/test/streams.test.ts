import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { JetStream } from '@switchboard/jetstream';
import { MemoryHost } from './memory-host.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jetstream-'));
let n = 0;
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const T = 'io.nats.jetstream.api.v1.';
const open: JetStream[] = [];
afterEach(async () => {
  for (const js of open.splice(0)) await js.stop();
});

function setup(dir = path.join(root, `js${n++}`)) {
  const host = new MemoryHost();
  const js = new JetStream(host, { storeDir: dir });
  open.push(js);
  const acc = js.account('A');
  return { host, js, acc, a: host.account('A'), dir };
}

describe('stream API', () => {
  it('creates a stream with nats-server defaults and captures publishes with acks', async () => {
    const { a } = setup();
    const r = await a.json('$JS.API.STREAM.CREATE.ORDERS', { name: 'ORDERS', subjects: ['orders.*'] });
    expect(r.type).toBe(`${T}stream_create_response`);
    expect(r.did_create).toBe(true);
    expect(r.config).toEqual({
      name: 'ORDERS',
      subjects: ['orders.*'],
      retention: 'limits',
      max_consumers: -1,
      max_msgs: -1,
      max_bytes: -1,
      max_age: 0,
      max_msgs_per_subject: -1,
      max_msg_size: -1,
      discard: 'old',
      storage: 'file',
      num_replicas: 1,
      duplicate_window: 120_000_000_000,
      allow_direct: false,
      mirror_direct: false,
      sealed: false,
      deny_delete: false,
      deny_purge: false,
      allow_rollup_hdrs: false,
    });
    const ack = await a.request('orders.1', 'hello');
    expect(ack.data).toBe('{"stream":"ORDERS","seq":1}');
    const info = await a.json('$JS.API.STREAM.INFO.ORDERS');
    expect(info.state.messages).toBe(1);
    expect(info.cluster).toBeUndefined();
    expect(info.total).toBe(0);
  });

  it('answers errors with nats-server codes', async () => {
    const { a } = setup();
    expect((await a.json('$JS.API.STREAM.INFO.NOPE')).error).toEqual({ code: 404, err_code: 10059, description: 'stream not found' });
    expect((await a.json('$JS.API.STREAM.CREATE.X', { name: 'Y' })).error.err_code).toBe(10056);
    expect((await a.json('$JS.API.STREAM.CREATE.X', '{bad')).error.err_code).toBe(10025);
    expect((await a.json('$JS.API.STREAM.CREATE.X', { name: 'X', max_age: 5 })).error).toEqual({
      code: 500,
      err_code: 10052,
      description: 'max age needs to be >= 100ms',
    });
    await a.json('$JS.API.STREAM.CREATE.X', { name: 'X', subjects: ['x.>'] });
    expect((await a.json('$JS.API.STREAM.CREATE.Z', { name: 'Z', subjects: ['x.y'] })).error.err_code).toBe(10065);
    expect((await a.json('$JS.API.STREAM.CREATE.X', { name: 'X', subjects: ['x.>'], max_msgs: 5 })).error.err_code).toBe(10058);
    expect((await a.json('$JS.API.STREAM.CREATE.X', { name: 'X', subjects: ['x.>'] })).did_create).toBe(true);
  });

  it('dedups with Nats-Msg-Id and checks expected headers', async () => {
    const { a } = setup();
    await a.json('$JS.API.STREAM.CREATE.S', { name: 'S', subjects: ['s.>'] });
    const h = (k: string, v: string) => `NATS/1.0\r\n${k}: ${v}\r\n\r\n`;
    expect((await a.request('s.a', 'x', h('Nats-Msg-Id', 'id1'))).data).toBe('{"stream":"S","seq":1}');
    expect((await a.request('s.a', 'x', h('Nats-Msg-Id', 'id1'))).data).toBe('{"stream":"S","seq":1,"duplicate": true}');
    expect(JSON.parse((await a.request('s.a', 'x', h('Nats-Expected-Stream', 'T'))).data).error.err_code).toBe(10060);
    expect(JSON.parse((await a.request('s.a', 'x', h('Nats-Expected-Last-Sequence', '7'))).data).error.description).toBe('wrong last sequence: 1');
    expect(JSON.parse((await a.request('s.b', 'x', h('Nats-Expected-Last-Subject-Sequence', '1'))).data).error.description).toBe('wrong last sequence: 0');
    expect((await a.request('s.b', 'x', h('Nats-Expected-Last-Subject-Sequence', '0'))).data).toBe('{"stream":"S","seq":2}');
    expect(JSON.parse((await a.request('s.b', 'x', h('Nats-Expected-Last-Msg-Id', 'zz'))).data).error.description).toBe('wrong last msg ID: ');
  });

  it('purges, gets and deletes messages; direct get in both forms', async () => {
    const { a } = setup();
    await a.json('$JS.API.STREAM.CREATE.K', { name: 'K', subjects: ['k.*'], allow_direct: true, storage: 'memory' });
    for (const k of ['a', 'b', 'a', 'c', 'a']) await a.request(`k.${k}`, `v-${k}`);
    const g = await a.json('$JS.API.STREAM.MSG.GET.K', { last_by_subj: 'k.a' });
    expect(g.message.seq).toBe(5);
    expect(Buffer.from(g.message.data, 'base64').toString()).toBe('v-a');
    const d = await a.request('$JS.API.DIRECT.GET.K.k.b');
    expect(d.hdr).toContain('Nats-Sequence: 2\r\n');
    expect(d.data).toBe('v-b');
    const nf = await a.request('$JS.API.DIRECT.GET.K', { seq: 99 });
    expect(nf.hdr).toBe('NATS/1.0 404 Message Not Found\r\n\r\n');
    expect(await a.json('$JS.API.STREAM.PURGE.K', { filter: 'k.a', keep: 1 })).toEqual({ type: `${T}stream_purge_response`, success: true, purged: 2 });
    expect((await a.json('$JS.API.STREAM.MSG.DELETE.K', { seq: 2 })).success).toBe(true);
    expect((await a.json('$JS.API.STREAM.MSG.DELETE.K', { seq: 2 })).error).toEqual({ code: 500, err_code: 10057, description: 'no message found' });
    const names = await a.json('$JS.API.STREAM.NAMES', { subject: 'k.a' });
    expect(names).toEqual({ type: `${T}stream_names_response`, total: 1, offset: 0, limit: 1024, streams: ['K'] });
    const info = await a.json('$JS.API.INFO');
    expect(info.streams).toBe(1);
    expect(info.api.total).toBeGreaterThan(3);
  });

  it('recovers file streams after a restart', async () => {
    const first = setup();
    await first.a.json('$JS.API.STREAM.CREATE.R', { name: 'R', subjects: ['r'] });
    for (let i = 0; i < 10; i++) await first.a.request('r', `m${i}`);
    await first.js.stop();
    open.splice(open.indexOf(first.js), 1);
    const second = setup(first.dir);
    const info = await second.a.json('$JS.API.STREAM.INFO.R');
    expect(info.state.messages).toBe(10);
    expect((await second.a.request('r', 'again')).data).toBe('{"stream":"R","seq":11}');
  });

  it('keeps the duplicate window over a clean restart (saved, not read from the messages); a stale save is not used', async () => {
    const h = (v: string): string => `NATS/1.0\r\nNats-Msg-Id: ${v}\r\n\r\n`;
    const restart = async (dir: string): Promise<ReturnType<typeof setup>> => {
      const s = setup(dir);
      await s.a.json('$JS.API.STREAM.INFO.D');
      return s;
    };
    const first = setup();
    await first.a.json('$JS.API.STREAM.CREATE.D', { name: 'D', subjects: ['d'] });
    for (let i = 1; i <= 5; i++) await first.a.request('d', `m${i}`, h(`id${i}`));
    await first.a.request('d', 'plain');
    await first.js.stop();
    open.splice(open.indexOf(first.js), 1);
    const file = path.join(first.dir, 'jetstream', 'A', 'streams', 'D', 'dedup.json');
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { last: number; ids: [string, number, string][] };
    expect(saved.last).toBe(6);
    expect(saved.ids.map(([id, seq]) => [id, seq])).toEqual([1, 2, 3, 4, 5].map((i) => [`id${i}`, i]));
    // An id only the saved window has: found after the restart, so the save was what was used.
    saved.ids.push(['ghost', 3, saved.ids[0]![2]]);
    fs.writeFileSync(file, JSON.stringify(saved));
    const second = await restart(first.dir);
    expect(fs.existsSync(file)).toBe(false); // taken at start: a crash later cannot find it stale
    expect((await second.a.request('d', 'x', h('ghost'))).data).toBe('{"stream":"D","seq":3,"duplicate": true}');
    expect((await second.a.request('d', 'x', h('id2'))).data).toBe('{"stream":"D","seq":2,"duplicate": true}');
    expect(JSON.parse((await second.a.request('d', 'x', 'NATS/1.0\r\nNats-Expected-Last-Msg-Id: ghost\r\n\r\n')).data)).toMatchObject({ seq: 7 });
    expect((await second.a.request('d', 'x', h('other'))).data).toBe('{"stream":"D","seq":8}');
    await second.js.stop();
    open.splice(open.indexOf(second.js), 1);
    // A save that names another last sequence (the store moved on after it): read from the messages.
    const stale = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof saved;
    stale.last = 99;
    stale.ids.push(['ghost2', 1, stale.ids[0]![2]]);
    fs.writeFileSync(file, JSON.stringify(stale));
    const third = await restart(first.dir);
    expect((await third.a.request('d', 'x', h('ghost2'))).data).toBe('{"stream":"D","seq":9}');
    expect(JSON.parse((await third.a.request('d', 'x', 'NATS/1.0\r\nNats-Expected-Last-Msg-Id: other\r\n\r\n')).data).error.err_code).toBe(10070);
    expect((await third.a.request('d', 'x', h('id4'))).data).toBe('{"stream":"D","seq":4,"duplicate": true}');
  });

  it('answers 10039 when the account has no JetStream', async () => {
    const host = new MemoryHost();
    const js = new JetStream(host, { storeDir: path.join(root, `js${n++}`) });
    open.push(js);
    js.account('B', false);
    const r = await host.account('B').json('$JS.API.INFO');
    expect(r.error).toEqual({ code: 503, err_code: 10039, description: 'JetStream not enabled for account' });
    expect((await host.account('B').json('$JS.API.STREAM.NAMES')).error.err_code).toBe(10039);
    await js.setEnabled('B', true);
    expect((await host.account('B').json('$JS.API.STREAM.NAMES')).total).toBe(0);
  });
});
