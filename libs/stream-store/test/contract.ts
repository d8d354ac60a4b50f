/**
 * The behaviour every StreamStore must have, run against the memory and the file store alike.
 * Expected byte counts come from nats-server's formulas (msg-size.ts) per store kind.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileMsgSize, memoryMsgSize, StoreError, type StoreLimits, type StreamStore } from '@switchboard/stream-store';

export interface StoreFactory {
  kind: 'file' | 'memory';
  make(limits?: StoreLimits, opts?: { maxSegmentBytes?: number }): StreamStore;
}

const enc = new TextEncoder();
const b = (s: string): Uint8Array => enc.encode(s);
const txt = (u: Uint8Array | null | undefined): string | undefined => (u == null ? undefined : Buffer.from(u).toString());

export function storeContract(f: StoreFactory): void {
  const open: StreamStore[] = [];
  const make = (limits?: StoreLimits, opts?: { maxSegmentBytes?: number }): StreamStore => {
    const s = f.make(limits, opts);
    open.push(s);
    return s;
  };
  const size = (subject: string, hdr: number, data: number): number =>
    f.kind === 'file' ? fileMsgSize(subject.length, hdr, data) : memoryMsgSize(subject.length, hdr, data);
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  describe(`${f.kind} store contract`, () => {
    it('assigns sequences from 1 and loads what was stored', async () => {
      const s = make();
      expect(s.kind).toBe(f.kind);
      const before = BigInt(Date.now()) * 1_000_000n;
      expect(s.append('a.1', null, b('one'))).toBe(1);
      expect(s.append('a.2', b('NATS/1.0\r\nX: y\r\n\r\n'), b('two'))).toBe(2);
      await s.flushed();
      const m1 = s.load(1)!;
      expect([m1.seq, m1.subject, m1.hdr, txt(m1.data)]).toEqual([1, 'a.1', null, 'one']);
      expect(m1.ts).toBeGreaterThanOrEqual(before - 1_000_000n);
      expect(m1.ts).toBeLessThanOrEqual(BigInt(Date.now() + 1) * 1_000_000n);
      const m2 = s.load(2)!;
      expect([m2.subject, txt(m2.hdr), txt(m2.data)]).toEqual(['a.2', 'NATS/1.0\r\nX: y\r\n\r\n', 'two']);
      expect(m2.ts).toBeGreaterThanOrEqual(m1.ts);
      expect(s.load(0)).toBeNull();
      expect(s.load(3)).toBeNull();
      expect(s.subjectOf(2)).toBe('a.2');
    });

    it('loads messages not yet flushed, and copies the caller buffers', () => {
      const s = make();
      const buf = b('abc');
      s.append('x', null, buf);
      buf[0] = 0x7a;
      expect(txt(s.load(1)!.data)).toBe('abc');
      expect(txt(s.loadLast('x')!.data)).toBe('abc');
    });

    it('counts state as nats-server: msgs, bytes, first/last seq and time, subjects, deleted', async () => {
      const s = make();
      expect(s.state()).toEqual({ msgs: 0, bytes: 0, firstSeq: 1, firstTs: 0n, lastSeq: 0, lastTs: 0n, numSubjects: 0, numDeleted: 0 });
      s.append('foo', null, b('hello'));
      s.append('bar', b('NATS/1.0\r\n\r\n'), b('hi'));
      s.append('foo', null, new Uint8Array(0));
      const st = s.state();
      expect(st.msgs).toBe(3);
      expect(st.bytes).toBe(size('foo', 0, 5) + size('bar', 12, 2) + size('foo', 0, 0));
      expect([st.firstSeq, st.lastSeq, st.numSubjects, st.numDeleted]).toEqual([1, 3, 2, 0]);
      expect(st.firstTs).toBe(s.load(1)!.ts);
      expect(st.lastTs).toBe(s.load(3)!.ts);
      expect(s.remove(2)).toBe(true);
      expect(s.remove(2)).toBe(false);
      expect(s.state()).toMatchObject({ msgs: 2, numSubjects: 1, numDeleted: 1, bytes: size('foo', 0, 5) + size('foo', 0, 0) });
      expect(s.remove(1)).toBe(true);
      expect(s.state()).toMatchObject({ msgs: 1, firstSeq: 3, numDeleted: 0 });
    });

    it('finds the last message per subject without a scan, and follows removals', () => {
      const s = make();
      for (let i = 1; i <= 30; i++) s.append(`kv.${i % 3}`, null, b(String(i)));
      expect(txt(s.loadLast('kv.0')!.data)).toBe('30');
      expect(txt(s.loadLast('kv.1')!.data)).toBe('28');
      expect(s.loadLast('kv.9')).toBeNull();
      s.remove(30);
      expect(s.loadLast('kv.0')!.seq).toBe(27);
      for (const seq of [3, 6, 9, 12, 15, 18, 21, 24, 27]) s.remove(seq);
      expect(s.loadLast('kv.0')).toBeNull();
      expect(s.state().numSubjects).toBe(2);
    });

    it('takes a filter for the last message (LoadLastMsg with wildcards)', () => {
      const s = make();
      s.append('o.M.a', null, b('1'));
      s.append('o.C.x', null, b('2'));
      s.append('o.M.b', null, b('3'));
      s.append('o.C.y', null, b('4'));
      expect(s.loadLast('o.M.>')!.seq).toBe(3);
      expect(s.loadLast('o.*.a')!.seq).toBe(1);
      expect(s.loadLast('>')!.seq).toBe(4);
      expect(s.loadLast('o.Z.>')).toBeNull();
      s.remove(3);
      expect(s.loadLast('o.M.>')!.seq).toBe(1);
    });

    it('loads the next message matching a filter, with wildcards', () => {
      const s = make();
      const subjects = ['orders.eu.new', 'orders.us.new', 'users.1', 'orders.eu.paid', 'users.2'];
      for (const subj of subjects) s.append(subj, null, b(subj));
      expect(s.loadNext('>', 1)!.seq).toBe(1);
      expect(s.loadNext('', 2)!.seq).toBe(2);
      expect(s.loadNext('users.*', 1)!.seq).toBe(3);
      expect(s.loadNext('users.*', 4)!.seq).toBe(5);
      expect(s.loadNext('orders.*.new', 2)!.seq).toBe(2);
      expect(s.loadNext('orders.eu.>', 2)!.seq).toBe(4);
      expect(s.loadNext('orders.eu.paid', 1)!.seq).toBe(4);
      expect(s.loadNext('orders.eu.paid', 5)).toBeNull();
      expect(s.loadNext('nothing.>', 1)).toBeNull();
      expect(s.loadNext('users.1', 1)!.subject).toBe('users.1');
      s.remove(1);
      expect(s.loadNext('>', 0)!.seq).toBe(2);
      expect(s.loadNext('>', 6)).toBeNull();
    });

    it('finds a sparse match far ahead', () => {
      const s = make();
      for (let i = 0; i < 10_000; i++) s.append('noise', null, b('n'));
      s.append('rare.one', null, b('r'));
      expect(s.loadNext('rare.*', 1)!.seq).toBe(10_001);
      expect(s.loadNext('rare.>', 10_002)).toBeNull();
      s.purgeEx('noise', 0, 0);
      expect(s.loadNext('>', 1)!.seq).toBe(10_001);
    });

    it('filtered state and subjects state', () => {
      const s = make();
      for (const subj of ['a.1', 'a.2', 'b.1', 'a.1', 'b.1', 'a.2']) s.append(subj, null, b('x'));
      expect(s.filteredState(1, 'a.*')).toEqual({ msgs: 4, first: 1, last: 6 });
      expect(s.filteredState(3, 'a.*')).toEqual({ msgs: 2, first: 4, last: 6 });
      expect(s.filteredState(1, 'b.1')).toEqual({ msgs: 2, first: 3, last: 5 });
      expect(s.filteredState(6, 'b.1')).toEqual({ msgs: 0, first: 0, last: 0 });
      expect(s.filteredState(1, '')).toEqual({ msgs: 6, first: 1, last: 6 });
      expect(s.filteredState(1, 'zz')).toEqual({ msgs: 0, first: 0, last: 0 });
      expect(Object.fromEntries(s.subjectsState('a.*'))).toEqual({ 'a.1': { msgs: 2, first: 1, last: 4 }, 'a.2': { msgs: 2, first: 2, last: 6 } });
      expect(s.subjectsState('').size).toBe(3);
      s.remove(1);
      expect(s.subjectsState('a.1').get('a.1')).toEqual({ msgs: 1, first: 4, last: 4 });
    });

    it('purges all, and the next sequence continues', () => {
      const s = make();
      for (let i = 0; i < 5; i++) s.append('p', null, b('x'));
      expect(s.purge()).toBe(5);
      expect(s.state()).toMatchObject({ msgs: 0, bytes: 0, firstSeq: 6, lastSeq: 5, numSubjects: 0 });
      expect(s.load(3)).toBeNull();
      expect(s.loadLast('p')).toBeNull();
      expect(s.append('p', null, b('y'))).toBe(6);
      expect(s.state()).toMatchObject({ msgs: 1, firstSeq: 6, lastSeq: 6 });
      expect(s.purge()).toBe(1);
      expect(s.purge()).toBe(0);
      expect(s.append('p', null, b('z'))).toBe(7);
    });

    it('purgeEx: by subject, up to a sequence, keeping N', () => {
      const s = make();
      for (let i = 1; i <= 10; i++) s.append(i % 2 ? 'odd' : 'even', null, b(String(i)));
      expect(s.purgeEx('odd', 0, 2)).toBe(3); // keeps 7, 9
      expect(s.filteredState(1, 'odd')).toEqual({ msgs: 2, first: 7, last: 9 });
      expect(s.purgeEx('even', 6, 0)).toBe(2); // 2, 4
      expect(s.filteredState(1, 'even')).toEqual({ msgs: 3, first: 6, last: 10 });
      expect(s.purgeEx('', 0, 3)).toBe(2); // keeps seq 8..10 → removes 6, 7
      expect(s.state()).toMatchObject({ msgs: 3, firstSeq: 8, lastSeq: 10 });
      expect(s.purgeEx('>', 10, 0)).toBe(2);
      expect(s.state()).toMatchObject({ msgs: 1, firstSeq: 10 });
      expect(() => s.purgeEx('', 5, 1)).toThrow(StoreError);
      expect(s.purgeEx('', 0, 0)).toBe(1);
    });

    it('compacts below a sequence, and past the end', () => {
      const s = make();
      for (let i = 0; i < 10; i++) s.append(`c.${i}`, null, b('x'));
      expect(s.compact(4)).toBe(3);
      expect(s.state()).toMatchObject({ msgs: 7, firstSeq: 4, numSubjects: 7 });
      expect(s.load(3)).toBeNull();
      expect(s.compact(20)).toBe(7);
      expect(s.state()).toMatchObject({ msgs: 0, firstSeq: 20, lastSeq: 19 });
      expect(s.append('c', null, b('x'))).toBe(20);
    });

    it('erases a message', async () => {
      const s = make();
      s.append('e', null, b('secret'));
      s.append('e', null, b('public'));
      await s.flushed();
      expect(s.erase(1)).toBe(true);
      expect(s.load(1)).toBeNull();
      expect(s.erase(1)).toBe(false);
      expect(txt(s.load(2)!.data)).toBe('public');
    });

    it('sequence for a time', () => {
      const s = make();
      s.append('t', null, b('1'));
      s.append('t', null, b('2'));
      s.append('t', null, b('3'));
      const t2 = s.load(2)!.ts;
      const got = s.seqForTime(t2);
      expect(got).toBeLessThanOrEqual(2);
      expect(s.load(got)!.ts).toBeGreaterThanOrEqual(t2 - 0n);
      expect(s.seqForTime(0n)).toBe(1);
      expect(s.seqForTime(s.load(3)!.ts + 1n)).toBe(4);
      s.remove(1);
      expect(s.seqForTime(0n)).toBe(2);
    });

    it('max_msgs with discard old drops the oldest; with discard new refuses', () => {
      const s = make({ maxMsgs: 3 });
      for (let i = 1; i <= 5; i++) s.append('m', null, b(String(i)));
      expect(s.state()).toMatchObject({ msgs: 3, firstSeq: 3, lastSeq: 5 });
      const n = make({ maxMsgs: 3, discard: 'new' });
      for (let i = 1; i <= 3; i++) n.append('m', null, b(String(i)));
      expect(() => n.append('m', null, b('4'))).toThrow('maximum messages exceeded');
      expect(n.state()).toMatchObject({ msgs: 3, lastSeq: 3 });
    });

    it('max_bytes with discard old and new, counted as nats-server counts', () => {
      const one = size('b', 0, 10);
      const s = make({ maxBytes: one * 3 });
      for (let i = 0; i < 5; i++) s.append('b', null, new Uint8Array(10));
      expect(s.state()).toMatchObject({ msgs: 3, bytes: one * 3, firstSeq: 3 });
      const n = make({ maxBytes: one * 3, discard: 'new' });
      n.append('b', null, new Uint8Array(10));
      n.append('b', null, new Uint8Array(10));
      n.append('b', null, new Uint8Array(10)); // bytes(2 msgs) + 10 < max
      expect(() => n.append('b', null, new Uint8Array(10))).toThrow('maximum bytes exceeded');
      expect(n.state().msgs).toBe(3);
    });

    it('max_msgs_per_subject keeps the newest per subject; discard new per subject refuses', () => {
      const s = make({ maxMsgsPerSubject: 2 });
      for (let i = 1; i <= 6; i++) s.append(`k.${i % 2}`, null, b(String(i)));
      expect(s.state()).toMatchObject({ msgs: 4, firstSeq: 3 });
      expect(Object.fromEntries(s.subjectsState('>'))).toEqual({ 'k.1': { msgs: 2, first: 3, last: 5 }, 'k.0': { msgs: 2, first: 4, last: 6 } });
      const kv = make({ maxMsgsPerSubject: 1, maxMsgs: 2, discard: 'new' });
      kv.append('a', null, b('1'));
      kv.append('b', null, b('1'));
      expect(kv.append('a', null, b('2'))).toBe(3); // replaces a's oldest: allowed at max_msgs
      expect(() => kv.append('c', null, b('1'))).toThrow('maximum messages exceeded');
      const per = make({ maxMsgsPerSubject: 1, discard: 'new', discardNewPerSubject: true });
      per.append('a', null, b('1'));
      expect(() => per.append('a', null, b('2'))).toThrow('maximum messages per subject exceeded');
    });

    it('max_msg_size refuses larger messages (header + payload)', () => {
      const s = make({ maxMsgSize: 8 });
      s.append('s', b('1234'), b('5678'));
      expect(() => s.append('s', b('1234'), b('56789'))).toThrow(expect.objectContaining({ code: 'msg-too-large' }));
    });

    it('max_age expires old messages', async () => {
      const s = make({ maxAge: 80e6 });
      s.append('old', null, b('1'));
      s.append('old', null, b('2'));
      await vi.waitFor(() => expect(s.state().msgs).toBe(0), { timeout: 3000, interval: 20 });
      expect(s.state()).toMatchObject({ firstSeq: 3, lastSeq: 2 });
      expect(s.append('new', null, b('3'))).toBe(3);
    });

    it('lowered limits are enforced at once', () => {
      const s = make();
      for (let i = 1; i <= 10; i++) s.append(`u.${i % 2}`, null, b('x'));
      s.updateLimits({ maxMsgsPerSubject: 3 });
      expect(s.state().msgs).toBe(6);
      s.updateLimits({ maxMsgs: 2 });
      expect(s.state()).toMatchObject({ msgs: 2, firstSeq: 9 });
      expect(s.limits()).toMatchObject({ maxMsgs: 2, maxMsgsPerSubject: 3, discard: 'old' });
      expect(() => s.updateLimits({ discard: 'x' as 'old' })).toThrow(StoreError);
    });

    it('spans segments: loads, last-by-subject and removals across them', async () => {
      const s = make({}, { maxSegmentBytes: 4096 });
      for (let i = 1; i <= 2000; i++) s.append(`seg.${i % 7}`, null, b(`payload-${i}`));
      await s.flushed();
      for (const seq of [1, 500, 1234, 2000]) expect(txt(s.load(seq)!.data)).toBe(`payload-${seq}`);
      expect(s.loadLast('seg.3')!.seq).toBe(1998);
      expect(s.compact(1500)).toBe(1499);
      expect(s.state()).toMatchObject({ msgs: 501, firstSeq: 1500 });
      expect(s.loadNext('seg.0', 1)!.seq).toBe(1505);
      expect(s.filteredState(1, 'seg.0').msgs).toBe(71);
    });

    it('reports every change of messages and bytes, limits and expiry included', async () => {
      const s = make({ maxMsgs: 5, maxAge: 150e6 });
      let msgs = 0;
      let bytes = 0;
      s.onUsage((m, n) => {
        msgs += m;
        bytes += n;
      });
      for (let i = 0; i < 8; i++) s.append(`u.${i % 3}`, i % 2 ? null : b('NATS/1.0\r\n\r\n'), b('x'.repeat(i)));
      s.remove(6);
      s.purgeEx('u.1', 0, 0);
      expect({ msgs, bytes }).toEqual({ msgs: s.state().msgs, bytes: s.state().bytes });
      expect(msgs).toBeGreaterThan(0);
      await vi.waitFor(() => expect(msgs).toBe(0), { timeout: 3000, interval: 20 });
      expect(bytes).toBe(0);
      s.append('u.9', null, b('y'));
      s.purge();
      expect({ msgs, bytes }).toEqual({ msgs: 0, bytes: 0 });
    });

    it('stores consumer state', async () => {
      const s = make();
      const c = s.consumer('dur');
      expect(c.state().delivered).toEqual({ consumer: 0, stream: 0 });
      c.update({
        delivered: { consumer: 5, stream: 9 },
        ackFloor: { consumer: 3, stream: 6 },
        pending: new Map([[8, { sequence: 4, ts: 1700000000123456789n }]]),
        redelivered: new Map([[8, 2]]),
      });
      await c.flushed();
      expect(s.consumerNames()).toEqual(['dur']);
      const st = s.consumer('dur').state();
      expect(st.delivered).toEqual({ consumer: 5, stream: 9 });
      expect(st.pending.get(8)).toEqual({ sequence: 4, ts: 1700000000123456789n });
      expect(st.redelivered.get(8)).toBe(2);
      expect(() => s.consumer('bad name')).toThrow(StoreError);
      await c.delete();
      expect(s.consumerNames()).toEqual([]);
    });

    it('skipTo: the next append gets the sequence, the ones between hold nothing (a mirror keeps its origin numbering)', async () => {
      const s = make({}, { maxSegmentBytes: 512 });
      s.skipTo(5); // empty: like compact past the end
      expect(s.state()).toMatchObject({ msgs: 0, firstSeq: 5, lastSeq: 4 });
      expect(s.append('m.a', null, b('5'))).toBe(5);
      s.skipTo(6); // nothing to skip
      s.skipTo(9);
      expect(s.append('m.b', null, b('9'))).toBe(9);
      for (let i = 10; i < 40; i += 3) {
        s.skipTo(i);
        expect(s.append('m.c', null, b(String(i)))).toBe(i);
      }
      s.skipTo(60);
      const st = s.state();
      expect(st).toMatchObject({ msgs: 12, firstSeq: 5, lastSeq: 59, numSubjects: 3, numDeleted: 55 - 12 });
      expect(st.bytes).toBe(size('m.a', 0, 1) + size('m.b', 0, 1) + 10 * size('m.c', 0, 2));
      expect(s.load(6)).toBeNull();
      expect(s.loadNext('>', 6)!.seq).toBe(9);
      expect([...s.subjectsState('>').keys()].sort()).toEqual(['m.a', 'm.b', 'm.c']);
      expect(s.append('m.d', null, b('60'))).toBe(60);
      s.remove(5);
      expect(s.state().firstSeq).toBe(9);
      await s.flushed();
    });

    it('append with a timestamp keeps it (times never go back)', () => {
      const s = make();
      const t = 1_700_000_000_123_456_789n;
      expect(s.append('t', null, b('1'), t)).toBe(1);
      expect(s.load(1)!.ts).toBe(t);
      s.append('t', null, b('2'), t - 5n);
      expect(s.load(2)!.ts).toBe(t);
      expect(s.seqForTime(t)).toBe(1);
    });

    it('refuses use after close', async () => {
      const s = make();
      await s.close();
      expect(() => s.append('x', null, b('1'))).toThrow('store is closed');
    });
  });
}
