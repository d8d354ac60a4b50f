/**
 * Differential test: the same configuration files go to parseConfigFile and to the
 * real `nats-server -t -c`. Both must accept or both reject, and on rejection our
 * `reason` must be nats-server's message word for word.
 *
 * nats-server -t also checks what the keys mean; an error that points into a file
 * (`/path/x.conf:3:1: unknown field "v0"`) comes after parsing succeeded, so it counts
 * as "accepted" here. Generated keys are never nats-server options.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfigFile, stringifyConfig } from '../src/index.js';
import { NATS_SERVER_BIN } from '@switchboard/testing';
import { configObject } from './arbitraries.js';

/** Fixed seeds keep CI repeatable; set CONFIG_DIFF_SEED to explore others. */
const SEED = process.env.CONFIG_DIFF_SEED === undefined ? undefined : Number(process.env.CONFIG_DIFF_SEED);
const RUNS = Number(process.env.CONFIG_DIFF_RUNS ?? 1);
const ENV: Record<string, string> = { E1: '42', E2: '"text"', E3: '[ "a", "b" ]', E4: '"open', E5: '' };

/** Our deliberate departures from 2.9 (both follow newer nats-server); compared by neither side. */
const DEVIATION = /unknown size suffix|config is invalid \(/;

type Verdict = { ok: true } | { ok: false; reason: string };

const dir = mkdtempSync(join(tmpdir(), 'sb-config-diff-'));
const main = join(dir, 'main.conf');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function natsServer(): Verdict {
  const run = spawnSync(NATS_SERVER_BIN, ['-t', '-c', main], { env: ENV, encoding: 'utf8', timeout: 10_000 });
  if (run.status === null) throw new Error(`nats-server did not finish: ${run.signal} ${run.stderr}`);
  if (run.status === 0) return { ok: true };
  const text = (run.stderr + run.stdout).replace(/^nats-server: /, '').replace(/\n+$/, '');
  if (/^\/\S*:\d+:\d+: /.test(text)) return { ok: true }; // parsed; rejected for meaning
  return { ok: false, reason: text };
}

function ours(): Verdict {
  try {
    parseConfigFile(main, { env: ENV });
    return { ok: true };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { ok: false, reason: e.reason };
  }
}

const newTally = () => ({ accepted: 0, rejected: 0, deviations: 0 });
let tally = newTally();

function compare(text: string, include?: string): void {
  writeFileSync(main, text);
  if (include !== undefined) writeFileSync(join(dir, 'inc.conf'), include);
  const mine = ours();
  if (!mine.ok && DEVIATION.test(mine.reason)) {
    tally.deviations++;
    return;
  }
  const theirs = natsServer();
  expect({ text, include, verdict: mine }).toEqual({ text, include, verdict: theirs });
  tally[mine.ok ? 'accepted' : 'rejected']++;
  if (process.env.DIFF_DEBUG && !mine.ok) console.log(mine.reason);
}

// ---- generators --------------------------------------------------------------

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
/** Mostly the first (valid) choices, sometimes the second (often invalid) ones. */
const mostly = <T>(good: fc.Arbitrary<T>, risky: fc.Arbitrary<T>) => fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: risky });

const quoted = fc
  .array(
    mostly(
      pick('a', 'B', ' ', 'é', '$x', '#', '{', '}', '[', ']', ',', ';', '=', ':', "'", '\\t', '\\n', '\\"', '\\\\', '\\x41', '\\xc3\\xa9', '\n'),
      pick('\\q', '\\x4', '\\xZZ', '\\'),
    ),
    { maxLength: 5 },
  )
  .map((p) => `"${p.join('')}"`);
