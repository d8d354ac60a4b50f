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

/** Payload bytes that differ by connection, message and position, so a mix-up shows. */
function pattern(conn: number, msg: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (conn * 101 + msg * 31 + i * 7) & 0xff;
  return b;
}

describe('ClientParser reading from one buffer shared by connections', () => {
  // As the broker reads plain sockets: every read lands in the same buffer, overwritten by the
  // next read of any connection. Payloads around the sizes where assembly changes: kept per
  // connection (≤ 4 KiB), pooled scratch (≤ 128 KiB), a buffer of its own (larger).
  const size = fc.oneof(
    fc.nat({ max: 40 }),
    fc.integer({ min: 4090, max: 4200 }),
    fc.integer({ min: 60_000, max: 70_000 }),
    fc.integer({ min: 130_000, max: 132_000 }),
  );

  it('each connection gets its own payloads intact, however the reads of several interleave', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(size, { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 4 }),
        fc.array(fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 64 * 1024 })), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 16 }),
        (sizes, readSizes, order) => {
          const shared = Buffer.allocUnsafe(64 * 1024);
          const got: Buffer[][] = sizes.map(() => []);
          const parsers = sizes.map(
            (_, c) =>
              new ClientParser(
                {
                  onConnect() {},
                  onPub: (_s, _r, _h, msg) => void got[c]!.push(Buffer.from(msg)),
                  onSub() {},
                  onUnsub() {},
                  onPing() {},
                  onPong() {},
                  onParseError: (m) => {
                    throw new Error(m);
                  },
                },
                BIG,
              ),
          );
          const wires = sizes.map((ns, c) =>
            Buffer.concat(ns.flatMap((n, k) => [Buffer.from(`PUB c${c}.${k} ${n}\r\n`), pattern(c, k, n), Buffer.from('\r\n')])),
          );
          const at = wires.map(() => 0);
          for (let step = 0, live = wires.length; live > 0; step++) {
            let c = order[step % order.length]! % wires.length;
            while (at[c] === wires[c]!.length) c = (c + 1) % wires.length;
            const n = Math.min(readSizes[step % readSizes.length]!, wires[c]!.length - at[c]!);
            wires[c]!.copy(shared, 0, at[c], at[c]! + n);
            at[c]! += n;
            if (at[c] === wires[c]!.length) live--;
            parsers[c]!.parse(shared.subarray(0, n));
            shared.fill(0xee, 0, n); // the next read, anyone's, overwrites it
          }
          // Buffer.equals: a deep compare of 130 KB payloads byte by byte would take seconds.
          sizes.forEach((ns, c) => expect(got[c]!.map((b, k) => b.equals(pattern(c, k, ns[k]!)))).toEqual(ns.map(() => true)));
        },
      ),
      { numRuns: 60 },
    );
  });
});
