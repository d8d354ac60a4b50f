import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type StreamStore, createMemoryStore, openFileStore } from '@switchboard/stream-store';
import { afterEach, describe, expect, it } from 'vitest';
import { type ConsumerConfig, ConsumerSet, FakeClock, type Retention, decodeConsumerConfig, isErrorBody } from '../../src/consumer/index.js';
import { RecordingHost, enc } from './harness.js';

const te = new TextEncoder();

function cfg(raw: Record<string, unknown>): ConsumerConfig {
  const c = decodeConsumerConfig(raw);
  if (isErrorBody(c)) throw new Error(c.description);
  return c;
}

function makeSet(
  retention: Retention = 'limits',
  store: StreamStore = createMemoryStore(),
  metaDir: string | null = null,
  maxConsumers = -1,
): { set: ConsumerSet; h: RecordingHost; clock: FakeClock; store: StreamStore; removed: number[]; pub: (s: string) => number } {
  const h = new RecordingHost();
  const clock = new FakeClock();
  const removed: number[] = [];
  const set = new ConsumerSet({
    stream: {
      name: 'S',
      store,
      view: () => ({ subjects: ['foo.>'], retention, replicas: 1, maxConsumers }),
      removeMsg: (seq) => {
        removed.push(seq);
        store.remove(seq);
      },
    },
    host: h,
    clock,
    metaDir,
  });
  const pub = (subject: string): number => {
    const seq = store.append(subject, null, te.encode('x'));
    set.onAppend(seq, subject);
    return seq;
  };
  return { set, h, clock, store, removed, pub };
}

describe('consumer set', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('names ephemerals, updates durables within the rules, lists sorted', async () => {
    const { set } = makeSet();
    const e = set.create(cfg({ ack_policy: 'explicit' }));
    if (isErrorBody(e)) throw new Error(e.description);
    expect(e.name).toMatch(/^[A-Za-z0-9]{8}$/);
    const d = set.create(cfg({ durable_name: 'b', ack_policy: 'explicit' }));
    expect(isErrorBody(d)).toBe(false);
    const same = set.create(cfg({ durable_name: 'b', ack_policy: 'explicit', description: 'x' }));
    expect(same).toBe(d);
    expect(set.create(cfg({ durable_name: 'b', ack_policy: 'none' }))).toEqual({ code: 500, err_code: 10012, description: 'ack policy can not be updated' });
    expect(set.create(cfg({ durable_name: 'a.b' }))).toMatchObject({ err_code: 10103 });
    expect(set.create(cfg({ durable_name: 'x'.repeat(256) }))).toMatchObject({ err_code: 10102 });
    set.create(cfg({ durable_name: 'a', ack_policy: 'explicit' }));
    expect(set.names().filter((n) => n.length === 1)).toEqual(['a', 'b']);
    expect(await set.delete('a')).toBe(true);
    expect(await set.delete('a')).toBe(false);
  });

  it('enforces max_consumers (10026) and the workqueue rules', () => {
    const lim = makeSet('limits', createMemoryStore(), null, 1);
    lim.set.create(cfg({ durable_name: 'a', ack_policy: 'explicit' }));
    expect(lim.set.create(cfg({ durable_name: 'b', ack_policy: 'explicit' }))).toMatchObject({
      err_code: 10026,
      description: 'maximum consumers limit reached',
    });
    const { set } = makeSet('workqueue');
    expect(set.create(cfg({ durable_name: 'a', ack_policy: 'all' }))).toMatchObject({ err_code: 10098 });
    expect(set.create(cfg({ durable_name: 'a', ack_policy: 'explicit', deliver_policy: 'new' }))).toMatchObject({ err_code: 10101 });
    set.create(cfg({ durable_name: 'a', ack_policy: 'explicit', filter_subject: 'foo.a' }));
    expect(set.create(cfg({ durable_name: 'b', ack_policy: 'explicit' }))).toMatchObject({ err_code: 10099 });
    expect(set.create(cfg({ durable_name: 'b', ack_policy: 'explicit', filter_subject: 'foo.*' }))).toMatchObject({ err_code: 10100 });
    expect(isErrorBody(set.create(cfg({ durable_name: 'b', ack_policy: 'explicit', filter_subject: 'foo.b' })))).toBe(false);
  });

  it('workqueue: an acked message leaves the stream', () => {
    const { set, h, clock, removed, pub } = makeSet('workqueue');
    h.interest.add('i');
    const c = set.create(cfg({ durable_name: 'w', ack_policy: 'explicit' }));
    if (isErrorBody(c)) throw new Error(c.description);
    pub('foo.a');
    pub('foo.b');
    c.processNextRequest('i', enc('{"batch":2}'));
    clock.flush();
    const [m1] = h.msgs();
    set.ack('w', m1!.reply, '', enc('+ACK'));
    expect(removed).toEqual([1]);
  });

  it('interest: kept while any consumer needs it', () => {
    const { set, h, clock, removed, pub } = makeSet('interest');
    h.interest.add('d1');
    h.interest.add('d2');
    const a = set.create(cfg({ durable_name: 'a', ack_policy: 'explicit', deliver_subject: 'd1' }));
    const b = set.create(cfg({ durable_name: 'b', ack_policy: 'explicit', deliver_subject: 'd2' }));
    if (isErrorBody(a) || isErrorBody(b)) throw new Error('create');
    pub('foo.a');
    clock.flush();
    const got = h.msgs();
    set.ack('a', got.find((m) => m.to === 'd1')!.reply, '', enc(''));
    expect(removed).toEqual([]);
    set.ack('b', got.find((m) => m.to === 'd2')!.reply, '', enc(''));
    expect(removed).toEqual([1]);
  });

  it('brings consumers back from their saved configs and state', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jsset-'));
    dirs.push(dir);
    const store = openFileStore({ dir });
    const one = makeSet('limits', store, path.join(dir, 'consumers'));
    one.h.interest.add('dlv');
    const c = one.set.create(cfg({ durable_name: 'd', ack_policy: 'explicit', deliver_subject: 'dlv' }));
    if (isErrorBody(c)) throw new Error(c.description);
    one.pub('foo.a');
    one.pub('foo.b');
    one.clock.flush();
    const [m1] = one.h.msgs();
    one.set.ack('d', m1!.reply, '', enc(''));
    one.clock.flush();
    await one.set.stop();
    await store.close();

    const store2 = openFileStore({ dir });
    const two = makeSet('limits', store2, path.join(dir, 'consumers'));
    expect(two.set.restore()).toBe(1);
    const r = two.set.get('d')!;
    expect(r.info()).toMatchObject({
      config: { durable_name: 'd', deliver_subject: 'dlv' },
      delivered: { stream_seq: 2 },
      ack_floor: { stream_seq: 1 },
      num_ack_pending: 1,
    });
    expect(r.created).toBe(c.created);
    await two.set.stop();
    await store2.close();
  });
});