const singleQuoted = fc.array(pick('a', ' ', '"', '\\t', '{', '$x', '\n'), { maxLength: 4 }).map((p) => `'${p.join('')}'`);
const bare = mostly(
  pick('abc', 'hello-world', 'nats://h:4222', '127.0.0.1:4222', '1.2.3.4', '2s', '1h30m', 'a$b', '$2a$11$abc', 'é', '/path', 'x"y'),
  pick('x]y', 'a\\tb', "x'y", 'a\\qb'),
);
const integer = fc
  .tuple(
    pick('', '-'),
    mostly(pick('0', '7', '42', '4222', '9223372036854775807'), pick('9223372036854775808', '99999999999999999999')),
    mostly(pick('', '', 'k', 'K', 'kb', 'KB', 'Ki', 'kib', 'm', 'MB', 'g', 'GiB', 't', 'tb', 'p', 'P', 'e', 'EB'), pick('x', 'kbb', 'e5')),
  )
  .map(([s, d, u]) => s + d + u);
const float = mostly(pick('1.5', '-0.25', '3.14159', '0.0', '10.01'), pick('1.', '.5', '-.5', '1..2', '1.2.3', '1.5k', '10.0e'));
const bool = pick('true', 'FALSE', 'yes', 'No', 'on', 'off', 'True');
const date = mostly(
  pick('2020-01-02T03:04:05Z', '2024-02-29T00:00:00Z', '1999-12-31T23:59:59Z'),
  pick('2020-13-02T03:04:05Z', '2023-02-29T00:00:00Z', '2020-01-02', '12-01', '2020-01-02T03:04:05', '2020-01-02T24:00:00Z'),
);
const variable = mostly(pick('$v0', '$v1', '$v2', '$E1', '$E2', '$E3', '$E5'), pick('$E4', '$NOPE', '$'));
const block = mostly(pick('(\nline one\n  (x)\n)', '(\n)'), pick('(\nnot closed )', '()'));

const scalar = fc.oneof(quoted, singleQuoted, bare, integer, float, bool, date, variable, block);
const key = mostly(pick('v0', 'v1', 'v2', 'v3', '"q k"', "'s k'", 'k-1', 'K_2', '"v1"'), pick('v0 ', 'a b', '"open'));
const sep = mostly(pick(' = ', '=', ': ', ':', ' ', '\t', ' ='), pick('==', ' : = '));
const term = mostly(pick('\n', '\n', ';\n', ', ', '\r\n', ' # comment\n', ' // comment\n', ' / \n'), pick('', ' x\n'));

const { value } = fc.letrec<{ value: string; array: string; map: string }>((tie) => ({
  value: fc.oneof({ maxDepth: 3, depthIdentifier: 'v' }, scalar, scalar, tie('array'), tie('map')),
  array: fc
    .tuple(fc.array(tie('value'), { maxLength: 3 }), mostly(pick(', ', ' , ', '\n'), pick(',', ' ')), mostly(pick(' ]', '\n]', ', ]'), pick(']', '')))
    .map(([xs, s, close]) => `[${xs.join(s)}${close}`),
  map: fc
    .tuple(
      fc.array(fc.tuple(key, sep, tie('value')), { maxLength: 3 }),
      mostly(pick(', ', '\n', '; '), pick(' ', ',,')),
      mostly(pick(' }', '\n}', '}'), pick('', ']')),
    )
    .map(([es, s, close]) => `{${es.map(([k, p, v]) => k + p + v).join(s)}${close}`),
}));

const entryLine = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(key, sep, value, term).map(([k, s, v, t]) => k + s + v + t) },
  { weight: 1, arbitrary: pick('# just a comment\n', '// another\n', '\n', '   \n') },
);
const includeLine = pick('include "inc.conf"\n', 'include inc.conf\n', "include 'inc.conf'\n", 'include missing.conf\n', 'include\n', 'include [x]\n');
const configText = fc
  .array(fc.oneof({ weight: 7, arbitrary: entryLine }, { weight: 1, arbitrary: includeLine }), { minLength: 1, maxLength: 4 })
  .map((ls) => ls.join(''));
