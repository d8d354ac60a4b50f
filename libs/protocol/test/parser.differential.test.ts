import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientParser } from '../src/index.js';
import { RawClient, startNatsServer, type RunningServer } from '@switchboard/testing';
import { ClientRecorder } from './recorder.js';

/**
 * Each input goes to a real nats-server 2.9 over TCP and to ClientParser; both must give
 * the same outcome: `-ERR '<text>'` then close, a silent close, or a live connection
 * (proved by PONG to a trailing PING).
 */
const MAX_CONTROL_LINE = 256;
const MAX_PAYLOAD = 1024;
const CONNECT = 'CONNECT {"verbose":false,"pedantic":false,"headers":true,"protocol":1}\r\n';

type Outcome = { err: string } | 'silent close' | 'alive';

const a = (n: number) => 'a'.repeat(n);

// [input sent after CONNECT, expected outcome]
const CASES: Array<[string, Outcome]> = [
  // Unknown verbs and framing.
  ['FOO\r\n', { err: 'Unknown Protocol Operation' }],
  ['\r\n', { err: 'Unknown Protocol Operation' }],
  [' PING\r\n', { err: 'Unknown Protocol Operation' }],
  ['PUB\r\n', { err: 'Unknown Protocol Operation' }],
  ['PUBX foo 1\r\n', { err: 'Unknown Protocol Operation' }],
  ['SUB\r\n', { err: 'Unknown Protocol Operation' }],
  ['UNSUB\r\n', { err: 'Unknown Protocol Operation' }],
  ['-ERR\r\n', { err: 'Unknown Protocol Operation' }],
  ['MSG foo 1 1\r\n', { err: 'Unknown Protocol Operation' }],
  ['HMSG foo 1 1 1\r\n', { err: 'Unknown Protocol Operation' }],
  ['RS+ foo\r\n', { err: 'Unknown Protocol Operation' }],
  ['LS+ foo\r\n', { err: 'Unknown Protocol Operation' }],
  ['A+ foo\r\n', { err: 'Unknown Protocol Operation' }],
  ['PUB foo 1\r\nab\r\n', { err: 'Unknown Protocol Operation' }],
  ['PUB foo 1\r\naXY', { err: 'Unknown Protocol Operation' }],
  ['PUB foo 1\r\na\nPING\r\n', { err: 'Unknown Protocol Operation' }],
  ['HPUB foo 2 3\r\nabcd\r\n', { err: 'Unknown Protocol Operation' }],
  // Limits.
  [`PUB foo ${MAX_PAYLOAD + 1}\r\n`, { err: 'Maximum Payload Violation' }],
  [`HPUB foo 5 ${MAX_PAYLOAD + 1}\r\n`, { err: 'Maximum Payload Violation' }],
  [`PUB foo r 99999\r\n`, { err: 'Maximum Payload Violation' }],
  [`SUB ${a(MAX_CONTROL_LINE - 1)} 1\r\n`, { err: 'maximum control line exceeded' }],
  [`PUB ${a(MAX_CONTROL_LINE)} 1\r\nx\r\n`, { err: 'maximum control line exceeded' }],
  [`SUB ${a(600)}`, { err: 'maximum control line exceeded' }],
  [`CONNECT ${a(600)}`, { err: 'maximum control line exceeded' }],
  [`UNSUB ${a(300)}\r\n`, { err: 'maximum control line exceeded' }],
  // Malformed arguments: nats-server closes without a word.
  ['PUB foo\r\n', 'silent close'],
  ['PUB \r\n', 'silent close'],
  ['PUB a b c 1\r\n', 'silent close'],
  ['PUB foo x\r\n', 'silent close'],
  ['PUB foo -1\r\n', 'silent close'],
  ['PUB foo +1\r\n', 'silent close'],
  ['PUB foo 0000000001\r\n', 'silent close'],
  ['PUB foo 99999999999999999999\r\n', 'silent close'],
  ['HPUB foo 1\r\n', 'silent close'],
  ['HPUB foo x 3\r\n', 'silent close'],
  ['HPUB foo 3 x\r\n', 'silent close'],
  ['HPUB foo 5 3\r\n', 'silent close'],
  ['HPUB foo -1 3\r\n', 'silent close'],
  ['HPUB foo r x 3 3\r\n', 'silent close'],
  ['HPUB foo 3000 2000\r\n', 'silent close'],
  ['SUB foo\r\n', 'silent close'],
  ['SUB a b c d\r\n', 'silent close'],
  ['SUB \t\r\n', 'silent close'],
  ['UNSUB a b c\r\n', 'silent close'],
  ['INFO {bad\r\n', 'silent close'],
  ['INFO\r\n', 'silent close'],
  ['INFO []\r\n', 'silent close'],
  ["-ERR 'x'\r\n", 'silent close'],
  // Accepted.
  ['PING\r\n', 'alive'],
  ['pInG\r\n', 'alive'],
  ['PINGxyz\r\n', 'alive'],
  ['ping\n', 'alive'],
  [`PING ${a(600)}\r\n`, 'alive'],
  ['PONG\r\nPING\r\n', 'alive'],
  ['+OK\r\nPING\r\n', 'alive'],
  ['+OKXYZ\r\nPING\r\n', 'alive'],
  ['INFO {}\r\nPING\r\n', 'alive'],
  ['CONNECT{}\r\nPING\r\n', 'alive'],
  ['CONNECT \t {}\r\nPING\r\n', 'alive'],
  ['UNSUB 1 x\r\nPING\r\n', 'alive'],
  ['UNSUB 1 5\r\nPING\r\n', 'alive'],
  ['sub  foo\t\tq  1 \r\nPING\r\n', 'alive'],
  [`SUB ${a(MAX_CONTROL_LINE - 2)} 1\r\nPING\r\n`, 'alive'],
  [`PUB foo ${MAX_PAYLOAD}\r\n${a(MAX_PAYLOAD)}\r\nPING\r\n`, 'alive'],
  ['PUB\t\tfoo\t1\r\na\r\nPING\r\n', 'alive'],
  ['PUB foo 1\na\r\nPING\r\n', 'alive'],
  ['PUB foo 000000001\r\na\r\nPING\r\n', 'alive'],
  ['HPUB foo 0 0\r\n\r\nPING\r\n', 'alive'],
  ['HPUB foo bar 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPING\r\n', 'alive'],
  // CR inside a line: a separator for SUB/UNSUB arguments, part of the token for PUB.
  ['SUB foo\r1\r\nPING\r\n', 'alive'],
  ['SUB foo 1\r\r\nPING\r\n', 'alive'],
  ['UNSUB 1\r5\r\nPING\r\n', 'alive'],
  ['PUB foo 1\r\r\n', 'silent close'],
  ['PUB foo\r1\r\n', 'silent close'],
  ['PUB foo\r 1\r\na\r\nPING\r\n', 'alive'],
];

