import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, stringifyConfig } from '../src/index.js';
import { configObject } from './arbitraries.js';

/** Text made of the format's own punctuation and words, plus arbitrary characters. */
const configish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
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
        '//',
        '\\',
        '$',
        '\n',
        '\r',
        ' ',
        '\t',
        '0',
        '7',
        '.',
        '-',
        'k',
        'kb',
        'e',
        'true',
        'include ',
        'a',
        '$a',
        '2020-01-02T03:04:05Z',
        '\\x',
        '\0',
        '\n)\n',
      ),
      fc.string({ unit: 'binary', maxLength: 3 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

function parsesOrConfigError(text: string): void {
  try {
    parseConfig(text, { env: { a: '1', LOOP: '$LOOP' } });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.column).toBeGreaterThanOrEqual(1);
  }
}

describe('robustness', () => {
  it('never throws anything but ConfigError, and always returns', () => {
    fc.assert(fc.property(configish, parsesOrConfigError), { numRuns: 3000, seed: 1 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), parsesOrConfigError), { numRuns: 1000, seed: 2 });
  });

  it('handles deep nesting and large input without recursion or quadratic time', () => {
    const depth = 20_000;
    expect(() => parseConfig(`a = ${'['.repeat(depth)}`)).toThrow(ConfigError);
    const nested = parseConfig(`a ${'{ b '.repeat(depth)}{}${'}'.repeat(depth)}`);
    let level: unknown = nested.a;
    for (let i = 0; i < depth; i++) level = (level as Record<string, unknown>).b;
    expect(level).toEqual({});

    const lines = Array.from({ length: 50_000 }, (_, i) => `key_${i} = "value ${i}" # comment`).join('\n');
    const big = parseConfig(lines);
    expect(Object.keys(big)).toHaveLength(50_000);
    expect(big.key_49999).toBe('value 49999');
  });
});

describe('stringifyConfig', () => {
  it('round-trips any config object through parseConfig', () => {
    fc.assert(
      fc.property(configObject, (config) => {
        expect(parseConfig(stringifyConfig(config), { env: {} })).toEqual(config);
      }),
      { numRuns: 2000, seed: 3 },
    );
  });

  it('prints a readable nats-server config', () => {
    const text = stringifyConfig({
      port: 4222,
      server_name: 'n1',
      debug: false,
      max_payload: 1048576,
      ratio: 0.5,
      tiny: 1e-7,
      huge: 1e21,
      include: 'not an include',
      'odd key': [1, 'two', true],
      authorization: { users: [{ user: 'a', password: 'p"w' }], empty: {} },
      expires: new Date('2030-01-02T03:04:05Z'),
      skipped: undefined,
    });
    expect(text).toBe(
      [
        'port: 4222',
        'server_name: "n1"',
        'debug: false',
        'max_payload: 1048576',
        'ratio: 0.5',
        'tiny: 0.0000001',
        'huge: 1000000000000000000000.0',
        '"include": "not an include"',
        '"odd key": [ 1, "two", true ]',
        'authorization {',
        '  users: [',
        '    {',
        '      user: "a"',
        '      password: "p\\"w"',
        '    }',
        '  ]',
        '  empty {}',
        '}',
        'expires: 2030-01-02T03:04:05Z',
        '',
      ].join('\n'),
    );
  });

  it('refuses values the format cannot hold', () => {
    expect(() => stringifyConfig({ a: null })).toThrow(TypeError);
    expect(() => stringifyConfig({ a: Number.NaN })).toThrow(TypeError);
    expect(() => stringifyConfig({ a: new Date(1500) })).toThrow(TypeError);
    expect(() => stringifyConfig({ [`a"b'c`]: 1 })).toThrow(TypeError);
    expect(() => stringifyConfig({ a: [undefined] })).toThrow(TypeError);
  });
});
