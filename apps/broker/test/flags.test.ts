import { describe, expect, it } from 'vitest';
import { FlagError, parseFlags } from '../src/flags.js';

describe('parseFlags (Go flag syntax, nats-server names)', () => {
  it('reads values as -x v, --x v and -x=v', () => {
    expect(parseFlags(['-a', '127.0.0.1', '--port', '4333', '-m=8333']).options).toEqual({ host: '127.0.0.1', port: 4333, httpPort: 8333 });
    expect(parseFlags(['--addr=::1', '--net', '0.0.0.0']).options.host).toBe('0.0.0.0');
    expect(parseFlags(['-n', 'edge-1']).options.serverName).toBe('edge-1');
    expect(parseFlags(['--server_name', 'edge-2']).options.serverName).toBe('edge-2');
  });

  it('reads booleans as -x and -x=false, and the -DV/-DVV combinations', () => {
    expect(parseFlags(['-D', '-T=false']).options).toEqual({ debug: true, logtime: false });
    expect(parseFlags(['-DV']).options).toEqual({ debug: true, trace: true });
    expect(parseFlags(['-DVV']).options).toEqual({ debug: true, trace: true });
    expect(parseFlags(['-VV']).options).toEqual({ trace: true });
  });

  it('reads auth, log and config flags', () => {
    const f = parseFlags(['--user', 'u', '--pass', 'p', '--auth', 't', '-l', '/tmp/x.log', '-c', 'a.conf', '-t']);
    expect(f.options).toEqual({ username: 'u', password: 'p', authorization: 't', logFile: '/tmp/x.log' });
    expect(f.configFile).toBe('a.conf');
    expect(f.testConfig).toBe(true);
  });

  it('rejects what nats-server rejects, with its words', () => {
    expect(() => parseFlags(['--bogus'])).toThrow(new FlagError('flag provided but not defined: -bogus'));
    expect(() => parseFlags(['-p'])).toThrow('flag needs an argument: -p');
    expect(() => parseFlags(['-p', 'x'])).toThrow('invalid value "x" for flag -p: parse error');
    expect(() => parseFlags(['-D=maybe'])).toThrow(/invalid boolean value/);
    expect(() => parseFlags(['stray'])).toThrow('unexpected argument: stray');
  });
});
