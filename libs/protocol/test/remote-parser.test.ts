import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RemoteParser } from '../src/index.js';
import { RemoteRecorder } from './recorder.js';
import { word, sep, eol, bytes, anyCase, stream, mutated, chunked, randomInput, wellFormed, type Op } from './wire.js';

const weight = fc.nat({ max: 999_999_999 });
/** Nothing, a reply, `+ reply queues…` or `| queues…` (up to 12 queues: more than the tokens splitArgs records). */
const replyForm = fc.oneof(
  fc.constant({ wire: '', reply: '', queues: '' }),
  word.filter((w) => w !== '+' && w !== '|').map((r) => ({ wire: ` ${r}`, reply: r, queues: '' })),
  fc.tuple(word, fc.array(word, { minLength: 1, maxLength: 12 })).map(([r, qs]) => ({ wire: ` + ${r} ${qs.join(' ')}`, reply: r, queues: qs.join(' ') })),
  fc.array(word, { minLength: 1, maxLength: 12 }).map((qs) => ({ wire: ` | ${qs.join('\t')}`, reply: '', queues: qs.join(' ') })),
);

const common: fc.Arbitrary<Op>[] = [
  fc
    .tuple(anyCase('CONNECT'), fc.stringMatching(/^[ \t]{0,2}$/), fc.json(), eol)
    .filter(([, , json]) => !json.includes('\n') && json.trim() === json)
    .map(([v, s, json, e]) => ({ wire: `${v}${s}${json}${e}`, calls: [['connect', json]] })),
  fc
    .json()
    .filter((j) => !j.includes('\n') && j.trim() === j)
    .map((j) => ({ wire: `INFO ${j}\r\n`, calls: [['info', j]] })),
  fc.tuple(anyCase('PING'), eol).map(([v, e]) => ({ wire: v + e, calls: [['ping']] })),
  fc.tuple(anyCase('PONG'), eol).map(([v, e]) => ({ wire: v + e, calls: [['pong']] })),
  fc.tuple(anyCase('+OK'), eol).map(([v, e]) => ({ wire: v + e, calls: [['ok']] })),
];

const routeOp: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(anyCase('RS+'), sep, word, sep, word, fc.option(fc.tuple(word, weight), { nil: undefined }), eol).map(([v, s1, acc, s2, subj, q, e]) => ({
    wire: `${v}${s1}${acc}${s2}${subj}${q ? ` ${q[0]} ${q[1]}` : ''}${e}`,
    calls: [['sub', '', acc, subj, q ? q[0] : '', q ? q[1] : 0]],
  })),
  fc.tuple(anyCase('LS+'), word, word, word, fc.option(fc.tuple(word, weight), { nil: undefined })).map(([v, origin, acc, subj, q]) => ({
    wire: `${v} ${origin} ${acc} ${subj}${q ? ` ${q[0]} ${q[1]}` : ''}\r\n`,
    calls: [['sub', origin, acc, subj, q ? q[0] : '', q ? q[1] : 0]],
  })),
  fc.tuple(fc.constantFrom('RS-', 'ls-'), word, word, fc.option(word, { nil: undefined }), eol).map(([v, acc, subj, q, e]) => ({
    wire: `${v} ${acc} ${subj}${q ? ` ${q}` : ''}${e}`,
    calls: [['unsub', acc, subj, q ?? '', `${acc} ${subj}${q ? ` ${q}` : ''}`]],
  })),
  fc.tuple(anyCase('RMSG'), word, word, replyForm, bytes(40), eol).map(([v, acc, subj, r, payload, e]) => ({
    wire: `${v} ${acc} ${subj}${r.wire} ${payload.length}${e}${payload}\r\n`,
    calls: [['msg', '', acc, subj, r.reply, r.queues, -1, payload]],
  })),
  fc.tuple(anyCase('HMSG'), word, word, replyForm, bytes(20), bytes(20)).map(([v, acc, subj, r, hdr, body]) => ({
    wire: `${v} ${acc} ${subj}${r.wire} ${hdr.length} ${hdr.length + body.length}\r\n${hdr}${body}\r\n`,
    calls: [['msg', '', acc, subj, r.reply, r.queues, hdr.length, hdr + body]],
  })),
  fc.tuple(anyCase('LMSG'), word, word, word, replyForm, bytes(20), bytes(20)).map(([v, origin, acc, subj, r, hdr, body]) => ({
    wire: `${v} ${origin} ${acc} ${subj}${r.wire} ${hdr.length} ${hdr.length + body.length}\r\n${hdr}${body}\r\n`,
    calls: [['msg', origin, acc, subj, r.reply, r.queues, hdr.length, hdr + body]],
  })),
  ...common,
);