/** No includes in the included file: nats-server 2.9 has no cycle check and would overflow its stack. */
const includedText = fc.array(entryLine, { minLength: 1, maxLength: 3 }).map((ls) => ls.join(''));

const noise = fc
  .array(
    pick(
      '{',
      '}',
      '[',
      ']',
      '(',
      ')',
      '"',
      "'",
      '=',
      ':',
      ';',
      ',',
      '#',
      '/',
      '//',
      '\\',
      '$',
      '\n',
      '\r',
      ' ',
      '\t',
      '0',
      '1',
      '9',
      '.',
      '-',
      'k',
      'b',
      'i',
      'a',
      'x',
      'e',
      'T',
      'Z',
      'include ',
      'true',
      '\0',
      'é',
      'v0',
      'E1',
      '2020-01-02T03:04:05Z',
      '\\x4',
      '\\xc3',
      '\u00a0',
      '\v',
      '\f',
      '\u2028',
      '\u0663',
      '\u{1F600}',
    ),
    { maxLength: 30 },
  )
  .map((p) => p.join(''));

// ---- tests ---------------------------------------------------------------------

describe('differential against nats-server -t', () => {
  it('agrees on hand-picked configs', () => {
    const cases = [
      'port: 4222\n',
      'v0 = [1]\n',
      'v0 = [1, 2 ]\n',
      'v0 = "unterminated\n',
      'v0 { a = 1\n',
      'v0 = $NOPE\n',
      'v0 = 1\nv1 = $v0\n',
      'v0 { v1 = 2, v2 = $v1 }\n',
      'v0 = $E4\n',
      'v0 = 1.2.3.4:4222\n',
      'v0 = 2020-01-02T03:04:05Z\n',
      'v0 = (\nblock\n)\n',
      'v0 = "\\xZZ"\n',
      '{ "v0": 1, "v1": [ "a" ] }\n',
      'v0 = 1 }\n',
      'include "missing.conf"\n',
      'v0 = 9223372036854775808\n',
      'v0 a b\n',
      '= 1\n',
      'v0 { : }\n',
      'v0 = [ , ]\n',
      'v0 = { , }\n',
      'v0 = a\0b\n',
    ];
    for (const text of cases) compare(text);
    compare('include inc.conf\nv9 = 1\n', 'v1 = "from include"\n');
    compare('v0 { include inc.conf }\n', 'v1 = [ "x" ]\n');
    compare('include inc.conf\n', 'v1 = [1]\n');
  });

  it(
    'agrees on generated configs, valid and invalid',
    () => {
      tally = newTally();
      fc.assert(
        fc.property(configText, fc.option(includedText, { nil: undefined }), (text, include) => compare(text, include ?? 'v3 = 1\n')),
        { numRuns: 200 * RUNS, seed: SEED ?? 4222 },
      );
      // Guards the generator: a differential test that only ever sees errors proves little.
      expect(tally.accepted).toBeGreaterThan(40);
      expect(tally.rejected).toBeGreaterThan(60);
      expect(tally.deviations).toBeLessThan(30 * RUNS);
    },
    120_000 * RUNS,
  );

  it(
    'accepts what stringifyConfig prints',
    () => {
      tally = newTally();
      fc.assert(
        fc.property(configObject, (config) => {
          compare(stringifyConfig(config));
          expect(tally.rejected).toBe(0);
        }),
        { numRuns: 80 * RUNS, seed: SEED ?? 6222 },
      );
    },
    120_000 * RUNS,
  );

  it(
    'agrees on random text',
    () => {
      tally = newTally();
      fc.assert(
        fc.property(noise, (text) => compare(text)),
        { numRuns: 300 * RUNS, seed: SEED ?? 8222 },
      );
      // Random text often ends in a bare word: a key without value, one of the deviations.
      expect(tally.accepted + tally.rejected).toBeGreaterThan(100);
      expect(tally.accepted).toBeGreaterThan(15);
    },
    120_000 * RUNS,
  );
});
