import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { JetStream, applyAccountLimits, jsLimitsFromClaims, jsLimitsFromConfig, type JsLimitTiers } from '@switchboard/jetstream';
import { MemoryHost } from './memory-host.js';

// Account JetStream limits on the in-memory host: the codes and texts of nats-server 2.9.10
// (errors.json), the order it checks them in, live changes, and usage that follows the stores.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jetstream-limits-'));
let n = 0;
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const open: JetStream[] = [];
afterEach(async () => {
  for (const js of open.splice(0)) await js.stop();
});

function setup(opts: { maxMemory?: number; maxStore?: number } = {}, dir = path.join(root, `js${n++}`)) {
  const host = new MemoryHost();
  const js = new JetStream(host, { storeDir: dir, maxMemory: opts.maxMemory ?? 1 << 30, maxStore: opts.maxStore ?? 1 << 30 });
  open.push(js);
  return { host, js, a: host.account('A'), dir };
}

const claims = (l: Record<string, unknown>) => jsLimitsFromClaims(l)!;
const err = (r: Record<string, any>) => r.error as { code: number; err_code: number; description: string } | undefined;

describe('reading limits', () => {
  it('from the account JWT as nats-server does: on only with mem or disk ≠ 0, per-stream caps ≤ 0 unlimited, tiers', () => {
    expect(jsLimitsFromClaims(undefined)).toBeNull();
    expect(jsLimitsFromClaims({ mem_storage: 0, disk_storage: 0, streams: 5 })).toBeNull();
    expect(jsLimitsFromClaims({ tiered_limits: { R1: { mem_storage: 0, disk_storage: 0 } } })).toBeNull();
    expect(claims({ mem_storage: -1, disk_storage: 0, streams: 2, consumer: 0, max_ack_pending: 0, mem_max_stream_bytes: -1 }).get('')).toEqual({
      maxMemory: -1,
      maxStore: 0,
      maxStreams: 2,
      maxConsumers: 0,
      maxAckPending: -1,
      memoryMaxStreamBytes: -1,
      storeMaxStreamBytes: -1,
      maxBytesRequired: false,
    });
    const tiered = claims({ tiered_limits: { R1: { disk_storage: 1000, streams: 1 }, R3: { disk_storage: 0 } } });
    expect([...tiered.keys()]).toEqual(['R1', 'R3']);
    expect(tiered.get('R1')).toMatchObject({ maxStore: 1000, maxStreams: 1 });
    // Plain limits that enable JetStream win over tiers (nats-server 2.9.10 takes both).
    expect([...claims({ disk_storage: 5, tiered_limits: { R1: { disk_storage: 1 } } }).keys()]).toEqual(['']);
  });

  it("from a config-file account's jetstream value (enabled, disabled, a map of limits) with nats-server's messages", () => {
    expect(jsLimitsFromConfig('enabled')?.get('')).toMatchObject({ maxMemory: -1, maxStore: -1 });
    expect(jsLimitsFromConfig(true)).not.toBeNull();
    expect(jsLimitsFromConfig('Disabled')).toBeNull();
    expect(jsLimitsFromConfig(false)).toBeNull();
    expect(jsLimitsFromConfig({ max_mem: 1024, max_file: 2048, max_streams: 3, consumers: 4, max_bytes_required: true, max_ack_pending: 9 })?.get('')).toEqual({
      maxMemory: 1024,
      maxStore: 2048,
      maxStreams: 3,
      maxConsumers: 4,
      maxAckPending: 9,
      memoryMaxStreamBytes: -1,
      storeMaxStreamBytes: -1,
      maxBytesRequired: true,
    });
    expect(() => jsLimitsFromConfig('maybe')).toThrow("Expected 'enabled' or 'disabled' for string value, got 'maybe'");
    expect(() => jsLimitsFromConfig({ max_mem: 'lots' })).toThrow('Expected a parseable size for "max_mem", got lots');
    expect(() => jsLimitsFromConfig({ max_bytes_required: 1 })).toThrow('Expected a parseable bool for "max_bytes_required", got 1');
    expect(() => jsLimitsFromConfig({ bogus: 1 })).toThrow('unknown field "bogus"');
  });
});

