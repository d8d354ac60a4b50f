import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseDuration, parseSize } from '../src/index.js';

describe('parseDuration', () => {
  it('reads Go duration strings as milliseconds', () => {
    const cases: [string, number][] = [
      ['2s', 2000],
      ['500ms', 500],
      ['1h30m', 5_400_000],
      ['1.5h', 5_400_000],
      ['-1m', -60_000],
      ['+5s', 5000],
      ['0', 0],
      ['0s', 0],
      ['1us', 0.001],
      ['1\u00b5s', 0.001],
      ['1\u03bcs', 0.001],
      ['1500ns', 0.0015],
      ['.5s', 500],
      ['5.s', 5000],
      ['1h1m1s1ms', 3_661_001],
      ['2562047h', 2562047 * 3_600_000],
    ];
    for (const [text, ms] of cases) expect([text, parseDuration(text)]).toEqual([text, ms]);
  });

  it('reads numbers as seconds, as nats-server does for old configs', () => {
    expect(parseDuration(5)).toBe(5000);
    expect(parseDuration(-1)).toBe(-1000);
    expect(parseDuration(2n)).toBe(2000);
  });

  it("rejects what Go rejects, with Go's message", () => {
    const cases: [unknown, string][] = [
      ['', 'time: invalid duration ""'],
      ['1', 'time: missing unit in duration "1"'],
      ['s', 'time: invalid duration "s"'],
      ['1x', 'time: unknown unit "x" in duration "1x"'],
      ['1S', 'time: unknown unit "S" in duration "1S"'],
      ['.s', 'time: invalid duration ".s"'],
      ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
      ['2562048h', 'time: invalid duration "2562048h"'],
      [1.5, 'duration in seconds must be an integer, got 1.5'],
      [true, 'duration must be a string such as "2s" or a number of seconds'],
    ];
    for (const [value, message] of cases) {
      expect(() => parseDuration(value)).toThrow(ConfigError);
      expect(() => parseDuration(value)).toThrow(message);
    }
    // eslint-disable-next-line no-loss-of-precision -- the exact decimal reads better; the test compares against its nearest float64
    expect(parseDuration('-9223372036854775808ns')).toBe(-9223372036854.775808);
  });

  it('takes a duration from a parsed config unchanged', () => {
    expect(parseDuration(parseConfig('ping_interval: "2m"').ping_interval)).toBe(120_000);
    expect(parseDuration(parseConfig('ping_interval: 2s').ping_interval)).toBe(2000);
    // nats-server's own trap: unquoted 2m is the number 2 million (mega), read as seconds.
    expect(parseDuration(parseConfig('ping_interval: 2m').ping_interval)).toBe(2_000_000_000);
  });

  it('takes days only when asked (the API does, nats-server config does not)', () => {
    expect(parseDuration('7d', { days: true })).toBe(7 * 86_400_000);
    expect(parseDuration('1d12h', { days: true })).toBe(36 * 3_600_000);
    expect(() => parseDuration('7d')).toThrow('time: unknown unit "d" in duration "7d"');
  });
});

describe('parseSize', () => {
  it('keeps numbers (suffixes were applied by the parser)', () => {
    const cfg = parseConfig('a = 1G\nb = 1GB\nc = 512');
    expect([parseSize(cfg.a), parseSize(cfg.b), parseSize(cfg.c)]).toEqual([1e9, 1024 ** 3, 512]);
  });

  it("reads strings ending in K, M, G, T as powers of 1024, like nats-server's JetStream sizes", () => {
    expect(['1K', '2M', '3G', '1T', '-1G', ''].map(parseSize)).toEqual([1024, 2 * 1024 ** 2, 3 * 1024 ** 3, 1024 ** 4, -(1024 ** 3), 0]);
  });

  it('rejects what nats-server rejects', () => {
    expect(() => parseSize('1k')).toThrow('sizes defined as strings must end in K, M, G, T');
    expect(() => parseSize('1KB')).toThrow('strconv.ParseInt: parsing "1K": invalid syntax');
    expect(() => parseSize('G')).toThrow('strconv.ParseInt: parsing "": invalid syntax');
    expect(() => parseSize(1.5)).toThrow(ConfigError);
    expect(() => parseSize(true)).toThrow(ConfigError);
  });
});