const leafOp: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(anyCase('LS+'), sep, word, fc.option(fc.tuple(word, weight), { nil: undefined }), eol).map(([v, s, subj, q, e]) => ({
    wire: `${v}${s}${subj}${q ? ` ${q[0]} ${q[1]}` : ''}${e}`,
    calls: [['sub', '', '', subj, q ? q[0] : '', q ? q[1] : 0]],
  })),
  fc.tuple(anyCase('LS-'), word, fc.option(word, { nil: undefined })).map(([v, subj, q]) => ({
    wire: `${v} ${subj}${q ? ` ${q}` : ''}\r\n`,
    calls: [['unsub', '', subj, q ?? '', `${subj}${q ? ` ${q}` : ''}`]],
  })),
  fc.tuple(anyCase('LMSG'), word, replyForm, bytes(40), eol).map(([v, subj, r, payload, e]) => ({
    wire: `${v} ${subj}${r.wire} ${payload.length}${e}${payload}\r\n`,
    calls: [['msg', '', '', subj, r.reply, r.queues, -1, payload]],
  })),
  fc.tuple(anyCase('HMSG'), word, replyForm, bytes(20), bytes(20)).map(([v, subj, r, hdr, body]) => ({
    wire: `${v} ${subj}${r.wire} ${hdr.length} ${hdr.length + body.length}\r\n${hdr}${body}\r\n`,
    calls: [['msg', '', '', subj, r.reply, r.queues, hdr.length, hdr + body]],
  })),
  ...common,
);

const randomBytes = randomInput('RLSMHG+-|PINOCTK \t\r\n0123456789ab');

function run(chunks: Buffer[], leaf: boolean, maxPayload?: number): unknown[][] {
  const rec = new RemoteRecorder();
  const p = new RemoteParser(rec, { leaf, maxPayload });
  for (const c of chunks) p.parse(c);
  return rec.calls;
}

for (const [name, op, leaf] of [
  ['route', routeOp, false],
  ['leaf', leafOp, true],
] as const) {
  describe(`RemoteParser (${name}) properties`, () => {
    it('a valid stream yields the modelled calls, whatever the chunking', () => {
      fc.assert(
        fc.property(stream(op), fc.array(fc.nat(), { maxLength: 6 }), (s, cuts) => {
          expect(run([s.wire], leaf)).toEqual(s.calls);
          expect(run(chunked(s.wire, cuts), leaf)).toEqual(s.calls);
          for (let k = 1; k < s.wire.length; k += 3) expect(run([s.wire.subarray(0, k), s.wire.subarray(k)], leaf)).toEqual(s.calls);
        }),
        { numRuns: 300 },
      );
    });

    it('damaged or random input never throws, and chunking never changes the outcome', () => {
      fc.assert(
        fc.property(fc.oneof(mutated(op), randomBytes), fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom(undefined, 0, 10), (wire, cuts, maxPayload) => {
          const whole = run([wire], leaf, maxPayload);
          wellFormed(whole);
          expect(run(chunked(wire, cuts), leaf, maxPayload)).toEqual(whole);
          expect(
            run(
              [...wire].map((b) => Buffer.from([b])),
              leaf,
              maxPayload,
            ),
          ).toEqual(whole);
        }),
        { numRuns: 1000 },
      );
    });
  });
}