describe('limits at the API', () => {
  it('off: every request gets 10039; on: $JS.API.INFO has the limits in nats-server shape', async () => {
    const { js, a } = setup();
    expect(await applyAccountLimits(js, 'A', null)).toBe(false);
    js.account('A', false);
    expect(err(await a.json('$JS.API.INFO'))).toEqual({ code: 503, err_code: 10039, description: 'JetStream not enabled for account' });
    expect(await applyAccountLimits(js, 'A', claims({ mem_storage: 1000, disk_storage: 2000, streams: 3, consumer: 4, max_ack_pending: 5 }))).toBe(true);
    const info = await a.json('$JS.API.INFO');
    expect(info).toMatchObject({ type: 'io.nats.jetstream.api.v1.account_info_response', memory: 0, storage: 0, streams: 0, consumers: 0 });
    expect(info.limits).toEqual({
      max_memory: 1000,
      max_storage: 2000,
      max_streams: 3,
      max_consumers: 4,
      max_ack_pending: 5,
      memory_max_stream_bytes: -1,
      storage_max_stream_bytes: -1,
      max_bytes_required: false,
    });
    expect(info.tiers).toBeUndefined();
  });

  it('streams: 10027 past the count, 10026 for max_consumers above the account, 10028/10047 reservations, 10113, 10122', async () => {
    const { js, a } = setup();
    await applyAccountLimits(
      js,
      'A',
      claims({ mem_storage: 0, disk_storage: 10_000, streams: 2, consumer: 3, disk_max_stream_bytes: 6000, max_bytes_required: true }),
    );
    const create = (name: string, cfg: Record<string, unknown> = {}) =>
      a.json(`$JS.API.STREAM.CREATE.${name}`, { name, subjects: [name.toLowerCase()], ...cfg });
    expect(err(await create('NOMAX'))).toEqual({ code: 400, err_code: 10113, description: 'account requires a stream config to have max bytes set' });
    expect(err(await create('BIG', { max_bytes: 7000 }))).toEqual({
      code: 400,
      err_code: 10122,
      description: 'stream max bytes exceeds account limit max stream bytes',
    });
    expect(err(await create('CONS', { max_bytes: 100, max_consumers: 4 }))).toEqual({
      code: 400,
      err_code: 10026,
      description: 'maximum consumers limit reached',
    });
    expect(err(await create('MEM', { max_bytes: 100, storage: 'memory' }))).toEqual({
      code: 500,
      err_code: 10028,
      description: 'insufficient memory resources available',
    });
    expect((await create('S1', { max_bytes: 6000 })).did_create).toBe(true);
    // 6000 reserved: 5000 more would make 11000 > 10000.
    expect(err(await create('S2', { max_bytes: 5000 }))).toEqual({ code: 500, err_code: 10047, description: 'insufficient storage resources available' });
    expect((await create('S2', { max_bytes: 4000 })).did_create).toBe(true);
    expect(err(await create('S3', { max_bytes: 1 }))).toEqual({ code: 400, err_code: 10027, description: 'maximum number of streams reached' });
    // An update reserves only the growth: S1 to 6000 again is fine, S2 to 4001 is not.
    expect(err(await a.json('$JS.API.STREAM.UPDATE.S1', { name: 'S1', subjects: ['s1'], max_bytes: 6000 }))).toBeUndefined();
    expect(err(await a.json('$JS.API.STREAM.UPDATE.S2', { name: 'S2', subjects: ['s2'], max_bytes: 4001 }))).toMatchObject({ err_code: 10047 });
    expect(err(await a.json('$JS.API.STREAM.UPDATE.S2', { name: 'S2', subjects: ['s2'], max_bytes: 3000 }))).toBeUndefined();
    // Deleting a stream frees its count and reservation.
    await a.json('$JS.API.STREAM.DELETE.S1');
    expect((await create('S3', { max_bytes: 7000 })).error).toMatchObject({ err_code: 10122 });
    expect((await create('S3', { max_bytes: 6000 })).did_create).toBe(true);
  });

  it('publish: 10002 when the message would take the stored bytes over the limit (nats-server stores, checks, removes)', async () => {
    const { js, a } = setup();
    await applyAccountLimits(js, 'A', claims({ mem_storage: 300, disk_storage: 0 }));
    expect((await a.json('$JS.API.STREAM.CREATE.M', { name: 'M', subjects: ['m'], storage: 'memory' })).did_create).toBe(true);
    const acks: string[] = [];
    for (let i = 0; i < 5; i++) acks.push((await a.request('m', 'x'.repeat(100))).data);
    // 117 bytes each in a memory store (subject + data + 16): the third would make 351 > 300.
    expect(acks.slice(0, 2).map((x) => JSON.parse(x).seq)).toEqual([1, 2]);
    expect(JSON.parse(acks[2]!)).toEqual({ stream: 'M', seq: 0, error: { code: 400, err_code: 10002, description: 'resource limits exceeded for account' } });
    const info = await a.json('$JS.API.INFO');
    expect(info.memory).toBe(234);
    // Purging frees it again.
    await a.json('$JS.API.STREAM.PURGE.M');
    expect(JSON.parse((await a.request('m', 'y')).data)).toMatchObject({ stream: 'M', seq: 3 });
  });

  it('consumers: max_ack_pending bounded (10121) and defaulted by the account; consumers per stream (10026)', async () => {
    const { js, a } = setup();
    await applyAccountLimits(js, 'A', claims({ mem_storage: -1, disk_storage: -1, consumer: 1, max_ack_pending: 50 }));
    await a.json('$JS.API.STREAM.CREATE.S', { name: 'S', subjects: ['s'] });
    await a.json('$JS.API.STREAM.CREATE.T', { name: 'T', subjects: ['t'] });
    const over = await a.json('$JS.API.CONSUMER.DURABLE.CREATE.S.d', {
      stream_name: 'S',
      config: { durable_name: 'd', ack_policy: 'explicit', max_ack_pending: 51 },
    });
    expect(err(over)).toEqual({ code: 400, err_code: 10121, description: 'consumer max ack pending exceeds system limit of 50' });
    const ok = await a.json('$JS.API.CONSUMER.DURABLE.CREATE.S.d', { stream_name: 'S', config: { durable_name: 'd', ack_policy: 'explicit' } });
    expect(ok.config.max_ack_pending).toBe(50);
    const second = await a.json('$JS.API.CONSUMER.DURABLE.CREATE.S.e', { stream_name: 'S', config: { durable_name: 'e', ack_policy: 'explicit' } });
    expect(err(second)).toEqual({ code: 400, err_code: 10026, description: 'maximum consumers limit reached' });
    // Counted per stream, as nats-server does.
    expect(
      err(await a.json('$JS.API.CONSUMER.DURABLE.CREATE.T.e', { stream_name: 'T', config: { durable_name: 'e', ack_policy: 'explicit' } })),
    ).toBeUndefined();
    expect((await a.json('$JS.API.INFO')).consumers).toBe(2);
  });

  it('changes live: a raised limit lets the next request through, JetStream off then on keeps the streams', async () => {
    const { js, a } = setup();
    await applyAccountLimits(js, 'A', claims({ disk_storage: -1, streams: 1 }));
    await a.json('$JS.API.STREAM.CREATE.S1', { name: 'S1', subjects: ['s1'] });
    await a.request('s1', 'kept');
    expect(err(await a.json('$JS.API.STREAM.CREATE.S2', { name: 'S2', subjects: ['s2'] }))).toMatchObject({ err_code: 10027 });
    await applyAccountLimits(js, 'A', claims({ disk_storage: -1, streams: 2 }));
    expect((await a.json('$JS.API.STREAM.CREATE.S2', { name: 'S2', subjects: ['s2'] })).did_create).toBe(true);
    expect((await a.json('$JS.API.INFO')).limits.max_streams).toBe(2);
    await applyAccountLimits(js, 'A', null);
    expect(err(await a.json('$JS.API.INFO'))).toMatchObject({ err_code: 10039 });
    expect(js.memUsed + js.storeUsed).toBe(0);
    await applyAccountLimits(js, 'A', claims({ disk_storage: -1 }));
    const info = await a.json('$JS.API.INFO');
    expect(info.streams).toBe(2);
    expect(info.storage).toBeGreaterThan(0);
    expect((await a.json('$JS.API.STREAM.INFO.S1')).state.messages).toBe(1);
  });

  it('tiered (R1) limits: top-level limits zero, usage and limits under tiers.R1, 10120 without a tier for the stream', async () => {
    const { js, a } = setup();
    await applyAccountLimits(js, 'A', claims({ tiered_limits: { R1: { disk_storage: 5000, streams: 2 } } }));
    await a.json('$JS.API.STREAM.CREATE.S', { name: 'S', subjects: ['s'] });
    await a.request('s', 'hello');
    const info = await a.json('$JS.API.INFO');
    expect(info.limits).toEqual({
      max_memory: 0,
      max_storage: 0,
      max_streams: 0,
      max_consumers: 0,
      max_ack_pending: 0,
      memory_max_stream_bytes: 0,
      storage_max_stream_bytes: 0,
      max_bytes_required: false,
    });
    expect(info.tiers.R1).toMatchObject({ streams: 1, consumers: 0, memory: 0, limits: { max_storage: 5000, max_streams: 2 } });
    expect(info.tiers.R1.storage).toBe(info.storage);
    await applyAccountLimits(js, 'A', claims({ tiered_limits: { R3: { disk_storage: 5000 } } }));
    expect(err(await a.json('$JS.API.STREAM.CREATE.T', { name: 'T', subjects: ['t'] }))).toEqual({
      code: 400,
      err_code: 10120,
      description: 'no JetStream default or applicable tiered limit present',
    });
  });

  it("refuses an account whose limits do not fit the server's max_memory/max_file_store (nats-server's sufficientResources)", async () => {
    const { js, host } = setup({ maxMemory: 1000, maxStore: 1000 });
    expect(await applyAccountLimits(js, 'A', claims({ mem_storage: 600, disk_storage: 0 }))).toBe(true);
    expect(await applyAccountLimits(js, 'B', claims({ mem_storage: 600, disk_storage: 0 }))).toBe(false);
    expect(host.logs.join('\n')).toContain('Error configuring jetstream for account [B]: insufficient memory resources available');
    expect(await applyAccountLimits(js, 'B', claims({ mem_storage: 400, disk_storage: -1 }))).toBe(true);
  });
});

