import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERR_MAX_CONTROL_LINE, ERR_MAX_PAYLOAD, ERR_UNKNOWN_PROTOCOL, MsgParser } from '../src/index.js';
import { startNatsServer, type RunningServer } from '@switchboard/testing';
import { ServerRecorder } from './recorder.js';

function parse(input: string | string[], maxPayload?: number): unknown[][] {
  const rec = new ServerRecorder();
  const p = new MsgParser(rec, maxPayload);
  for (const c of Array.isArray(input) ? input : [input]) p.parse(Buffer.from(c, 'latin1'));
  return rec.calls;
}

describe('MsgParser', () => {
  it('parses every server op', () => {
    expect(
      parse(
        'INFO {"server_id":"x"}\r\n+OK\r\nPING\r\nPONG\r\nMSG foo 1 5\r\nhello\r\n' +
          'MSG foo 2 inbox.1 0\r\n\r\nHMSG foo 3 r 4 6\r\nNATS..\r\n-ERR \'Permissions Violation for Publish to "x"\'\r\n',
      ),
    ).toEqual([
      ['info', '{"server_id":"x"}'],
      ['ok'],
      ['ping'],
      ['pong'],
      ['msg', 'foo', '1', '', -1, 'hello'],
      ['msg', 'foo', '2', 'inbox.1', -1, ''],
      ['msg', 'foo', '3', 'r', 4, 'NATS..'],
      ['err', 'Permissions Violation for Publish to "x"'],
    ]);
  });

  it('keeps going after -ERR (some are not fatal) and strips only a pair of quotes', () => {
    expect(parse("-ERR 'Invalid Subject'\r\n-ERR plain\r\nPING\r\n")).toEqual([['err', 'Invalid Subject'], ['err', 'plain'], ['ping']]);
  });

  it('reports malformed input and then ignores the rest', () => {
    expect(parse('XYZ\r\nPING\r\n')).toEqual([['error', ERR_UNKNOWN_PROTOCOL]]);
    expect(parse('MSG foo 1\r\n')).toEqual([['error', 'processMsgArgs Parse Error: "foo 1"']]);
    expect(parse('MSG foo 1 x\r\n')).toEqual([['error', 'processMsgArgs Parse Error: "foo 1 x"']]);
    expect(parse('HMSG foo 1 5 3\r\n')).toEqual([['error', 'processMsgArgs Parse Error: "foo 1 5 3"']]);
    expect(parse('MSG foo 1 2\r\nabc\r\n')).toEqual([['error', ERR_UNKNOWN_PROTOCOL]]);
    expect(parse('MSG foo 1 11\r\n', 10)).toEqual([['error', ERR_MAX_PAYLOAD]]);
    expect(parse(`INFO ${'x'.repeat(1024 * 1024 + 10)}`)).toEqual([['error', ERR_MAX_CONTROL_LINE]]);
  });

  it('never serves a stale subject or sid from its string caches', () => {
    expect(parse('MSG a 1 0\r\n\r\nMSG b 2 0\r\n\r\nMSG b 1 0\r\n\r\n').map((c) => [c[1], c[2]])).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['b', '1'],
    ]);
  });

  it('assembles messages split across chunks', () => {
    expect(parse(['MS', 'G foo 1 5\r', '\nhel', 'lo\r', '\n'])).toEqual([['msg', 'foo', '1', '', -1, 'hello']]);
  });
});

describe('MsgParser on a live nats-server stream', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('decodes what nats-server delivers, headers included', async () => {
    const rec = new ServerRecorder();
    const parser = new MsgParser(rec);
    const sock = net.connect(server.port, '127.0.0.1');
    const pongs = () => rec.calls.filter((c) => c[0] === 'pong').length;
    const waitFor = async (cond: () => boolean) => {
      const until = Date.now() + 5000;
      while (!cond()) {
        if (Date.now() > until) throw new Error(`timed out; calls: ${JSON.stringify(rec.calls).slice(0, 500)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    sock.on('data', (d: Buffer) => parser.parse(d));
    try {
      await waitFor(() => rec.calls.length > 0);
      sock.write('CONNECT {"verbose":true,"headers":true,"protocol":1}\r\nSUB foo.> 7\r\nPING\r\n');
      await waitFor(() => pongs() === 1);
      const big = 'z'.repeat(200_000);
      sock.write(`PUB foo.a 2\r\nhi\r\nPUB foo.b re.ply ${big.length}\r\n${big}\r\n`);
      sock.write('HPUB foo.c 18 20\r\nNATS/1.0\r\nA: b\r\n\r\nok\r\nPUB bad..subject 0\r\n\r\nPING\r\n');
      await waitFor(() => pongs() === 2);
    } finally {
      sock.destroy();
    }
    expect(rec.calls[0]![0]).toBe('info');
    expect(JSON.parse(rec.calls[0]![1] as string)).toHaveProperty('server_id');
    expect(rec.calls.slice(1).filter((c) => c[0] !== 'ok')).toEqual([
      ['pong'],
      ['msg', 'foo.a', '7', '', -1, 'hi'],
      ['msg', 'foo.b', '7', 're.ply', -1, 'z'.repeat(200_000)],
      ['msg', 'foo.c', '7', '', 18, 'NATS/1.0\r\nA: b\r\n\r\nok'],
      // CONNECT without "pedantic" means pedantic in nats-server: a non-fatal -ERR.
      ['err', 'Invalid Publish Subject'],
      ['pong'],
    ]);
    expect(rec.calls.filter((c) => c[0] === 'ok').length).toBeGreaterThanOrEqual(5);
  });
});
