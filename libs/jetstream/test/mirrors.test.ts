import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { JetStream, applyAccountLimits, jsLimitsFromClaims } from '@switchboard/jetstream';
import { nameHash } from '../src/stream-source-external.js';
import { MemoryHost } from './memory-host.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jetstream-mirrors-'));
let n = 0;
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const open: JetStream[] = [];
afterEach(async () => {
  for (const js of open.splice(0)) await js.stop();
});

/** `before`: what the account has before its streams are recovered (an import). */
function setup(dir = path.join(root, `js${n++}`), before?: (a: ReturnType<MemoryHost['account']>) => void) {
  const host = new MemoryHost();
  const js = new JetStream(host, { storeDir: dir });
  open.push(js);
  before?.(host.account('A'));
  js.account('A');
  return { host, js, a: host.account('A'), dir };
}

async function stop(js: JetStream): Promise<void> {
  open.splice(open.indexOf(js), 1);
  await js.stop();
}

/** Polls until `cond` holds (copies are made in later I/O turns). */
async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

type A = ReturnType<typeof setup>['a'];
const info = (a: A, name: string) => a.json(`$JS.API.STREAM.INFO.${name}`);
const get = async (a: A, name: string, seq: number) => (await a.json(`$JS.API.STREAM.MSG.GET.${name}`, { seq })).message;
const hdrText = (m: { hdrs?: string }): string => (m.hdrs ? Buffer.from(m.hdrs, 'base64').toString() : '');

