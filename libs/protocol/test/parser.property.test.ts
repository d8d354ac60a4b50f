import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientParser, MsgParser, type ParserOptions } from '../src/index.js';
import { ClientRecorder, ServerRecorder } from './recorder.js';
import { word, sep, eol, bytes, anyCase, stream, mutated, chunked, randomInput, wellFormed, type Op } from './wire.js';

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

const randomBytes = randomInput('PUBHSNCOTIGK+-ER \t\r\n0123456789ab');

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