describe('usage', () => {
  it('is what the stores hold: appends, limits, deletes and purges never leave it off, and a restart reconciles it', async () => {
    const dir = path.join(root, `js${n++}`);
    const one = setup({}, dir);
    const unlimited: JsLimitTiers = claims({ mem_storage: -1, disk_storage: -1 });
    await applyAccountLimits(one.js, 'A', unlimited);
    const acc = one.js.accounts.get('A')!;
    await one.a.json('$JS.API.STREAM.CREATE.F', { name: 'F', subjects: ['f.*'], max_msgs: 50 });
    await one.a.json('$JS.API.STREAM.CREATE.M', { name: 'M', subjects: ['m'], storage: 'memory' });
    await one.a.json('$JS.API.STREAM.CREATE.GONE', { name: 'GONE', subjects: ['g'] });
    for (let i = 0; i < 120; i++) await one.a.request(`f.${i % 7}`, 'x'.repeat(i));
    for (let i = 0; i < 10; i++) await one.a.request('m', 'y'.repeat(10));
    for (let i = 0; i < 10; i++) await one.a.request('g', 'z'.repeat(10));
    await one.a.json('$JS.API.STREAM.MSG.DELETE.F', { seq: 100 });
    await one.a.json('$JS.API.STREAM.PURGE.M', { keep: 3 });
    await one.a.json('$JS.API.STREAM.DELETE.GONE');
    const stored = acc.storedUsage();
    expect(stored.drift).toBe(false);
    expect(stored.memory).toBeGreaterThan(0);
    const info = await one.a.json('$JS.API.INFO');
    expect({ memory: info.memory, storage: info.storage }).toEqual({ memory: stored.memory, storage: stored.storage });
    expect(one.js.storeUsed).toBe(stored.storage);
    expect(one.js.memUsed).toBe(stored.memory);
    await one.js.stop();
    open.splice(open.indexOf(one.js), 1);
    // A new server on the same directory: usage comes back from the file store (memory streams are gone).
    const two = setup({}, dir);
    await applyAccountLimits(two.js, 'A', unlimited);
    const again = await two.a.json('$JS.API.INFO');
    expect({ memory: again.memory, storage: again.storage, streams: again.streams }).toEqual({ memory: 0, storage: stored.storage, streams: 1 });
  });
});
