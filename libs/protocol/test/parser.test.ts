import { describe, expect, it } from 'vitest';
import { ClientParser, ERR_MAX_CONTROL_LINE, ERR_MAX_PAYLOAD, ERR_UNKNOWN_PROTOCOL, type ClientOpHandler } from '../src/index.js';
import { ClientRecorder } from './recorder.js';

const OPTS = { maxControlLine: 4096, maxPayload: 1024 * 1024 };

function parse(input: string | string[], opts = OPTS): unknown[][] {
  const rec = new ClientRecorder();
  const p = new ClientParser(rec, opts);
  for (const c of Array.isArray(input) ? input : [input]) p.parse(Buffer.from(c, 'latin1'));
  return rec.calls;
}

describe('ClientParser', () => {
  it('parses every client op', () => {
    expect(
      parse(
        'CONNECT {"verbose":false}\r\nPING\r\nPONG\r\nSUB foo 1\r\nSUB foo q 2\r\n' +
          'PUB foo 5\r\nhello\r\nPUB foo bar 0\r\n\r\nHPUB foo r 5 7\r\nNATS/ab\r\n' +
          'UNSUB 1\r\nUNSUB 2 10\r\n',
      ),
    ).toEqual([
      ['connect', '{"verbose":false}'],
      ['ping'],
      ['pong'],
      ['sub', 'foo', '', '1'],
      ['sub', 'foo', 'q', '2'],
      ['pub', 'foo', '', -1, 'hello'],
      ['pub', 'foo', 'bar', -1, ''],
      ['pub', 'foo', 'r', 5, 'NATS/ab'],
      ['unsub', '1', -1],
      ['unsub', '2', 10],
    ]);
  });

  it('takes verbs in any case, tabs and runs of separators, bare LF', () => {
    expect(parse('pUb\t foo  \t 2 \r\nhi\r\nsub  a\t\tq  1 \nPinG\nconnect{}\r\n')).toEqual([
      ['pub', 'foo', '', -1, 'hi'],
      ['sub', 'a', 'q', '1'],
      ['ping'],
      ['connect', '{}'],
    ]);
  });

  it('ignores +OK and a valid INFO, and anything after PING/PONG up to LF', () => {
    expect(parse('+OK\r\nINFO {"x":1}\r\nPINGxyz\r\nPONG abc\r\n')).toEqual([['ping'], ['pong']]);
  });

  it('reads an unparsable UNSUB max as -1', () => {
    expect(parse('UNSUB 1 x\r\nUNSUB 1 -3\r\nUNSUB 1 0\r\n')).toEqual([
      ['unsub', '1', -1],
      ['unsub', '1', -1],
      ['unsub', '1', 0],
    ]);
  });

  it('hands over a payload in place when it sits in one chunk, else assembles it', () => {
    const seen: Buffer[] = [];
    const h = new ClientRecorder();
    const spy: ClientOpHandler = Object.assign(Object.create(h) as ClientRecorder, {
      onPub(_s: string, _r: string, _h: number, msg: Buffer) {
        seen.push(msg);
      },
    });
    const p = new ClientParser(spy, OPTS);
    const one = Buffer.from('PUB a 3\r\nabc\r\n');
    p.parse(one);
    expect(seen[0]!.buffer).toBe(one.buffer);
    expect(seen[0]!.byteOffset).toBe(one.byteOffset + 9);
    p.parse(Buffer.from('PUB a 3\r\nab'));
    p.parse(Buffer.from('c\r\n'));
    expect(seen[1]!.toString()).toBe('abc');
  });

  it('never serves a stale subject from its string cache', () => {
    const long = 'x'.repeat(300);
    expect(parse(`PUB foo 0\r\n\r\nPUB fop 0\r\n\r\nPUB foo 0\r\n\r\nPUB fo 0\r\n\r\nPUB ${long} 0\r\n\r\nPUB ${long}y 0\r\n\r\n`).map((c) => c[1])).toEqual([
      'foo',
      'fop',
      'foo',
      'fo',
      long,
      `${long}y`,
    ]);
    expect(parse(['PUB abc 0\r\n\r\nPUB a', 'bd 0\r\n\r\n']).map((c) => c[1])).toEqual(['abc', 'abd']);
  });

  it('reports bad verbs and bad payload terminators as Unknown Protocol Operation', () => {
    for (const bad of [
      'FOO\r\n',
      '\r\n',
      ' PING\r\n',
      'PUB\r\n',
      'MSG foo 1 1\r\n',
      'HMSG a 1 1 1\r\n',
      'PUB a 1\r\nab\r\n',
      'PUB a 1\r\na\nPING\r\n',
      '-ERR\r\n',
    ]) {
      expect(parse(bad), bad).toEqual([['error', ERR_UNKNOWN_PROTOCOL, true]]);
    }
  });

  it('closes silently on malformed arguments, as nats-server does', () => {
    const cases: Array<[string, string]> = [
      ['PUB foo\r\n', 'processPub Parse Error: "foo"'],
      ['PUB a b c 1\r\n', 'processPub Parse Error: "a b c 1"'],
      ['PUB foo x\r\n', 'processPub Bad or Missing Size: "foo x"'],
      ['PUB foo 0000000001\r\n', 'processPub Bad or Missing Size: "foo 0000000001"'],
      ['HPUB foo 1\r\n', 'processHeaderPub Parse Error: "foo 1"'],
      ['HPUB foo x 3\r\n', 'processHeaderPub Bad or Missing Header Size: "foo x 3"'],
      ['HPUB foo 3 x\r\n', 'processHeaderPub Bad or Missing Total Size: "foo 3 x"'],
      ['HPUB foo 5 3\r\n', 'processHeaderPub Header Size larger then TotalSize: "foo 5 3"'],
      ['SUB foo\r\n', 'processSub Parse Error: "foo"'],
      ['UNSUB a b c\r\n', 'processUnsub Parse Error: "a b c"'],
      ['INFO {bad\r\n', 'processInfo Parse Error: "{bad"'],
      ["-ERR 'x'\r\n", "Client Error 'x'"],
    ];
    for (const [input, message] of cases) expect(parse(input), input).toEqual([['error', message, false]]);
  });

  it('checks the payload size before reading the payload', () => {
    expect(parse('PUB foo 11\r\n', { maxControlLine: 4096, maxPayload: 10 })).toEqual([['error', ERR_MAX_PAYLOAD, true]]);
    expect(parse('HPUB foo 1 11\r\n', { maxControlLine: 4096, maxPayload: 10 })).toEqual([['error', ERR_MAX_PAYLOAD, true]]);
    expect(parse('PUB foo 10\r\n0123456789\r\n', { maxControlLine: 4096, maxPayload: 10 })).toHaveLength(1);
    // The limit may change between chunks (e.g. once CONNECT has bound an account).
    const rec = new ClientRecorder();
    const p = new ClientParser(rec, { maxControlLine: 4096, maxPayload: 10 });
    p.parse(Buffer.from('PUB foo 1\r\na\r\n'));
    p.maxPayload = 0;
    p.parse(Buffer.from('PUB foo 1\r\na\r\n'));
    expect(rec.calls).toEqual([
      ['pub', 'foo', '', -1, 'a'],
      ['error', ERR_MAX_PAYLOAD, true],
    ]);
  });

  it('limits the control-line argument to maxControlLine bytes, CRLF excluded', () => {
    const opts = { maxControlLine: 10, maxPayload: 100 };
    expect(parse('SUB abcdefgh 1\r\n', opts)).toEqual([['sub', 'abcdefgh', '', '1']]); // 10 bytes
    expect(parse('SUB abcdefghi 1\r\n', opts)).toEqual([['error', ERR_MAX_CONTROL_LINE, true]]);
    // Split lines are bounded before their end arrives.
    expect(parse(['SUB abcdefghi', ' 1'], opts)).toEqual([['error', ERR_MAX_CONTROL_LINE, true]]);
    expect(parse(['SUB abcdefgh 1\r', '\n'], opts)).toEqual([['sub', 'abcdefgh', '', '1']]);
    // No argument, no limit: the rest of a PING line is skipped, not stored.
    expect(parse(['PING ' + 'x'.repeat(100), '\r\n'], opts)).toEqual([['ping']]);
  });

  it('ignores input after an error and after close()', () => {
    expect(parse('FOO\r\nPING\r\n')).toEqual([['error', ERR_UNKNOWN_PROTOCOL, true]]);
    const rec = new ClientRecorder();
    const p = new ClientParser(rec, OPTS);
    p.parse(Buffer.from('PING\r\n'));
    p.close();
    p.parse(Buffer.from('PING\r\n'));
    expect(rec.calls).toEqual([['ping']]);
    expect(p.closed).toBe(true);
  });

  it('lets a handler stop the parser mid-chunk', () => {
    const rec = new ClientRecorder();
    const p = new ClientParser(
      Object.assign(Object.create(rec) as ClientRecorder, {
        onConnect(json: string) {
          rec.calls.push(['connect', json]);
          p.close();
        },
      }),
      OPTS,
    );
    p.parse(Buffer.from('CONNECT {}\r\nPUB a 1\r\nx\r\n'));
    expect(rec.calls).toEqual([['connect', '{}']]);
  });
});
