/**
 * Random operations against a plain model of a stream (an array of messages and nats-server's
 * limit rules), on both stores; the file store is also reopened at random points, with small
 * segments and one cached index so segment drops and index rebuilds happen all the time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryStore, fileMsgSize, memoryMsgSize, openFileStore, type StoreLimits, type StreamStore } from '@switchboard/stream-store';

const SUBJECTS = ['a', 'b.1', 'b.2', 'c.x.y', 'd'];
const FILTERS = ['>', 'b.*', 'c.>', 'a', 'zz'];

interface M {
  seq: number;
  subject: string;
  size: number;
  payload: number;
  data: string;
}

class Model {
  msgs: M[] = [];
  lastSeq = 0;
  constructor(
    readonly lim: Required<Pick<StoreLimits, 'maxMsgs' | 'maxBytes' | 'maxMsgsPerSubject' | 'discard'>>,
    readonly sizeOf: (s: string, h: number, d: number) => number,
    readonly kind: string,
  ) {}
  get bytes(): number {
    return this.msgs.reduce((a, m) => a + m.size, 0);
  }
  get firstSeq(): number {
    return this.msgs.length ? this.msgs[0]!.seq : this.lastSeq + 1;
  }
  ofSubject(s: string): M[] {
    return this.msgs.filter((m) => m.subject === s);
  }
  append(subject: string, hdr: number, data: string): number | string {
    const { maxMsgs, maxBytes, maxMsgsPerSubject: maxp, discard } = this.lim;
    const payload = hdr + data.length;
    const full = maxp > 0 && this.ofSubject(subject).length >= maxp;
    if (discard === 'new') {
      if (maxMsgs > 0 && this.msgs.length >= maxMsgs && !full) return 'max-msgs';
      if (maxBytes > 0 && this.bytes + payload >= maxBytes) {
        if (!full) return 'max-bytes';
        const oldest = this.ofSubject(subject)[0]!.size;
        if (this.kind === 'memory' ? oldest < payload : oldest <= payload) return 'max-bytes';
      }
    }
    const seq = ++this.lastSeq;
    this.msgs.push({ seq, subject, size: this.sizeOf(subject, hdr, data.length), payload, data });
    if (full) this.drop(this.ofSubject(subject)[0]!.seq);
    if (maxMsgs > 0) while (this.msgs.length > maxMsgs) this.msgs.shift();
    if (maxBytes > 0) while (this.bytes > maxBytes && this.msgs.length) this.msgs.shift();
    return seq;
  }
  drop(seq: number): boolean {
    const i = this.msgs.findIndex((m) => m.seq === seq);
    if (i < 0) return false;
    this.msgs.splice(i, 1);
    return true;
  }
  compact(seq: number): number {
    const before = this.msgs.length;
    if (seq <= 0) seq = this.lastSeq + 1;
    this.msgs = this.msgs.filter((m) => m.seq >= seq);
    if (seq > this.lastSeq) this.lastSeq = seq - 1;
    return before - this.msgs.length;
  }
  purgeEx(subject: string, seq: number, keep: number): number {
    if (subject === '') {
      if (keep === 0 && seq <= 1) return this.compact(0);
      if (seq > 1) return this.compact(seq);
      if (keep >= this.msgs.length) return 0;
      return this.compact(this.lastSeq - keep + 1);
    }
    const match = this.msgs.filter((m) => matches(subject, m.subject));
    if (match.length === 0 || (keep > 0 && keep >= match.length)) return 0;
    const toRemove = keep > 0 ? match.length - keep : match.length;
    const bound = seq > 1 ? seq - 1 : Infinity;
    let n = 0;
    for (const m of match) {
      if (n >= toRemove || m.seq > bound) break;
      this.drop(m.seq);
      n++;
    }
    return n;
  }
}

function matches(filter: string, subject: string): boolean {
  if (filter === '>' || filter === '') return true;
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

type Cmd =
  | { op: 'append'; subject: number; hdr: boolean; len: number }
  | { op: 'remove'; at: number }
  | { op: 'purgeEx'; filter: number; seq: number; keep: number }
  | { op: 'compact'; at: number }
  | { op: 'reopen' };

const cmd = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('append' as const), subject: fc.nat(SUBJECTS.length - 1), hdr: fc.boolean(), len: fc.nat(40) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('remove' as const), at: fc.nat(60) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('purgeEx' as const), filter: fc.nat(FILTERS.length), seq: fc.nat(40), keep: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('compact' as const), at: fc.nat(60) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reopen' as const) }) },
);
const limits = fc.record({
  maxMsgs: fc.constantFrom(-1, 3, 10, 25),
  maxBytes: fc.constantFrom(-1, 300, 1500),
  maxMsgsPerSubject: fc.constantFrom(-1, 1, 3),
  discard: fc.constantFrom('old' as const, 'new' as const),
});

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-store-prop-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let runs = 0;

function check(store: StreamStore, model: Model): void {
  const st = store.state();
  expect({ msgs: st.msgs, bytes: st.bytes, first: st.firstSeq, last: st.lastSeq }).toEqual({
    msgs: model.msgs.length,
    bytes: model.bytes,
    first: model.firstSeq,
    last: model.lastSeq,
  });
  expect(st.numSubjects).toBe(new Set(model.msgs.map((m) => m.subject)).size);
  expect(st.numDeleted).toBe(model.msgs.length ? model.lastSeq - model.firstSeq + 1 - model.msgs.length : 0);
  for (const s of SUBJECTS) {
    const mine = model.ofSubject(s);
    expect(store.loadLast(s)?.seq ?? 0).toBe(mine.at(-1)?.seq ?? 0);
  }
  for (let seq = Math.max(1, model.firstSeq - 1); seq <= model.lastSeq + 1; seq++) {
    const m = model.msgs.find((x) => x.seq === seq);
    const got = store.load(seq);
    expect(got === null ? null : [got.subject, Buffer.from(got.data).toString()]).toEqual(m ? [m.subject, m.data] : null);
  }
  for (const f of FILTERS) {
    const from = model.firstSeq + 1;
    expect(store.loadNext(f, from)?.seq ?? 0).toBe(model.msgs.find((m) => m.seq >= from && matches(f, m.subject))?.seq ?? 0);
    const all = model.msgs.filter((m) => matches(f, m.subject));
    expect(store.filteredState(0, f)).toEqual({ msgs: all.length, first: all[0]?.seq ?? 0, last: all.at(-1)?.seq ?? 0 });
  }
}

async function run(kind: 'memory' | 'file', lim: Model['lim'], cmds: Cmd[]): Promise<void> {
  const dir = path.join(root, `r${runs++}`);
  const make = (): StreamStore =>
    kind === 'memory'
      ? createMemoryStore({ limits: lim, maxSegmentBytes: 512 })
      : openFileStore({ dir, limits: lim, maxSegmentBytes: 512, indexCache: 1, log: () => {} });
  const model = new Model(lim, kind === 'file' ? (s, h, d) => fileMsgSize(s.length, h, d) : (s, h, d) => memoryMsgSize(s.length, h, d), kind);
  let store = make();
  try {
    for (const c of cmds) {
      if (c.op === 'append') {
        const subject = SUBJECTS[c.subject]!;
        const data = 'x'.repeat(c.len) + String(model.lastSeq + 1);
        const hdr = c.hdr ? Buffer.from('NATS/1.0\r\n\r\n') : null;
        const want = model.append(subject, hdr?.length ?? 0, data);
        let got: number | string;
        try {
          got = store.append(subject, hdr, Buffer.from(data));
        } catch (e) {
          got = (e as { code: string }).code;
        }
        expect(got).toBe(want);
      } else if (c.op === 'remove') {
        const seq = model.firstSeq + c.at - 5;
        expect(store.remove(seq)).toBe(model.drop(seq));
      } else if (c.op === 'purgeEx') {
        const filter = FILTERS[c.filter] ?? '';
        const seq = c.keep > 0 ? 0 : c.seq === 0 ? 0 : model.firstSeq + c.seq;
        expect(store.purgeEx(filter === '>' ? '' : filter, seq, c.keep)).toBe(model.purgeEx(filter === '>' ? '' : filter, seq, c.keep));
      } else if (c.op === 'compact') {
        const seq = model.firstSeq + c.at - 10;
        if (seq > 0) expect(store.compact(seq)).toBe(model.compact(seq));
      } else if (kind === 'file') {
        await store.close();
        store = make();
      }
      check(store, model);
    }
  } finally {
    await store.close();
  }
}

describe('stores against a model', () => {
  for (const kind of ['memory', 'file'] as const) {
    it(`${kind} store`, async () => {
      await fc.assert(
        fc.asyncProperty(limits, fc.array(cmd, { maxLength: 60 }), (lim, cmds) => run(kind, lim, cmds)),
        { numRuns: kind === 'file' ? 120 : 200 },
      );
    }, 60_000);
  }
});
