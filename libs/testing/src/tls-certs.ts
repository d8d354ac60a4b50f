// TLS certificates made at test time with the machine's openssl: a CA, a server certificate for
// 127.0.0.1/localhost, client certificates (one with an email SAN, one with a subject only),
// and a client certificate from a CA the servers do not trust.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertSet {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  /** Subject O=Acme/OU=dev/CN=alice, SAN email:alice@example.com. */
  aliceCert: string;
  aliceKey: string;
  /** Subject O=Acme/OU=ops/CN=bob, no SAN. */
  bobCert: string;
  bobKey: string;
  /** Signed by the trusted CA, but maps to no configured user. */
  carolCert: string;
  carolKey: string;
  /** Self-consistent, signed by another CA. */
  rogueCert: string;
  rogueKey: string;
  /** A server's certificate for routes and leaf connections (both TLS server and client): localhost/127.0.0.1, serverAuth and clientAuth. */
  nodeCert: string;
  nodeKey: string;
  /** The same, signed by the CA nobody trusts; `rogueCa` is that CA. */
  rogueNodeCert: string;
  rogueNodeKey: string;
  rogueCa: string;
  /** Another leaf signed by the trusted CA: `subject` as openssl's -subj, `ext` as an extfile. */
  issue(name: string, subject: string, ext: string): { cert: string; key: string };
  remove(): void;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function caCert(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}-key.pem`);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-keyout',
    key,
    '-out',
    cert,
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { cert, key };
}

function leafCert(dir: string, name: string, subject: string, ext: string, ca: { cert: string; key: string }): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}-key.pem`);
  const csr = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, ext);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', subject]);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '2', '-out', cert, '-extfile', extFile]);
  return { cert, key };
}

export function makeCerts(): CertSet {
  const dir = mkdtempSync(join(tmpdir(), 'broker-tls-'));
  const ca = caCert(dir, 'ca');
  const rogueCa = caCert(dir, 'rogue-ca');
  const client = 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n';
  const server = leafCert(
    dir,
    'server',
    '/CN=localhost',
    'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n',
    ca,
  );
  const alice = leafCert(dir, 'alice', '/O=Acme/OU=dev/CN=alice', `${client}subjectAltName=email:alice@example.com\n`, ca);
  const bob = leafCert(dir, 'bob', '/O=Acme/OU=ops/CN=bob', client, ca);
  const carol = leafCert(dir, 'carol', '/O=Acme/OU=dev/CN=carol', `${client}subjectAltName=email:carol@example.com\n`, ca);
  const nodeExt = 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n';
  const node = leafCert(dir, 'node', '/CN=node', nodeExt, ca);
  const rogueNode = leafCert(dir, 'rogue-node', '/CN=node', nodeExt, rogueCa);
  const rogue = leafCert(dir, 'rogue', '/O=Acme/OU=dev/CN=alice', `${client}subjectAltName=email:alice@example.com\n`, rogueCa);
  return {
    dir,
    ca: ca.cert,
    serverCert: server.cert,
    serverKey: server.key,
    aliceCert: alice.cert,
    aliceKey: alice.key,
    bobCert: bob.cert,
    bobKey: bob.key,
    carolCert: carol.cert,
    carolKey: carol.key,
    rogueCert: rogue.cert,
    rogueKey: rogue.key,
    nodeCert: node.cert,
    nodeKey: node.key,
    rogueNodeCert: rogueNode.cert,
    rogueNodeKey: rogueNode.key,
    rogueCa: rogueCa.cert,
    issue: (name, subject, ext) => leafCert(dir, name, subject, ext, ca),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
