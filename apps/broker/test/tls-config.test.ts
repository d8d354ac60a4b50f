// The tls block, https_port and the --tls* flags: what they set, and bad input refused with
// nats-server's words (checked against `nats-server -t` on the same file).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseConfigFile } from '@switchboard/config';
import { optionsFromConfig } from '@switchboard/server';
import { FlagError, parseFlags } from '../src/flags.js';
import { type CertSet, makeCerts, NATS_SERVER_BIN } from '@switchboard/testing';

let certs: CertSet;
beforeAll(() => {
  certs = makeCerts();
});
afterAll(() => certs.remove());

const files = () => `cert_file: "${certs.serverCert}", key_file: "${certs.serverKey}"`;

describe('tls config block', () => {
  it('maps cert, key, CA, verify and the timeout (seconds or a duration)', () => {
    const o = optionsFromConfig(parseConfig(`tls { ${files()}, ca_file: "${certs.ca}", verify: true, timeout: 0.5 }`)).options;
    expect(o.tls).toEqual({ certFile: certs.serverCert, keyFile: certs.serverKey, caFile: certs.ca, verify: true, map: false, timeout: 500 });
    expect(optionsFromConfig(parseConfig(`tls { ${files()}, timeout: "1500ms" }`)).options.tls!.timeout).toBe(1500);
  });

  it('verify_and_map turns on verification and mapping', () => {
    const o = optionsFromConfig(parseConfig(`tls { ${files()}, ca_file: "${certs.ca}", verify_and_map: true }`)).options;
    expect(o.tls).toMatchObject({ verify: true, map: true });
  });

  it('auth timeout defaults to the TLS timeout + 1 s, unless configured', () => {
    expect(optionsFromConfig(parseConfig(`tls { ${files()}, timeout: 2 }`)).options.authTimeout).toBe(3000);
    expect(optionsFromConfig(parseConfig(`tls { ${files()} }\nauthorization { timeout: 5 }`)).options.authTimeout).toBe(5000);
    expect(optionsFromConfig(parseConfig('port: 4222')).options.authTimeout).toBe(2000);
  });

  it('allow_non_tls (top level) lets plain-text clients in too', () => {
    expect(optionsFromConfig(parseConfig(`allow_non_tls: true\ntls { ${files()} }`)).options.tls!.allowNonTls).toBe(true);
    expect(optionsFromConfig(parseConfig(`tls { ${files()} }`)).options.tls!.allowNonTls).toBeUndefined();
    expect(() => optionsFromConfig(parseConfig('allow_non_tls: "yes"'))).toThrow(ConfigError);
  });

  it('https_port and https (host:port) set the HTTPS monitoring listener', () => {
    expect(optionsFromConfig(parseConfig(`https_port: 8443\ntls { ${files()} }`)).options.httpsPort).toBe(8443);
    const o = optionsFromConfig(parseConfig(`https: "127.0.0.1:9443"\ntls { ${files()} }`)).options;
    expect([o.httpHost, o.httpsPort]).toEqual(['127.0.0.1', 9443]);
  });

  const bad: [string, () => string][] = [
    ['missing key_file', () => `tls { cert_file: "${certs.serverCert}" }`],
    ['unknown field', () => `tls {\n  ${files()}\n  bogus: 1\n}`],
    ['verify not a boolean', () => `tls {\n  ${files()}\n  verify: "yes"\n}`],
    ['bad timeout', () => `tls {\n  ${files()}\n  timeout: "abc"\n}`],
    ['missing certificate file', () => `tls { cert_file: "${join(certs.dir, 'nope.pem')}", key_file: "${certs.serverKey}" }`],
    ['missing CA file', () => `tls { ${files()}, ca_file: "${join(certs.dir, 'nope.pem')}" }`],
    ['CA file that is no certificate', () => `tls { ${files()}, ca_file: "${certs.serverKey}" }`],
  ];
  for (const [name, conf] of bad) {
    it(`refuses ${name} as nats-server -t does`, () => {
      const file = join(certs.dir, 'bad.conf');
      writeFileSync(file, conf());
      let theirs = '';
      try {
        execFileSync(NATS_SERVER_BIN, ['-t', '-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (err) {
        theirs = String((err as { stderr: Buffer }).stderr);
      }
      // "nats-server: <file>:<line>:<col>: <reason>": compare the reason and the line.
      const m = /:(\d+):\d+: (.*)/.exec(theirs.trim());
      expect(m, theirs).not.toBeNull();
      let ours: ConfigError | null = null;
      try {
        optionsFromConfig(parseConfigFile(file));
      } catch (err) {
        ours = err as ConfigError;
      }
      expect(ours).toBeInstanceOf(ConfigError);
      expect(ours!.reason).toBe(m![2]);
      expect(ours!.line).toBe(Number(m![1]));
    });
  }
});

describe('--tls* flags (nats-server overrideTLS)', () => {
  it('--tlscert/--tlskey/--tlscacert/--tlsverify build the tls options', () => {
    const f = parseFlags(['--tlscert', 'c.pem', '--tlskey', 'k.pem', '--tlscacert', 'ca.pem', '--tlsverify']);
    expect(f.options.tls).toEqual({ certFile: 'c.pem', keyFile: 'k.pem', caFile: 'ca.pem', verify: true, map: false, timeout: 2000 });
    expect(parseFlags(['--tls', '--tlscert=c.pem', '--tlskey=k.pem']).options.tls).toMatchObject({ verify: false, caFile: '' });
  });

  it('--tls=false turns TLS off whatever else is given; no tls flag leaves the config alone', () => {
    expect(parseFlags(['--tlscert', 'c.pem', '--tls=false']).options.tls).toBeNull();
    expect(parseFlags(['--tls=false', '--tlsverify']).options.tls).toBeNull();
    expect('tls' in parseFlags(['-p', '4222']).options).toBe(false);
  });

  it('requires certificate and key, with nats-server words', () => {
    expect(() => parseFlags(['--tls'])).toThrow(new FlagError('TLS Server certificate must be present and valid'));
    expect(() => parseFlags(['--tlscert', 'c.pem'])).toThrow('TLS Server private key must be present and valid');
  });

  it('--https_port / -ms set the HTTPS monitoring port', () => {
    expect(parseFlags(['--https_port', '8443']).options.httpsPort).toBe(8443);
    expect(parseFlags(['-ms', '-1']).options.httpsPort).toBe(-1);
  });
});