/**
 * Sends `input` on a fresh connection once INFO arrived and reads until the server answers PONG
 * or closes. Returns what came after INFO and whether the connection was closed (no PONG).
 */
async function exchange(port: number, input: Buffer): Promise<{ text: string; closed: boolean }> {
  const c = await RawClient.open(port);
  try {
    await c.waitFor('\r\n');
    c.send(input);
    const afterInfo = (): string => c.text().replace(/^INFO [^\n]*\n/, '');
    const pong = (): boolean => /(^|\n)PONG\r\n/.test(afterInfo());
    if (!(await c.until(() => pong() || c.closed, 10_000))) throw new Error(`no PONG and no close; got ${JSON.stringify(afterInfo())}`);
    return { text: afterInfo(), closed: !pong() };
  } finally {
    c.destroy();
  }
}

function serverOutcome(r: { text: string; closed: boolean }): Outcome {
  const m = /^-ERR '([^']*)'\r\n/m.exec(r.text);
  if (m) return { err: m[1]! };
  return r.closed ? 'silent close' : 'alive';
}

function parserOutcome(input: Buffer): Outcome {
  const rec = new ClientRecorder();
  new ClientParser(rec, { maxControlLine: MAX_CONTROL_LINE, maxPayload: MAX_PAYLOAD }).parse(input);
  const err = rec.calls.find((c) => c[0] === 'error');
  if (!err) return 'alive';
  return err[2] ? { err: err[1] as string } : 'silent close';
}

describe('ClientParser against nats-server 2.9 (differential)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startNatsServer({ config: `max_control_line: ${MAX_CONTROL_LINE}\nmax_payload: ${MAX_PAYLOAD}\n` });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each(CASES)('%j', async (input, expected) => {
    const bytes = Buffer.from(input, 'latin1');
    const theirs = serverOutcome(await exchange(server.port, Buffer.concat([Buffer.from(CONNECT), bytes])));
    const ours = parserOutcome(bytes);
    expect({ theirs, ours }).toEqual({ theirs: expected, ours: expected });
  });
});
