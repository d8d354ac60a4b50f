import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseConfigFile, positionOf } from '../src/index.js';

const parse = (text: string, env: Record<string, string> = {}) => parseConfig(text, { filename: 'nats.conf', env });

function errorOf(text: string, env: Record<string, string> = {}): ConfigError {
  try {
    parse(text, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('keys and separators', () => {
  it('accepts =, : and whitespace between key and value, and keeps key case', () => {
    expect(parse('Port = 4222\nhost: "a"\nServer_Name   srv\nx=1;y=2, z=3')).toEqual({
      Port: 4222,
      host: 'a',
      Server_Name: 'srv',
      x: 1,
      y: 2,
      z: 3,
    });
  });

  it('reads quoted keys literally', () => {
    expect(parse('"a b": 1\n\'c:d\' = 2')).toEqual({ 'a b': 1, 'c:d': 2 });
  });

  it('lets a later key win', () => {
    expect(parse('a = 1\na = 2')).toEqual({ a: 2 });
  });

  it('accepts JSON-like input', () => {
    expect(parse('{ "port": 4222, "debug": true }')).toEqual({ port: 4222, debug: true });
  });

  it('stores __proto__ as a plain key', () => {
    const cfg = parse('__proto__ { polluted: true }');
    expect(Object.getPrototypeOf(cfg)).toBe(Object.prototype);
    expect(Object.keys(cfg)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('comments', () => {
  it('skips # and // comments everywhere', () => {
    const text = [
      '# top',
      '// also top',
      'a = 1 # after a value',
      'b = 2 // after a value',
      'm { # in a map',
      '  c = 3 // in a map',
      '}',
      'arr = [ # in an array',
      '  4 // after an element',
      '  5',
      ']',
    ].join('\n');
    expect(parse(text)).toEqual({ a: 1, b: 2, m: { c: 3 }, arr: [4, 5] });
  });
});

describe('maps and arrays', () => {
  it('nests maps with or without separators', () => {
    expect(parse('a { b: { c = 1, d = "x" } }\ne = { }')).toEqual({ a: { b: { c: 1, d: 'x' } }, e: {} });
  });

  it('separates array elements with commas or new lines', () => {
    expect(parse('a = [ "x", "y" ]\nb = [\n  1\n  2\n]\nc = [ {u: x}, [ "n" ] ]\nd = []')).toEqual({
      a: ['x', 'y'],
      b: [1, 2],
      c: [{ u: 'x' }, ['n']],
      d: [],
    });
  });

  it('rejects an integer touching "]", as nats-server 2.9 does', () => {
    expect(errorOf('a = [1]').reason).toBe(`Parse error on line 1: 'Expected an array value terminator "," or an array terminator "]", but got '\0' instead.'`);
  });

  it('reports unclosed maps', () => {
    const err = errorOf('a {\n  b = 1\n');
    expect(err.reason).toBe(`Parse error on line 3: 'Unexpected EOF processing map.'`);
    expect(err.line).toBe(3);
  });
});

describe('strings', () => {
  it('reads double-quoted escapes, including \\x bytes as UTF-8', () => {
    expect(parse('a = "t\\tn\\nr\\rq\\"b\\\\ \\x41\\xc3\\xa9"')).toEqual({ a: 't\tn\nr\rq"b\\ Aé' });
  });

  it('keeps single-quoted strings raw', () => {
    expect(parse("a = 'no \\t escape'")).toEqual({ a: 'no \\t escape' });
  });

  it('reads unquoted text up to whitespace, and IP-like values as text', () => {
    expect(parse('a = hello-world\nb = 127.0.0.1:4222\nc = nats://h:4222\nd = 2s\ne = 10ab')).toEqual({
      a: 'hello-world',
      b: '127.0.0.1:4222',
      c: 'nats://h:4222',
      d: '2s',
      e: '10ab',
    });
  });

  it("rejects unknown escapes with nats-server's message", () => {
    expect(errorOf('a = "\\q"').message).toBe(
      `nats.conf:1:7: Invalid escape character 'q'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\", \\\\.`,
    );
  });

  it('reports an unterminated string with file, line and column', () => {
    const err = errorOf('port = 4222\nname = "abc\n');
    expect(err.file).toBe('nats.conf');
    expect(err.line).toBe(3);
    expect(err.reason).toBe(`Parse error on line 3: 'Unexpected EOF.'`);
    expect(err.message).toBe('nats.conf:3:1: Unexpected EOF.');
  });

  it('reads (( )) blocks up to a ")" alone on its line', () => {
    expect(parse('b = (\nline one\n  (x)\n)\nc = 1')).toEqual({ b: '\nline one\n  (x)\n', c: 1 });
    expect(errorOf('b = (\nnever closed ) \n').reason).toBe(`Parse error on line 3: 'Unexpected EOF processing block.'`);
  });
});

describe('numbers', () => {
  it('reads integers, negatives and floats', () => {
    expect(parse('a = 42\nb = -7\nc = 1.5\nd = -0.25\ne = 007')).toEqual({ a: 42, b: -7, c: 1.5, d: -0.25, e: 7 });
  });

  it('applies size suffixes: one letter is decimal, with b/i/ib binary, any case', () => {
    expect(parse('k=1k\nK=1K\nkb=1kb\nKB=1KB\nki=1Ki\nkib=1KiB\nm=2m\nmb=2MB\ng=1g\ngb=1GiB\nt=1t\ntb=1tb\np=1p\npb=1PB\ne=1e\neb=1eb\nn=-2kb')).toEqual({
      k: 1000,
      K: 1000,
      kb: 1024,
      KB: 1024,
      ki: 1024,
      kib: 1024,
      m: 2_000_000,
      mb: 2 * 1024 ** 2,
      g: 1e9,
      gb: 1024 ** 3,
      t: 1e12,
      tb: 1024 ** 4,
      p: 1e15,
      pb: 1024 ** 5,
      e: 1e18,
      eb: 1024 ** 6,
      n: -2048,
    });
  });

  it('rejects an unknown size suffix instead of dropping the value', () => {
    expect(errorOf('a = 1kbb').message).toBe(`nats.conf:1:5: integer '1kbb' has an unknown size suffix`);
  });

  it('rejects integers beyond int64 and floats beyond float64', () => {
    expect(errorOf('a = 9223372036854775808').reason).toBe(`integer '9223372036854775808' is out of the range`);
    expect(parse('a = -9223372036854775808')).toEqual({ a: -9223372036854775808 });
    expect(errorOf(`a = 1${'0'.repeat(400)}.0`).reason).toMatch(/^float '10+\.0' is out of the range$/);
  });

  it('rejects a float that starts with "."', () => {
    expect(errorOf('a = .5').reason).toBe(`Parse error on line 1: 'Floats must start with a digit'`);
  });
});

describe('booleans and dates', () => {
  it('reads true/false/yes/no/on/off in any case', () => {
    expect(parse('a=true\nb=FALSE\nc=yes\nd=No\ne=on\nf=OFF\ng="true"')).toEqual({
      a: true,
      b: false,
      c: true,
      d: false,
      e: true,
      f: false,
      g: 'true',
    });
  });

  it('reads Zulu datetimes as Date', () => {
    expect(parse('d = 2024-02-29T23:59:59Z')).toEqual({ d: new Date('2024-02-29T23:59:59Z') });
    expect(errorOf('d = 2023-02-29T00:00:00Z').reason).toBe(`expected Zulu formatted DateTime, but got '2023-02-29T00:00:00Z'`);
    expect(errorOf('d = 2023-01-01').reason).toBe(`Parse error on line 1: 'Expected 'T' in ISO8601 datetime, but found '\0' instead.'`);
    expect(errorOf('d = 12-01').reason).toBe(`Parse error on line 1: 'All ISO8601 dates must be in full Zulu form.'`);
  });
});

describe('variables', () => {
  it('resolves from the enclosing maps, innermost first', () => {
    expect(parse('x = 1\ny = $x\nm { x = 2, z = $x }\nw = [ $x ]')).toEqual({ x: 1, y: 1, m: { x: 2, z: 2 }, w: [1] });
  });

  it('falls back to the environment and reads its value in the format', () => {
    expect(parse('a = $PORT\nb = $NAME\nc = $LIST', { PORT: '4222', NAME: '"srv one"', LIST: '[ "a", "b" ]' })).toEqual({
      a: 4222,
      b: 'srv one',
      c: ['a', 'b'],
    });
  });

  it('reports an undefined variable as nats-server does', () => {
    const err = errorOf('a = 1\nb = $NOPE');
    expect(err.reason).toBe(`variable reference for 'NOPE' on line 2 can not be found`);
    expect([err.line, err.column]).toEqual([2, 5]);
  });

  it('reports an environment value that does not parse', () => {
    expect(errorOf('a = $BAD', { BAD: '"open' }).reason).toBe(
      `variable reference for 'BAD' on line 1 could not be parsed: Parse error on line 1: 'Unexpected EOF.'`,
    );
    expect(errorOf('a = $BAD', { BAD: 'two words' }).reason).toMatch(/could not be parsed: .*but got 'w' instead/);
  });

  it('stops an environment variable that refers to itself', () => {
    expect(errorOf('a = $LOOP', { LOOP: '$LOOP' }).reason).toMatch(/variable reference cycle for 'LOOP'$/);
  });

  it('keeps unquoted bcrypt hashes as text', () => {
    expect(parse('pass = $2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG')).toEqual({
      pass: '$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG',
    });
  });

  it('uses process.env when no env is given', () => {
    process.env.SWITCHBOARD_CONFIG_TEST = '7';
    try {
      expect(parseConfig('a = $SWITCHBOARD_CONFIG_TEST')).toEqual({ a: 7 });
    } finally {
      delete process.env.SWITCHBOARD_CONFIG_TEST;
    }
  });
});

describe('positions', () => {
  it('tells where each key was written', () => {
    const cfg = parse('port = 4222\nauthorization {\n  users = [ { user: a } ]\n    timeout: "2s"\n}');
    expect(positionOf(cfg, 'port')).toEqual({ file: 'nats.conf', line: 1, column: 1 });
    expect(positionOf(cfg, 'authorization')).toEqual({ file: 'nats.conf', line: 2, column: 1 });
    const auth = cfg.authorization as Record<string, unknown>;
    expect(positionOf(auth, 'timeout')).toEqual({ file: 'nats.conf', line: 4, column: 5 });
    const user = (auth.users as Record<string, unknown>[])[0]!;
    expect(positionOf(user, 'user')).toEqual({ file: 'nats.conf', line: 3, column: 15 });
    expect(positionOf(cfg, 'missing')).toBeUndefined();
  });
});

describe('include', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'auth.conf'), 'user = "u"\npass = $P\n');
  writeFileSync(join(dir, 'sub', 'uses-parent.conf'), 'x = $PARENT_ONLY\n');
  writeFileSync(join(dir, 'sub', 'nested.conf'), 'include ./auth.conf\nextra = 1\n');
  writeFileSync(join(dir, 'loop.conf'), 'include loop.conf\n');
  writeFileSync(join(dir, 'broken.conf'), 'a = [\n');

  it('merges an included file, relative to the including file, at top level or in a map', () => {
    writeFileSync(join(dir, 'main.conf'), 'port = 4222\nauthorization {\n  include "sub/nested.conf"\n}\n');
    const cfg = parseConfigFile(join(dir, 'main.conf'), { env: { P: '"secret"' } });
    expect(cfg).toEqual({ port: 4222, authorization: { user: 'u', pass: 'secret', extra: 1 } });
    // Included keys point into the file that holds them.
    expect(positionOf(cfg.authorization as object, 'pass')).toEqual({ file: join(dir, 'sub', 'auth.conf'), line: 2, column: 1 });
    expect(positionOf(cfg.authorization as object, 'extra')).toEqual({ file: join(dir, 'sub', 'nested.conf'), line: 2, column: 1 });
  });

  it("does not show the including file's variables to the included file (as nats-server)", () => {
    writeFileSync(join(dir, 'parent.conf'), 'PARENT_ONLY = 1\ninclude sub/uses-parent.conf\n');
    expect(() => parseConfigFile(join(dir, 'parent.conf'), { env: {} })).toThrow("variable reference for 'PARENT_ONLY' on line 1 can not be found");
  });

  it('reports a missing include at the include line', () => {
    const main = join(dir, 'missing.conf');
    writeFileSync(main, 'a = 1\ninclude nothere.conf\n');
    expect(() => parseConfigFile(main)).toThrow(ConfigError);
    try {
      parseConfigFile(main);
    } catch (e) {
      const err = e as ConfigError;
      expect([err.file, err.line]).toEqual([main, 2]);
      expect(err.reason).toBe(`error parsing include file 'nothere.conf', open ${join(dir, 'nothere.conf')}: no such file or directory`);
    }
  });

  it("wraps an included file's own error", () => {
    const main = join(dir, 'inc-broken.conf');
    writeFileSync(main, 'include broken.conf\n');
    expect(() => parseConfigFile(main)).toThrow(
      `inc-broken.conf:1:9: error parsing include file 'broken.conf', ${join(dir, 'broken.conf')}:2:1: Expected an array value terminator`,
    );
  });

  it('stops include cycles', () => {
    expect(() => parseConfigFile(join(dir, 'loop.conf'))).toThrow(/include cycle/);
  });

  it('treats "include:" as an ordinary key', () => {
    expect(parse('include: "x.conf"')).toEqual({ include: 'x.conf' });
  });
});

describe('edge cases kept from nats-server', () => {
  it('rejects a key with no value at the end (as nats-server 2.10+ does)', () => {
    expect(errorOf('port = 4222\nauthorization').reason).toMatch(/^config is invalid/);
    expect(parse('{ a: 1\n}')).toEqual({ a: 1 });
  });

  it('reads a file that does not exist as a ConfigError', () => {
    expect(() => parseConfigFile('/nonexistent/nats.conf')).toThrow('open /nonexistent/nats.conf: no such file or directory');
  });
});
