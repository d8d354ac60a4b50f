import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openFileStore } from '@switchboard/stream-store';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/consumer/index.js';
import { NS, RecordingHost, TestStream, enc, makeConsumer } from './harness.js';

function setup(view?: ConstructorParameters<typeof TestStream>[1]): { s: TestStream; h: RecordingHost; clock: FakeClock } {
  return { s: new TestStream('S', view), h: new RecordingHost(), clock: new FakeClock() };
}

const ackTokens = (reply: string): string[] => reply.split('.');

describe('push consumers', () => {
  it('delivers with the 9-token ack subject and num_pending counting down to 0', () => {
    const { s, h, clock } = setup();
    for (let i = 1; i <= 3; i++) s.publish(`foo.${i}`, `m${i}`);
    h.interest.add('dlv');
    const c = makeConsumer(s, h, clock, { durable_name: 'd', deliver_subject: 'dlv', ack_policy: 'explicit' });
    clock.flush();
    const got = h.msgs();
    expect(got.map((m) => [m.to, m.subject, m.data])).toEqual([
      ['dlv', 'foo.1', 'm1'],
      ['dlv', 'foo.2', 'm2'],
      ['dlv', 'foo.3', 'm3'],
    ]);
    const t = ackTokens(got[0]!.reply);
    expect(t.slice(0, 7)).toEqual(['$JS', 'ACK', 'S', 'd', '1', '1', '1']);
    expect(t).toHaveLength(9);
    expect(t[8]).toBe('2');
    expect(ackTokens(got[2]!.reply)[8]).toBe('0');
    expect(c.info()).toMatchObject({
      num_ack_pending: 3,
      num_pending: 0,
      delivered: { consumer_seq: 3, stream_seq: 3 },
      ack_floor: { consumer_seq: 0, stream_seq: 0 },
    });
    // New messages flow as they are stored.
    s.publish('foo.4', 'm4');
    clock.flush();
    expect(h.msgs().map((m) => m.data)).toEqual(['m4']);
    // Acks move the floor; an ack with a reply gets an empty reply.
    c.processAck(got[1]!.reply, 'r1', enc('+ACK'));
    expect(h.take()).toEqual([{ to: 'r1', subject: 'r1', reply: '', hdr: '', data: '' }]);
    expect(c.info()).toMatchObject({ ack_floor: { consumer_seq: 0, stream_seq: 0 }, num_ack_pending: 3 });
    c.processAck(got[0]!.reply, '', enc(''));
    expect(c.info()).toMatchObject({ ack_floor: { consumer_seq: 2, stream_seq: 2 }, num_ack_pending: 2 });
  });

  it('redelivers after ack wait in order, counts deliveries, stops at max_deliver', () => {
    const { s, h, clock } = setup();
    h.interest.add('dlv');
    const c = makeConsumer(s, h, clock, { durable_name: 'd', deliver_subject: 'dlv', ack_policy: 'explicit', ack_wait: 1e9, max_deliver: 2 });
    s.publish('foo.a', '1');
    s.publish('foo.b', '2');
    clock.flush();
    expect(h.msgs()).toHaveLength(2);
    clock.advance(999);
    expect(h.msgs()).toHaveLength(0);
    clock.advance(10);
    const again = h.msgs();
    expect(again.map((m) => [m.data, ackTokens(m.reply)[4], ackTokens(m.reply)[6]])).toEqual([
      ['1', '2', '3'],
      ['2', '2', '4'],
    ]);
    expect(c.info()).toMatchObject({ num_redelivered: 2, num_ack_pending: 2 });
    clock.advance(1100);
    expect(h.msgs()).toHaveLength(0); // max_deliver 2 reached
    expect(clock.pendingTimers()).toBeLessThanOrEqual(1);
  });

  it('follows backoff for redelivery times', () => {
    const { s, h, clock } = setup();
    h.interest.add('dlv');
    makeConsumer(s, h, clock, { durable_name: 'd', deliver_subject: 'dlv', ack_policy: 'explicit', backoff: [1e9, 5e9], max_deliver: 4 });
    s.publish('foo.a');
    clock.flush();
    expect(h.msgs()).toHaveLength(1);
    clock.advance(1010);
    expect(h.msgs()).toHaveLength(1);
    clock.advance(4000);
    expect(h.msgs()).toHaveLength(0);
    clock.advance(1100);
    expect(h.msgs()).toHaveLength(1);
  });

  it('NAK redelivers at once, NAK with delay later, WPI resets the wait, TERM stops it', () => {
    const { s, h, clock } = setup();
    h.interest.add('dlv');
    const c = makeConsumer(s, h, clock, { durable_name: 'd', deliver_subject: 'dlv', ack_policy: 'explicit', ack_wait: 10e9 });
    s.publish('foo.a', 'a');
    s.publish('foo.b', 'b');
    s.publish('foo.c', 'c');
    clock.flush();
    const [a, b, cc] = h.msgs();
    c.processAck(a!.reply, '', enc('-NAK'));
    clock.flush();
    expect(h.msgs().map((m) => m.data)).toEqual(['a']);
    c.processAck(b!.reply, '', enc('-NAK {"delay":2000000000}'));
    clock.advance(1500);
    expect(h.msgs()).toHaveLength(0);
    clock.advance(600);
    expect(h.msgs().map((m) => m.data)).toEqual(['b']);
    c.processAck(cc!.reply, '', enc('+TERM'));
    clock.advance(11_000);
    expect(
      h
        .msgs()
        .map((m) => m.data)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(c.info()).toMatchObject({ num_ack_pending: 2 });
  });

  it('max_ack_pending stalls delivery until acks come', () => {
    const { s, h, clock } = setup();
    h.interest.add('dlv');
    const c = makeConsumer(s, h, clock, { durable_name: 'd', deliver_subject: 'dlv', ack_policy: 'explicit', max_ack_pending: 2 });
    for (let i = 0; i < 5; i++) s.publish('foo.x', String(i));
    clock.flush();
    const first = h.msgs();
    expect(first.map((m) => m.data)).toEqual(['0', '1']);
    c.processAck(first[0]!.reply, '', enc('+ACK'));
    clock.flush();
    expect(h.msgs().map((m) => m.data)).toEqual(['2']);
  });

  it('ack all acks everything below', () => {
    const { s, h, clock } = setup();
    h.interest.add('dlv');
    const c = makeConsumer(s, h, clock, { durable_name: 'd', deliver_subject: 'dlv', ack_policy: 'all' });
    for (let i = 0; i < 4; i++) s.publish('foo.x', String(i));
    clock.flush();
    const got = h.msgs();
    c.processAck(got[2]!.reply, '', enc('+ACK'));
    expect(c.info()).toMatchObject({ ack_floor: { consumer_seq: 3, stream_seq: 3 }, num_ack_pending: 1 });
  });

  it('sends idle heartbeats and flow control requests', () => {
    const { s, h, clock } = setup();
    h.interest.add('dlv');
    const c = makeConsumer(s, h, clock, { durable_name: 'd', deliver_subject: 'dlv', ack_policy: 'none', idle_heartbeat: 1e9, flow_control: true });
    clock.advance(1000);
    const hb = h.take();
    expect(hb).toEqual([
      { to: 'dlv', subject: 'dlv', reply: '', hdr: 'NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 0\r\nNats-Last-Stream: 0\r\n\r\n', data: '' },
    ]);
    const big = 'x'.repeat(300 * 1024);
    for (let i = 0; i < 8; i++) s.publish('foo.x', big);
    clock.flush();
    const out = h.take();
    const fc = out.filter((m) => m.hdr.startsWith('NATS/1.0 100 FlowControl Request'));
    expect(fc).toHaveLength(1);
    expect(fc[0]!.reply).toMatch(/^\$JS\.FC\.S\.d\.[0-9A-Za-z]{4}$/);
    const delivered = out.filter((m) => !m.hdr).length;
    expect(delivered).toBeLessThan(8);
    c.processFlowControl(fc[0]!.reply);
    clock.flush();
    expect(h.take().filter((m) => !m.hdr).length).toBe(8 - delivered);
  });

  it('headers_only sends headers and Nats-Msg-Size', () => {
    const { s, h, clock } = setup();
    h.interest.add('dlv');
    makeConsumer(s, h, clock, { durable_name: 'd', deliver_subject: 'dlv', headers_only: true });
    s.publish('foo.a', 'hello');
    s.publish('foo.b', 'hey', 'NATS/1.0\r\nA: b\r\n\r\n');
    clock.flush();
    expect(h.take().map((m) => [m.hdr, m.data])).toEqual([
      ['NATS/1.0\r\nNats-Msg-Size: 5\r\n\r\n', ''],
      ['NATS/1.0\r\nA: b\r\nNats-Msg-Size: 3\r\n\r\n', ''],
    ]);
  });

  it('ephemeral push without interest goes after the inactive threshold', () => {
    const { s, h, clock } = setup();
    const c = makeConsumer(s, h, clock, { deliver_subject: 'dlv', inactive_threshold: 2e9 });
    clock.advance(1900);
    expect(s.gone).toHaveLength(0);
    clock.advance(200);
    expect(s.gone).toEqual([c]);
    expect(c.closed).toBe(true);
  });

  it('a push consumer created before its subscriber starts when the subscriber comes (nats.js v3 ordered consumers)', () => {
    const { s, h, clock } = setup();
    s.publish('foo.a', '1');
    makeConsumer(s, h, clock, { name: 'oc_1', deliver_subject: 'late', idle_heartbeat: 30e9, flow_control: true });
    clock.advance(1);
    expect(h.msgs()).toHaveLength(0);
    h.interest.add('late');
    clock.advance(10);
    expect(h.msgs().map((m) => m.data)).toEqual(['1']);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('an ephemeral push consumer whose subscriber left goes after the threshold', () => {
    const { s, h, clock } = setup();
    h.interest.add('dlv');
    const c = makeConsumer(s, h, clock, { deliver_subject: 'dlv', inactive_threshold: 2e9 });
    clock.advance(5000);
    expect(s.gone).toHaveLength(0);
    h.interest.delete('dlv');
    clock.advance(3100);
    expect(s.gone).toEqual([c]);
  });

  it('replay original keeps the gaps between messages', () => {
    const clock = new FakeClock();
    const s = new TestStream();
    const h = new RecordingHost();
    h.interest.add('dlv');
    // Stored 0 and 3 s apart (wall clock of the store): replay waits 3 s between them.
    s.publish('foo.a', '1');
    const t0 = s.store.load(1)!.ts;
    s.publish('foo.b', '2');
    const gapMs = Number(s.store.load(2)!.ts - t0) / NS;
    makeConsumer(s, h, clock, { deliver_subject: 'dlv', durable_name: 'r', replay_policy: 'original' });
    clock.flush();
    const first = h.msgs();
    if (gapMs <= 1) {
      expect(first).toHaveLength(2);
    } else {
      expect(first).toHaveLength(1);
      clock.advance(gapMs + 1);
      expect(h.msgs()).toHaveLength(1);
    }
  });
});

describe('deliver policies and filters', () => {
  function seed(s: TestStream): void {
    s.publish('foo.a', 'a1');
    s.publish('foo.b', 'b1');
    s.publish('foo.a', 'a2');
    s.publish('foo.c', 'c1');
    s.publish('foo.b', 'b2');
  }
  const run = (raw: Record<string, unknown>): string[] => {
    const { s, h, clock } = setup();
    seed(s);
    h.interest.add('dlv');
    makeConsumer(s, h, clock, { deliver_subject: 'dlv', durable_name: 'd', ...raw });
    clock.flush();
    return h.msgs().map((m) => m.data);
  };
  it.each([
    [{}, ['a1', 'b1', 'a2', 'c1', 'b2']],
    [{ deliver_policy: 'last' }, ['b2']],
    [{ deliver_policy: 'last', filter_subject: 'foo.a' }, ['a2']],
    [{ deliver_policy: 'new' }, []],
    [{ deliver_policy: 'by_start_sequence', opt_start_seq: 3 }, ['a2', 'c1', 'b2']],
    [{ deliver_policy: 'by_start_sequence', opt_start_seq: 99 }, []],
    [{ deliver_policy: 'last_per_subject', filter_subject: 'foo.*' }, ['a2', 'c1', 'b2']],
    [{ deliver_policy: 'last_per_subject', filter_subject: 'foo.b' }, ['b2']],
    [{ filter_subject: 'foo.b' }, ['b1', 'b2']],
    [{ deliver_policy: 'by_start_time', opt_start_time: '2000-01-01T00:00:00Z' }, ['a1', 'b1', 'a2', 'c1', 'b2']],
    [{ deliver_policy: 'by_start_time', opt_start_time: '2100-01-01T00:00:00Z' }, []],
  ])('%j', (raw, want) => {
    expect(run(raw)).toEqual(want);
  });

  it('last_per_subject reports pending per subject and continues with new messages', () => {
    const { s, h, clock } = setup();
    seed(s);
    h.interest.add('dlv');
    const c = makeConsumer(s, h, clock, { deliver_subject: 'dlv', durable_name: 'd', deliver_policy: 'last_per_subject', filter_subject: 'foo.>' });
    expect(c.info()).toMatchObject({ num_pending: 3 });
    clock.flush();
    const got = h.msgs();
    expect(got.map((m) => ackTokens(m.reply)[8])).toEqual(['2', '1', '0']);
    s.publish('foo.z', 'z');
    clock.flush();
    expect(h.msgs().map((m) => m.data)).toEqual(['z']);
  });
});

describe('pull consumers', () => {
  it('serves a batch to MSG.NEXT and then times out with 408 and pending counts', () => {
    const { s, h, clock } = setup();
    s.publish('foo.a', '1');
    s.publish('foo.b', '2');
    h.interest.add('inbox.1');
    const c = makeConsumer(s, h, clock, { durable_name: 'p', ack_policy: 'explicit' });
    c.processNextRequest('inbox.1', enc('{"batch":5,"expires":1000000000}'));
    clock.flush();
    expect(h.take().map((m) => [m.to, m.subject, m.data])).toEqual([
      ['inbox.1', 'foo.a', '1'],
      ['inbox.1', 'foo.b', '2'],
    ]);
    expect(c.info()).toMatchObject({ num_waiting: 1 });
    clock.advance(1000);
    expect(h.take()).toEqual([
      {
        to: 'inbox.1',
        subject: 'inbox.1',
        reply: '',
        hdr: 'NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 3\r\nNats-Pending-Bytes: 0\r\n\r\n',
        data: '',
      },
    ]);
    expect(c.info()).toMatchObject({ num_waiting: 0 });
  });

  it('answers no_wait with 404 when empty, 408 after a partial batch', () => {
    const { s, h, clock } = setup();
    h.interest.add('i');
    const c = makeConsumer(s, h, clock, { durable_name: 'p', ack_policy: 'explicit' });
    c.processNextRequest('i', enc('{"batch":2,"no_wait":true}'));
    expect(h.take().map((m) => m.hdr)).toEqual(['NATS/1.0 404 No Messages\r\n\r\n']);
    s.publish('foo.a');
    c.processNextRequest('i', enc('{"batch":2,"no_wait":true}'));
    clock.flush();
    const out = h.take();
    expect(out.map((m) => m.hdr.split('\r\n')[0])).toEqual(['', 'NATS/1.0 408 Request Timeout']);
  });

  it('gives every status nats-server gives', () => {
    const { s, h, clock } = setup();
    h.interest.add('i');
    const c = makeConsumer(s, h, clock, { durable_name: 'p', ack_policy: 'explicit', max_waiting: 1, max_batch: 10, max_expires: 5e9, max_bytes: 1000 });
    const first = (): string => h.take()[0]!.hdr.split('\r\n')[0]!;
    c.processNextRequest('i', enc('{"batch":11}'));
    expect(first()).toBe('NATS/1.0 409 Exceeded MaxRequestBatch of 10');
    c.processNextRequest('i', enc('{"batch":1,"expires":6000000000}'));
    expect(first()).toBe('NATS/1.0 409 Exceeded MaxRequestExpires of 5s');
    c.processNextRequest('i', enc('{"batch":1,"max_bytes":2000}'));
    expect(first()).toBe('NATS/1.0 409 Exceeded MaxRequestMaxBytes of 1000');
    c.processNextRequest('i', enc('{"batch":'));
    expect(first()).toMatch(/^NATS\/1.0 400 Bad Request - /);
    c.processNextRequest('i', enc('{"batch":1,"expires":10000000}'));
    c.processNextRequest('i', enc('{"batch":1,"expires":10000000}'));
    expect(first()).toBe('NATS/1.0 409 Exceeded MaxWaiting');
    s.publish('foo.a', 'x'.repeat(900));
    c.processNextRequest('j', enc('{"batch":1,"max_bytes":100}'));
    clock.advance(20);
    h.take();
    void c.delete();
    h.interest.add('j');
    const push = makeConsumer(s, h, clock, { durable_name: 'q', deliver_subject: 'dlv' });
    push.processNextRequest('i', enc(''));
    expect(first()).toBe('NATS/1.0 409 Consumer is push based');
  });

  it('409 when a message is bigger than max_bytes; 408 Interest Expired when the requester left', () => {
    const { s, h, clock } = setup();
    h.interest.add('i');
    const c = makeConsumer(s, h, clock, { durable_name: 'p', ack_policy: 'explicit' });
    s.publish('foo.a', 'x'.repeat(500));
    c.processNextRequest('i', enc('{"batch":1,"max_bytes":100,"expires":5000000000}'));
    clock.flush();
    expect(h.take()[0]!.hdr).toBe('NATS/1.0 409 Message Size Exceeds MaxBytes\r\nNats-Pending-Messages: 1\r\nNats-Pending-Bytes: 100\r\n\r\n');
    c.processNextRequest('gone', enc('{"batch":1,"expires":5000000000}'));
    clock.flush();
    expect(h.take()[0]!.hdr.split('\r\n')[0]).toBe('NATS/1.0 408 Interest Expired');
  });

  it('a consumer deleted under waiting requests answers 409 Consumer Deleted', async () => {
    const { s, h, clock } = setup();
    h.interest.add('i');
    const c = makeConsumer(s, h, clock, { durable_name: 'p', ack_policy: 'explicit' });
    c.processNextRequest('i', enc('{"batch":1,"expires":5000000000}'));
    clock.flush();
    await c.delete();
    expect(h.take().map((m) => m.hdr)).toEqual(['NATS/1.0 409 Consumer Deleted\r\n\r\n']);
  });

  it('+NXT acks and asks for the next message', () => {
    const { s, h, clock } = setup();
    h.interest.add('i');
    const c = makeConsumer(s, h, clock, { durable_name: 'p', ack_policy: 'explicit' });
    s.publish('foo.a', '1');
    s.publish('foo.b', '2');
    c.processNextRequest('i', enc(''));
    clock.flush();
    const [m1] = h.take();
    c.processAck(m1!.reply, 'i', enc('+NXT'));
    clock.flush();
    expect(h.take().map((m) => m.data)).toEqual(['2']);
    expect(c.info()).toMatchObject({ ack_floor: { stream_seq: 1 }, num_ack_pending: 1 });
  });

  it('sends pull idle heartbeats while a request waits', () => {
    const { s, h, clock } = setup();
    h.interest.add('i');
    const c = makeConsumer(s, h, clock, { durable_name: 'p', ack_policy: 'explicit' });
    c.processNextRequest('i', enc('{"batch":1,"expires":5000000000,"idle_heartbeat":1000000000}'));
    clock.advance(1001);
    expect(h.take().map((m) => m.hdr.split('\r\n')[0])).toEqual(['NATS/1.0 100 Idle Heartbeat']);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('an ephemeral pull consumer goes after its inactive threshold without requests', () => {
    const { s, h, clock } = setup();
    const c = makeConsumer(s, h, clock, { name: 'e', ack_policy: 'explicit', inactive_threshold: 1e9 });
    clock.advance(500);
    expect(s.gone).toHaveLength(0);
    clock.advance(2000);
    expect(s.gone).toEqual([c]);
  });
});

describe('retention hooks', () => {
  it('reports acks to interest streams and answers needAck', () => {
    const { s, h, clock } = setup({ subjects: ['foo.>'], retention: 'interest', replicas: 1 });
    h.interest.add('dlv');
    const c = makeConsumer(s, h, clock, { durable_name: 'd', deliver_subject: 'dlv', ack_policy: 'explicit', filter_subject: 'foo.a' });
    s.publish('foo.a');
    s.publish('foo.b');
    clock.flush();
    const [m] = h.msgs();
    expect(c.needAck(1, 'foo.a')).toBe(true);
    expect(c.needAck(2, 'foo.b')).toBe(false);
    c.processAck(m!.reply, '', enc(''));
    expect(s.acked).toEqual([1]);
    expect(c.needAck(1, 'foo.a')).toBe(false);
    s.publish('foo.a');
    expect(c.needAck(3, 'foo.a')).toBe(true);
  });
});

describe('state across restarts', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('restores delivered, ack floor and pending, and redelivers what was pending', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jsc-'));
    dirs.push(dir);
    const clock = new FakeClock(Date.now());
    const store1 = openFileStore({ dir });
    const s1 = new TestStream('S', undefined, store1);
    const h1 = new RecordingHost();
    h1.interest.add('dlv');
    const c1 = makeConsumer(s1, h1, clock, { durable_name: 'd', deliver_subject: 'dlv', ack_policy: 'explicit', ack_wait: 2e9 });
    for (let i = 1; i <= 4; i++) s1.publish('foo.x', String(i));
    clock.flush();
    const got = h1.msgs();
    c1.processAck(got[0]!.reply, '', enc(''));
    c1.processAck(got[2]!.reply, '', enc(''));
    clock.flush();
    await c1.stop();
    await store1.close();

    const store2 = openFileStore({ dir });
    const s2 = new TestStream('S', undefined, store2);
    const h2 = new RecordingHost();
    h2.interest.add('dlv');
    const c2 = makeConsumer(s2, h2, clock, { durable_name: 'd', deliver_subject: 'dlv', ack_policy: 'explicit', ack_wait: 2e9 }, { restore: true });
    expect(c2.info()).toMatchObject({
      delivered: { consumer_seq: 4, stream_seq: 4 },
      ack_floor: { consumer_seq: 1, stream_seq: 1 },
      num_ack_pending: 2,
    });
    clock.flush();
    expect(h2.msgs()).toHaveLength(0);
    clock.advance(2100);
    expect(h2.msgs().map((m) => m.data)).toEqual(['2', '4']);
    s2.publish('foo.x', '5');
    clock.flush();
    expect(h2.msgs().map((m) => [m.data, ackTokens(m.reply)[6]])).toEqual([['5', '7']]);
    await c2.stop();
    await store2.close();
  });
});
