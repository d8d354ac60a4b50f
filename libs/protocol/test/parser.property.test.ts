import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientParser, MsgParser, PARSE_ERROR_PREFIXES, type ParserOptions } from '../src/index.js';
import { ClientRecorder, ServerRecorder } from './recorder.js';

// A wire stream and the handler calls it must produce.
type Op = { wire: string; calls: unknown[][] };

const word = fc.stringMatching(/^[A-Za-z0-9._>*$-]{1,12}$/);
const sep = fc.stringMatching(/^[ \t]{1,3}$/);
const eol = fc.constantFrom('\r\n', '\n');
const bytes = (max: number) => fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: max });
const anyCase = (verb: string) =>
  fc
    .array(fc.boolean(), { minLength: verb.length, maxLength: verb.length })
    .map((up) => [...verb].map((c, k) => (up[k] ? c.toUpperCase() : c.toLowerCase())).join(''));

const clientOp: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(anyCase('PUB'), sep, word, fc.option(fc.tuple(sep, word), { nil: undefined }), sep, bytes(40), eol).map(([v, s1, subj, r, s2, payload, e]) => ({
    wire: `${v}${s1}${subj}${r ? r[0] + r[1] : ''}${s2}${payload.length}${e}${payload}\r\n`,
    calls: [['pub', subj, r ? r[1] : '', -1, payload]],
  })),
  fc.tuple(anyCase('HPUB'), sep, word, fc.option(word, { nil: undefined }), bytes(20), bytes(20), eol).map(([v, s, subj, reply, hdr, body, e]) => ({
    wire: `${v}${s}${subj}${reply ? ' ' + reply : ''} ${hdr.length} ${hdr.length + body.length}${e}${hdr}${body}\r\n`,
    calls: [['pub', subj, reply ?? '', hdr.length, hdr + body]],
  })),
  fc.tuple(anyCase('SUB'), sep, word, fc.option(fc.tuple(sep, word), { nil: undefined }), sep, word, eol).map(([v, s1, subj, q, s2, sid, e]) => ({
    wire: `${v}${s1}${subj}${q ? q[0] + q[1] : ''}${s2}${sid}${e}`,
    calls: [['sub', subj, q ? q[1] : '', sid]],
  })),
  fc.tuple(anyCase('UNSUB'), sep, word, fc.option(fc.nat({ max: 999_999_999 }), { nil: undefined }), eol).map(([v, s, sid, max, e]) => ({
    wire: `${v}${s}${sid}${max === undefined ? '' : ' ' + max}${e}`,
    calls: [['unsub', sid, max ?? -1]],
  })),
  fc
    .tuple(anyCase('CONNECT'), fc.stringMatching(/^[ \t]{0,2}$/), fc.json(), eol)
    .filter(([, , json]) => !json.includes('\n') && json.trim() === json)
    .map(([v, s, json, e]) => ({ wire: `${v}${s}${json}${e}`, calls: [['connect', json]] })),
  fc.tuple(anyCase('PING'), eol).map(([v, e]) => ({ wire: v + e, calls: [['ping']] })),
  fc.tuple(anyCase('PONG'), eol).map(([v, e]) => ({ wire: v + e, calls: [['pong']] })),
  fc.tuple(anyCase('+OK'), eol).map(([v, e]) => ({ wire: v + e, calls: [] })),
  fc.tuple(anyCase('INFO'), eol).map(([v, e]) => ({ wire: `${v} {"server_id":"x"}${e}`, calls: [] })),
);

const serverOp: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(anyCase('MSG'), sep, word, sep, word, fc.option(word, { nil: undefined }), bytes(40), eol).map(([v, s1, subj, s2, sid, reply, payload, e]) => ({
    wire: `${v}${s1}${subj}${s2}${sid}${reply ? ' ' + reply : ''} ${payload.length}${e}${payload}\r\n`,
    calls: [['msg', subj, sid, reply ?? '', -1, payload]],
  })),
  fc.tuple(word, word, fc.option(word, { nil: undefined }), bytes(20), bytes(20)).map(([subj, sid, reply, hdr, body]) => ({
    wire: `HMSG ${subj} ${sid}${reply ? ' ' + reply : ''} ${hdr.length} ${hdr.length + body.length}\r\n${hdr}${body}\r\n`,
    calls: [['msg', subj, sid, reply ?? '', hdr.length, hdr + body]],
  })),
  fc
    .json()
    .filter((j) => !j.includes('\n') && j.trim() === j)
    .map((j) => ({ wire: `INFO ${j}\r\n`, calls: [['info', j]] })),
  fc.stringMatching(/^[A-Za-z0-9 "._]{0,20}$/).map((m) => ({ wire: `-ERR '${m}'\r\n`, calls: [['err', m]] })),
  fc.tuple(anyCase('PING'), eol).map(([v, e]) => ({ wire: v + e, calls: [['ping']] })),
  fc.tuple(anyCase('PONG'), eol).map(([v, e]) => ({ wire: v + e, calls: [['pong']] })),
  fc.tuple(anyCase('+OK'), eol).map(([v, e]) => ({ wire: v + e, calls: [['ok']] })),
);

const stream = (op: fc.Arbitrary<Op>) =>
  fc.array(op, { maxLength: 8 }).map((ops) => ({
    wire: Buffer.from(ops.map((o) => o.wire).join(''), 'latin1'),
    calls: ops.flatMap((o) => o.calls),
  }));

/** Byte-level damage to a valid stream: overwrite, insert, delete. */
const mutated = (op: fc.Arbitrary<Op>) =>
  fc
    .tuple(
      stream(op),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 4 }),
    )
    .map(([s, edits]) => {
      const b = [...s.wire];
      for (const [at, v, kind] of edits) {
        const k = b.length === 0 ? 0 : at % b.length;
        if (kind === 'set' && b.length > 0) b[k] = v;
        else if (kind === 'insert') b.splice(k, 0, v);
        else b.splice(k, 1);
      }
      return Buffer.from(b);
    });

const randomBytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  // Biased towards protocol bytes, so random input gets past the verbs more often.
  fc.array(fc.constantFrom(...'PUBHSNCOTIGK+-ER \t\r\n0123456789ab'.split('')), { maxLength: 200 }).map((cs) => Buffer.from(cs.join(''), 'latin1')),
);

// Cut points -> chunks.
function chunked(wire: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => (wire.length === 0 ? 0 : c % (wire.length + 1))))].sort((x, y) => x - y);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(wire.subarray(prev, p));
    prev = p;
  }
  out.push(wire.subarray(prev));
  return out;
}

const BIG: ParserOptions = { maxControlLine: 4096, maxPayload: 1024 * 1024 };
const limits = fc.record({ maxControlLine: fc.constantFrom(8, 24, 4096), maxPayload: fc.constantFrom(0, 10, 1024 * 1024) });

function runClient(chunks: Buffer[], opts: ParserOptions): unknown[][] {
  const rec = new ClientRecorder();
  const p = new ClientParser(rec, opts);
  for (const c of chunks) p.parse(c);
  return rec.calls;
}

function runServer(chunks: Buffer[], maxPayload?: number): unknown[][] {
  const rec = new ServerRecorder();
  const p = new MsgParser(rec, maxPayload);
  for (const c of chunks) p.parse(c);
  return rec.calls;
}

/** At most one error, last, with a known text. */
function wellFormed(calls: unknown[][]): void {
  const errors = calls.filter((c) => c[0] === 'error');
  expect(errors.length).toBeLessThanOrEqual(1);
  if (errors.length === 1) {
    expect(calls[calls.length - 1]![0]).toBe('error');
    const msg = errors[0]![1] as string;
    expect(
      PARSE_ERROR_PREFIXES.some((p) => msg.startsWith(p)),
      msg,
    ).toBe(true);
  }
}

describe('ClientParser properties', () => {
  it('a valid stream yields the modelled calls, whatever the chunking', () => {
    fc.assert(
      fc.property(stream(clientOp), fc.array(fc.nat(), { maxLength: 6 }), (s, cuts) => {
        expect(runClient([s.wire], BIG)).toEqual(s.calls);
        expect(runClient(chunked(s.wire, cuts), BIG)).toEqual(s.calls);
      }),
      { numRuns: 300 },
    );
  });

  it('a valid stream split at every byte boundary, and byte by byte, gives the same calls', () => {
    fc.assert(
      fc.property(stream(clientOp), (s) => {
        for (let k = 1; k < s.wire.length; k++) {
          expect(runClient([s.wire.subarray(0, k), s.wire.subarray(k)], BIG)).toEqual(s.calls);
        }
        expect(
          runClient(
            [...s.wire].map((b) => Buffer.from([b])),
            BIG,
          ),
        ).toEqual(s.calls);
      }),
      { numRuns: 60 },
    );
  });

  it('damaged or random input never throws, and chunking never changes the outcome', () => {
    fc.assert(
      fc.property(fc.oneof(mutated(clientOp), randomBytes), fc.array(fc.nat(), { maxLength: 6 }), limits, (wire, cuts, opts) => {
        const whole = runClient([wire], opts);
        wellFormed(whole);
        expect(runClient(chunked(wire, cuts), opts)).toEqual(whole);
        expect(
          runClient(
            [...wire].map((b) => Buffer.from([b])),
            opts,
          ),
        ).toEqual(whole);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('MsgParser properties', () => {
  it('a valid stream yields the modelled calls, whatever the chunking', () => {
    fc.assert(
      fc.property(stream(serverOp), fc.array(fc.nat(), { maxLength: 6 }), (s, cuts) => {
        expect(runServer([s.wire])).toEqual(s.calls);
        expect(runServer(chunked(s.wire, cuts))).toEqual(s.calls);
        for (let k = 1; k < s.wire.length; k += 3) {
          expect(runServer([s.wire.subarray(0, k), s.wire.subarray(k)])).toEqual(s.calls);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('damaged or random input never throws, and chunking never changes the outcome', () => {
    fc.assert(
      fc.property(
        fc.oneof(mutated(serverOp), randomBytes),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom(undefined, 0, 10),
        (wire, cuts, maxPayload) => {
          const whole = runServer([wire], maxPayload);
          wellFormed(whole);
          expect(runServer(chunked(wire, cuts), maxPayload)).toEqual(whole);
          expect(
            runServer(
              [...wire].map((b) => Buffer.from([b])),
              maxPayload,
            ),
          ).toEqual(whole);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
