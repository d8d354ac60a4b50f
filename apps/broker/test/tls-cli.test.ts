// The broker process with --tls* flags: serves TLS clients, and refuses bad TLS flags the way
// nats-server does (its message, exit code 1, no stack trace).
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, clientKinds, take, text } from './helpers.js';
import { type CertSet, freePort, makeCerts, REPO_ROOT, TSX_NODE_ARGS, waitFor } from '@switchboard/testing';

const root = REPO_ROOT;
const NODE_ARGS = [...TSX_NODE_ARGS, join(root, 'apps/broker/src/main.ts')];

let certs: CertSet;
beforeAll(() => {
  certs = makeCerts();
});
afterAll(() => certs.remove());

function run(args: string[]) {
  return spawnSync(process.execPath, [...NODE_ARGS, ...args], { cwd: root, encoding: 'utf8', timeout: 20_000 });
}

describe('broker --tls* flags', () => {
  it('refuses --tls without a certificate, with nats-server words', () => {
    const r = run(['--tls']);
    expect(r.stderr).toContain('TLS Server certificate must be present and valid');
    expect(r.status).not.toBe(0);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses an unreadable certificate file with exit code 1', () => {
    const r = run(['--tlscert', join(certs.dir, 'nope.pem'), '--tlskey', certs.serverKey, '-t']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`broker: error parsing X509 certificate/key pair: open ${join(certs.dir, 'nope.pem')}: no such file or directory`);
  });

  it('serves TLS clients with --tlsverify and logs that TLS is required', async () => {
    const port = await freePort();
    const args = ['-a', '127.0.0.1', '-p', String(port), '--tlscert', certs.serverCert, '--tlskey', certs.serverKey, '--tlscacert', certs.ca, '--tlsverify'];
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exit = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
    try {
      await waitFor(() => log.includes('Server is ready'), 20_000, 'broker ready');
      expect(log).toContain('TLS required for client connections');
      const nc = await clientKinds[1]!.connect({ servers: `127.0.0.1:${port}`, tls: { caFile: certs.ca, certFile: certs.aliceCert, keyFile: certs.aliceKey } });
      const sub = nc.subscribe('cli.tls');
      const got = take(sub, 1);
      nc.publish('cli.tls', bytes('over tls'));
      expect(text((await got)[0]!.data)).toBe('over tls');
      await nc.close();
      await expect(clientKinds[0]!.connect({ servers: `127.0.0.1:${port}`, tls: { caFile: certs.ca }, reconnect: false })).rejects.toThrow();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exit).toBe(0);
  });
});