describe('mirrors', () => {
  it('copies what the origin holds and what follows, with its sequences and times', async () => {
    const { a } = setup();
    await a.json('$JS.API.STREAM.CREATE.O', { name: 'O', subjects: ['o.*'] });
    for (let i = 1; i <= 5; i++) await a.request(`o.${i % 2}`, `m${i}`, i === 2 ? 'NATS/1.0\r\nNats-Msg-Id: two\r\n\r\n' : null);
    await a.json('$JS.API.STREAM.MSG.DELETE.O', { seq: 1 });
    await a.json('$JS.API.STREAM.MSG.DELETE.O', { seq: 3 });
    const created = await a.json('$JS.API.STREAM.CREATE.M', { name: 'M', mirror: { name: 'O' } });
    expect(created.did_create).toBe(true);
    expect(created.mirror).toBeUndefined(); // as nats-server's create reply
    expect(created.config.duplicate_window).toBeUndefined();
    await until(async () => (await info(a, 'M')).state.last_seq === 5, 'initial copy');
    for (let i = 6; i <= 8; i++) await a.request('o.x', `m${i}`);
    await until(async () => (await info(a, 'M')).state.last_seq === 8, 'new messages');
    const m = await info(a, 'M');
    const o = await info(a, 'O');
    expect(m.state).toEqual({ ...o.state, consumer_count: 0 });
    expect(m.state).toMatchObject({ messages: 6, first_seq: 2, last_seq: 8, num_deleted: 1 });
    expect(m.mirror).toMatchObject({ name: 'O', lag: 0 });
    expect(m.mirror.active).toBeGreaterThanOrEqual(0);
    expect(m.mirror.error).toBeUndefined();
    expect(o.state.consumer_count).toBe(0); // the link is no consumer of the origin
    for (const seq of [2, 4, 5, 8]) expect(await get(a, 'M', seq)).toEqual(await get(a, 'O', seq));
    expect(hdrText(await get(a, 'M', 2))).toBe('NATS/1.0\r\nNats-Msg-Id: two\r\n\r\n');
    // A mirror takes no publishes (no subjects), and its config cannot change its mirror.
    expect((await a.json('$JS.API.STREAM.UPDATE.M', { name: 'M', mirror: { name: 'X' } })).error.err_code).toBe(10055);
    const upd = await a.json('$JS.API.STREAM.UPDATE.M', { name: 'M', mirror: { name: 'O' }, max_msgs: 2 });
    expect(upd.mirror).toMatchObject({ name: 'O', lag: 0 });
    expect(upd.state).toMatchObject({ messages: 2, first_seq: 7, last_seq: 8 });
    await a.request('o.y', 'm9');
    await until(async () => (await info(a, 'M')).state.last_seq === 9, 'copy under max_msgs');
    expect((await info(a, 'M')).state).toMatchObject({ messages: 2, first_seq: 8 });
  });

  it('waits for an origin created later, shows it missing while it is gone, continues after its sequences', async () => {
    const { a } = setup();
    await a.json('$JS.API.STREAM.CREATE.M', { name: 'M', mirror: { name: 'O', filter_subject: 'o.a' }, storage: 'memory' });
    expect((await info(a, 'M')).mirror).toEqual({
      name: 'O',
      lag: 0,
      active: -1,
      error: { code: 404, err_code: 10059, description: 'stream not found' },
    });
    await a.json('$JS.API.STREAM.CREATE.O', { name: 'O', subjects: ['o.*'] });
    for (const s of ['o.b', 'o.a', 'o.b', 'o.a']) await a.request(s, s);
    await until(async () => (await info(a, 'M')).state.last_seq === 4, 'filtered copy');
    expect((await info(a, 'M')).state).toMatchObject({ messages: 2, first_seq: 2, num_deleted: 1 });
    await a.json('$JS.API.STREAM.DELETE.O');
    expect((await info(a, 'M')).mirror.error.err_code).toBe(10059);
    await a.json('$JS.API.STREAM.CREATE.O', { name: 'O', subjects: ['o.*'] });
    for (let i = 1; i <= 6; i++) await a.request('o.a', `again${i}`);
    // nats-server's mirror consumer starts after the mirror's last sequence: 5 and 6 only.
    await until(async () => (await info(a, 'M')).state.last_seq === 6, 'copies from the new origin');
    const m = await info(a, 'M');
    expect(m.mirror.error).toBeUndefined();
    expect(m.state).toMatchObject({ messages: 4, first_seq: 2, last_seq: 6 });
    expect(Buffer.from((await get(a, 'M', 5)).data, 'base64').toString()).toBe('again5');
  });

  it('starts at opt_start_seq, numbering included', async () => {
    const { a } = setup();
    await a.json('$JS.API.STREAM.CREATE.O', { name: 'O', subjects: ['o'] });
    for (let i = 1; i <= 10; i++) await a.request('o', `m${i}`);
    await a.json('$JS.API.STREAM.CREATE.M', { name: 'M', mirror: { name: 'O', opt_start_seq: 7 } });
    await until(async () => (await info(a, 'M')).state.last_seq === 10, 'copy');
    expect((await info(a, 'M')).state).toMatchObject({ messages: 4, first_seq: 7 });
  });

  it('resumes after a restart without repeating or skipping', async () => {
    const first = setup();
    await first.a.json('$JS.API.STREAM.CREATE.O', { name: 'O', subjects: ['o.*'] });
    await first.a.json('$JS.API.STREAM.CREATE.M', { name: 'M', mirror: { name: 'O' } });
    await first.a.json('$JS.API.STREAM.CREATE.S', { name: 'S', sources: [{ name: 'O' }], subjects: ['s'] });
    for (let i = 1; i <= 20; i++) await first.a.request(`o.${i % 3}`, `m${i}`);
    await first.a.request('s', 'own');
    await until(async () => (await info(first.a, 'M')).state.last_seq === 20 && (await info(first.a, 'S')).state.messages === 21, 'copies');
    await stop(first.js);
    // While the broker is down the origin gets nothing; after it, more.
    const second = setup(first.dir);
    for (let i = 21; i <= 30; i++) await second.a.request(`o.${i % 3}`, `m${i}`);
    await until(async () => (await info(second.a, 'M')).state.last_seq === 30 && (await info(second.a, 'S')).state.messages === 31, 'copies after restart');
    const s = await info(second.a, 'S');
    expect(s.state).toMatchObject({ messages: 31, last_seq: 31 });
    const seen: number[] = [];
    for (let seq = 1; seq <= 31; seq++) {
      const h = hdrText(await get(second.a, 'S', seq));
      const m = /Nats-Stream-Source: O (\d+)/.exec(h);
      if (m) seen.push(Number(m[1]));
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect((await info(second.a, 'M')).state).toMatchObject({ messages: 30, first_seq: 1 });
  });
});

describe('interest and workqueue origins', () => {
  it('keep a message until the mirror/source took it, then drop it when no consumer needs it', async () => {
    const { a, js } = setup();
    await a.json('$JS.API.STREAM.CREATE.IO', { name: 'IO', subjects: ['io.*'], retention: 'interest' });
    await a.json('$JS.API.STREAM.CREATE.M', { name: 'M', mirror: { name: 'IO', filter_subject: 'io.m' } });
    await a.json('$JS.API.STREAM.CREATE.WQ', { name: 'WQ', subjects: ['wq'], retention: 'workqueue' });
    await a.json('$JS.API.STREAM.CREATE.S', { name: 'S', sources: [{ name: 'WQ' }] });
    await until(async () => (await info(a, 'M')).mirror.active !== -1 && (await info(a, 'S')).sources[0].active !== -1, 'links running');
    // Interest: nothing wants io.x (skipped, as nats-server), the mirror wants io.m.
    expect(JSON.parse((await a.request('io.x', 'nobody')).data).seq).toBe(1);
    expect(JSON.parse((await a.request('io.m', 'mirrored')).data).seq).toBe(2);
    await a.request('wq', 'moved');
    await until(async () => (await info(a, 'M')).state.messages === 1 && (await info(a, 'S')).state.messages === 1, 'copies');
    await until(async () => (await info(a, 'IO')).state.messages === 0 && (await info(a, 'WQ')).state.messages === 0, 'origins emptied');
    // A link that has not taken a message yet holds it against a consumer's ack.
    const io = js.account('A').streams.get('IO')!;
    await a.request('io.m', 'held');
    io.removeMsg(3); // as a consumer's ack would, before the link's turn
    expect(io.store.load(3)).not.toBeNull();
    await until(async () => (await info(a, 'M')).state.last_seq === 3, 'the held one copied');
    expect(io.store.load(3)).toBeNull();
  });
});

describe('account limits', () => {
  it('count the copies; a copy over them stops the link (error shown) until there is room', async () => {
    const { js, a } = setup();
    await applyAccountLimits(js, 'A', jsLimitsFromClaims({ mem_storage: 600, disk_storage: 0 }));
    await a.json('$JS.API.STREAM.CREATE.O', { name: 'O', subjects: ['o'], storage: 'memory' });
    // 117 bytes each in a memory store (subject + data + 16).
    for (let i = 0; i < 2; i++) await a.request('o', 'x'.repeat(100));
    await a.json('$JS.API.STREAM.CREATE.M', { name: 'M', mirror: { name: 'O' }, storage: 'memory' });
    await until(async () => (await info(a, 'M')).state.messages === 2, 'copies');
    expect((await a.json('$JS.API.INFO')).memory).toBe(4 * 117);
    expect(JSON.parse((await a.request('o', 'x'.repeat(100))).data)).toMatchObject({ seq: 3 }); // 585 <= 600
    await until(async () => (await info(a, 'M')).mirror.error !== undefined, 'the refused copy');
    const m = await info(a, 'M');
    expect(m.mirror).toMatchObject({ lag: 1, error: { code: 400, err_code: 10002, description: 'resource limits exceeded for account' } });
    expect(m.state.messages).toBe(2);
    await a.json('$JS.API.STREAM.PURGE.M'); // room: the retry (every second) copies it
    await until(async () => (await info(a, 'M')).state.last_seq === 3, 'the copy after the purge', 5000);
    expect((await info(a, 'M')).state).toMatchObject({ messages: 1, first_seq: 3 });
    expect((await info(a, 'M')).mirror.error).toBeUndefined();
    expect((await a.json('$JS.API.INFO')).memory).toBe(4 * 117);
  });
});

describe('sources', () => {
  it('stores copies with its own sequences and the Nats-Stream-Source header, from several origins', async () => {
    const { a } = setup();
    await a.json('$JS.API.STREAM.CREATE.O1', { name: 'O1', subjects: ['one.*'] });
    await a.json('$JS.API.STREAM.CREATE.O2', { name: 'O2', subjects: ['two.*'] });
    await a.request('one.a', '1a', 'NATS/1.0\r\nNats-Msg-Id: x\r\n\r\n');
    await a.request('two.a', '2a');
    await a.request('one.b', '1b');
    const r = await a.json('$JS.API.STREAM.CREATE.S', {
      name: 'S',
      subjects: ['s.*'],
      sources: [{ name: 'O1', filter_subject: 'one.b' }, { name: 'O2' }, { name: 'NOPE' }],
    });
    expect(r.sources).toBeUndefined();
    await until(async () => (await info(a, 'S')).state.messages === 2, 'copies');
    await a.request('s.own', 'own');
    expect((await a.request('one.b', '1b again', 'NATS/1.0\r\nNats-Expected-Last-Sequence: 2\r\n\r\n')).data).toBe('{"stream":"O1","seq":3}');
    await until(async () => (await info(a, 'S')).state.messages === 4, 'new copies');
    const s = await info(a, 'S');
    expect(s.sources).toEqual([
      { name: 'O1', lag: 0, active: expect.any(Number) },
      { name: 'O2', lag: 0, active: expect.any(Number) },
      { name: 'NOPE', lag: 0, active: -1, error: { code: 404, err_code: 10059, description: 'stream not found' } },
    ]);
    const msgs = [];
    for (let seq = 1; seq <= 4; seq++) {
      const m = await get(a, 'S', seq);
      msgs.push([m.seq, m.subject, hdrText(m)]);
    }
    expect(msgs.slice(0, 2).sort()).toEqual(
      [
        [1, 'one.b', 'NATS/1.0\r\nNats-Stream-Source: O1 2\r\n\r\n'],
        [2, 'two.a', 'NATS/1.0\r\nNats-Stream-Source: O2 1\r\n\r\n'],
      ].sort(),
    );
    expect(msgs[2]).toEqual([3, 's.own', '']);
    // The origin's expectation was met there; the copy is not checked against this stream.
    expect(msgs[3]).toEqual([4, 'one.b', 'NATS/1.0\r\nNats-Expected-Last-Sequence: 2\r\nNats-Stream-Source: O1 3\r\n\r\n']);
  });

  it('a source of a source carries the nearest origin; dedup by Nats-Msg-Id applies to copies', async () => {
    const { a } = setup();
    await a.json('$JS.API.STREAM.CREATE.O', { name: 'O', subjects: ['o'] });
    await a.json('$JS.API.STREAM.CREATE.P', { name: 'P', subjects: ['p'] });
    await a.json('$JS.API.STREAM.CREATE.S1', { name: 'S1', sources: [{ name: 'O' }, { name: 'P' }] });
    await a.json('$JS.API.STREAM.CREATE.S2', { name: 'S2', sources: [{ name: 'S1' }] });
    await a.request('o', 'a', 'NATS/1.0\r\nNats-Msg-Id: same\r\n\r\n');
    await a.request('p', 'b', 'NATS/1.0\r\nNats-Msg-Id: same\r\n\r\n');
    await until(async () => (await info(a, 'S2')).state.messages === 1 && (await info(a, 'S1')).sources.every((s: { lag: number }) => s.lag === 0), 'chain');
    expect((await info(a, 'S1')).state.messages).toBe(1);
    expect(hdrText(await get(a, 'S2', 1))).toMatch(/^NATS\/1\.0\r\nNats-Msg-Id: same\r\nNats-Stream-Source: S1 1\r\n\r\n$/);
  });

  it('adds and removes sources on update', async () => {
    const { a } = setup();
    await a.json('$JS.API.STREAM.CREATE.O1', { name: 'O1', subjects: ['one'] });
    await a.json('$JS.API.STREAM.CREATE.O2', { name: 'O2', subjects: ['two'] });
    await a.request('one', '1');
    await a.request('two', '2');
    await a.json('$JS.API.STREAM.CREATE.S', { name: 'S', sources: [{ name: 'O1' }] });
    await until(async () => (await info(a, 'S')).state.messages === 1, 'first source');
    const u = await a.json('$JS.API.STREAM.UPDATE.S', { name: 'S', sources: [{ name: 'O1' }, { name: 'O2' }] });
    expect(u.sources.map((s: { name: string }) => s.name)).toEqual(['O1', 'O2']);
    await until(async () => (await info(a, 'S')).state.messages === 2, 'second source');
    await a.request('one', '1 again');
    await until(async () => (await info(a, 'S')).state.messages === 3, 'first source, continued, not repeated');
    await a.json('$JS.API.STREAM.UPDATE.S', { name: 'S', sources: [{ name: 'O2' }] });
    await a.request('one', 'not copied');
    await a.request('two', '2 again');
    await until(async () => (await info(a, 'S')).state.messages === 4, 'only the second');
    expect(Buffer.from((await get(a, 'S', 4)).data, 'base64').toString()).toBe('2 again');
  });

  it('copies an origin deleted and created again from its start', async () => {
    const { a } = setup();
    await a.json('$JS.API.STREAM.CREATE.O', { name: 'O', subjects: ['o'] });
    await a.json('$JS.API.STREAM.CREATE.S', { name: 'S', sources: [{ name: 'O' }] });
    for (let i = 1; i <= 3; i++) await a.request('o', `first${i}`);
    await until(async () => (await info(a, 'S')).state.messages === 3, 'copies');
    await a.json('$JS.API.STREAM.DELETE.O');
    expect((await info(a, 'S')).sources[0].error.err_code).toBe(10059);
    await a.json('$JS.API.STREAM.CREATE.O', { name: 'O', subjects: ['o'] });
    await a.request('o', 'second1');
    await until(async () => (await info(a, 'S')).state.messages === 4, 'the new origin');
    expect(hdrText(await get(a, 'S', 4))).toBe('NATS/1.0\r\nNats-Stream-Source: O 1\r\n\r\n');
  });

  it('copies through external api/deliver prefixes with a direct consumer, and resumes after a restart', async () => {
    // What the accounts' service import does, within one account here: `$JS.X.API.>` → `$JS.API.>`.
    const importApi = (a: A): unknown => a.subscribe('$JS.X.API.>', (subject, reply, hdr, data) => a.publish(`$JS.API.${subject.slice(10)}`, reply, hdr, data));
    const ext = { api: '$JS.X.API', deliver: 'dx' };
    const first = setup(undefined, importApi);
    await first.a.json('$JS.API.STREAM.CREATE.O', { name: 'O', subjects: ['o.*'] });
    for (let i = 1; i <= 5; i++) await first.a.request(`o.${i % 2}`, `m${i}`);
    await first.a.json('$JS.API.STREAM.MSG.DELETE.O', { seq: 2 });
    const requests: string[] = [];
    first.a.subscribe('$JS.API.CONSUMER.CREATE.>', (_s, _r, _h, d) => requests.push(d.toString()));
    expect((await first.a.json('$JS.API.STREAM.CREATE.M', { name: 'M', mirror: { name: 'O', external: ext } })).did_create).toBe(true);
    await first.a.json('$JS.API.STREAM.CREATE.S', { name: 'S', sources: [{ name: 'O', external: ext }] });
    await until(async () => (await info(first.a, 'M')).state.last_seq === 5 && (await info(first.a, 'S')).state.messages === 4, 'copies');
    expect(JSON.parse(requests[0]!)).toMatchObject({
      stream_name: 'O',
      config: { deliver_policy: 'all', ack_policy: 'none', max_deliver: 1, idle_heartbeat: 1e9, flow_control: true, direct: true, num_replicas: 0 },
    });
    expect(JSON.parse(requests[0]!).config.deliver_subject).toMatch(/^dx\.M\.[0-9A-Za-z]{8}$/);
    const m = await info(first.a, 'M');
    expect(m.state).toEqual({ ...(await info(first.a, 'O')).state, consumer_count: 0 });
    expect(m.mirror).toMatchObject({ name: 'O', external: ext, lag: 0 });
    // The links' consumers are direct: not listed, not the origin's consumer_count.
    expect((await first.a.json('$JS.API.CONSUMER.NAMES.O')).consumers).toEqual([]);
    expect((await info(first.a, 'O')).state.consumer_count).toBe(0);
    const iname = `O:${nameHash('$JS.X.API')}`;
    expect(hdrText(await get(first.a, 'S', 1))).toBe(`NATS/1.0\r\nNats-Stream-Source: ${iname} 1\r\n\r\n`);
    await stop(first.js);
    const second = setup(first.dir, importApi);
    for (let i = 6; i <= 9; i++) await second.a.request(`o.${i % 2}`, `m${i}`);
    await until(async () => (await info(second.a, 'M')).state.last_seq === 9 && (await info(second.a, 'S')).state.messages === 8, 'copies after restart');
    const seen: string[] = [];
    for (let seq = 1; seq <= 8; seq++) seen.push(/Nats-Stream-Source: (\S+ \d+)/.exec(hdrText(await get(second.a, 'S', seq)))![1]!);
    expect(seen).toEqual([1, 3, 4, 5, 6, 7, 8, 9].map((n) => `${iname} ${n}`));
    expect((await info(second.a, 'M')).state).toMatchObject({ messages: 8, first_seq: 1, last_seq: 9 });
  });
});