describe('RemoteParser forms as nats-server 2.9 sends them', () => {
  const route = (wire: string) => run([Buffer.from(wire, 'latin1')], false);
  const leaf = (wire: string) => run([Buffer.from(wire, 'latin1')], true);

  it('route interest with account and queue weight', () => {
    expect(route('RS+ $G foo.> workers 3\r\nRS- $G foo.> workers\r\nRS+ ACC bar\r\n')).toEqual([
      ['sub', '', '$G', 'foo.>', 'workers', 3],
      ['unsub', '$G', 'foo.>', 'workers', '$G foo.> workers'],
      ['sub', '', 'ACC', 'bar', '', 0],
    ]);
  });

  it('route LS+ carries the origin cluster, LS- does not', () => {
    expect(route('LS+ edge $G foo q 1\r\nLS- $G foo q\r\n')).toEqual([
      ['sub', 'edge', '$G', 'foo', 'q', 1],
      ['unsub', '$G', 'foo', 'q', '$G foo q'],
    ]);
  });

  it('RMSG reply and queue forms', () => {
    expect(route('RMSG $G foo 2\r\nhi\r\nRMSG $G foo _INBOX.1 2\r\nhi\r\nRMSG $G foo + _INBOX.1 q1 q2 2\r\nhi\r\nRMSG $G foo | q1 2\r\nhi\r\n')).toEqual([
      ['msg', '', '$G', 'foo', '', '', -1, 'hi'],
      ['msg', '', '$G', 'foo', '_INBOX.1', '', -1, 'hi'],
      ['msg', '', '$G', 'foo', '_INBOX.1', 'q1 q2', -1, 'hi'],
      ['msg', '', '$G', 'foo', '', 'q1', -1, 'hi'],
    ]);
  });

  it('HMSG and LMSG on a route', () => {
    const h = 'NATS/1.0\r\n\r\n';
    expect(route(`HMSG $G foo | q 12 14\r\n${h}hi\r\nLMSG edge $G foo r 0 2\r\nhi\r\n`)).toEqual([
      ['msg', '', '$G', 'foo', '', 'q', 12, `${h}hi`],
      ['msg', 'edge', '$G', 'foo', 'r', '', 0, 'hi'],
    ]);
  });

  it('leaf forms have no account', () => {
    expect(leaf('LS+ foo q 2\r\nLS- foo q\r\nLMSG foo + r q 2\r\nhi\r\nHMSG foo 0 2\r\nhi\r\n')).toEqual([
      ['sub', '', '', 'foo', 'q', 2],
      ['unsub', '', 'foo', 'q', 'foo q'],
      ['msg', '', '', 'foo', 'r', 'q', -1, 'hi'],
      ['msg', '', '', 'foo', '', '', 0, 'hi'],
    ]);
  });

  it('a leaf connection does not speak the route verbs', () => {
    expect(leaf('RS+ $G foo\r\n')).toEqual([['error', 'Unknown Protocol Operation', true]]);
  });

  it('bad arguments close with nats-server texts and no -ERR', () => {
    expect(route('RS+ $G\r\n')).toEqual([['error', "processRemoteSub Parse Error: '$G'", false]]);
    expect(route('RS- $G\r\n')).toEqual([['error', "processRemoteUnsub parse error: '$G'", false]]);
    expect(route('RMSG $G foo x y 2\r\n')).toEqual([['error', "processRoutedMsgArgs Bad or Missing Reply Indicator: 'x'", false]]);
    expect(route('RMSG $G foo x\r\n')).toEqual([['error', "processRoutedMsgArgs Bad or Missing Size: '$G foo x'", false]]);
    expect(route('HMSG $G foo 5 2\r\n')).toEqual([['error', "processRoutedHeaderMsgArgs Header Size larger then TotalSize: '$G foo 5 2'", false]]);
    expect(leaf('LS+ foo q\r\n')).toEqual([['error', "processLeafSub Parse Error: 'foo q'", false]]);
  });
});
