// TlsTransport over loopback sockets: the dialling side (plain until startTls(), what is written
// meanwhile sent once secure, the server certificate checked against the CA and the name) and the
// accepting side started at once, as routes run it (a peer without a certificate refused).
import { createServer, connect as netConnect, type Server as NetServer, type Socket } from 'node:net';
import { TLSSocket, createSecureContext } from 'node:tls';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCerts, waitFor, type CertSet } from '@switchboard/testing';
import { CloseReason } from '../src/errors.js';
import { createTlsContext, DEFAULT_TLS_TIMEOUT, type TlsContext } from '../src/tls-context.js';
import { TlsTransport } from '../src/tls-transport.js';
import type { TransportSink } from '../src/transport.js';

let certs: CertSet;
const servers: NetServer[] = [];
beforeAll(() => {
  certs = makeCerts();
});
afterAll(() => {
  for (const s of servers) s.close();
  certs.remove();
});

class Sink implements TransportSink {
  data = '';
  closed: { reason?: CloseReason; error?: string } | null = null;
  onData(chunk: Buffer): void {
    this.data += chunk.toString();
  }
  onDrain(): void {}
  onClose(reason?: CloseReason, error?: string): void {
    this.closed = { reason, error };
  }
}

function ctx(o: { cert?: string; key?: string; ca?: string; verify?: boolean }, role: 'server' | 'client'): TlsContext {
  return createTlsContext(
    { certFile: o.cert ?? '', keyFile: o.key ?? '', caFile: o.ca ?? '', verify: o.verify ?? false, map: false, timeout: DEFAULT_TLS_TIMEOUT },
    role,
  );
}

/** A hub-like peer: says `hello` in plain text, then runs a TLS server on the socket and echoes lines back with `echo:`. */
async function plainThenTlsServer(cert: string, key: string): Promise<number> {
  const secureContext = createSecureContext({ cert: readFileSync(cert), key: readFileSync(key) });
  const srv = createServer((raw: Socket) => {
    raw.write('INFO {}\r\n');
    const s = new TLSSocket(raw, { isServer: true, secureContext });
    s.on('data', (d: Buffer) => s.write(`echo:${d.toString()}`));
    s.on('error', () => raw.destroy());
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return (srv.address() as { port: number }).port;
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

describe('TlsTransport, dialling side', () => {
  it('reads plain text until startTls(); what is written before the handshake ends goes out over TLS', async () => {
    const port = await plainThenTlsServer(certs.nodeCert, certs.nodeKey);
    let made = 0;
    const t = new TlsTransport(await dial(port), () => (made++, ctx({ ca: certs.ca }, 'client')), { host: '127.0.0.1' });
    const sink = new Sink();
    t.bind(sink);
    await waitFor(() => sink.data === 'INFO {}\r\n', 5_000, 'the plain INFO');
    expect(made).toBe(0); // no context until TLS is asked for
    t.startTls();
    t.write(Buffer.from('CONNECT {}\r\n'));
    await waitFor(() => sink.data.endsWith('echo:CONNECT {}\r\n'), 5_000, 'the echo over TLS');
    expect(made).toBe(1);
    expect(t.tls).toMatchObject({ version: expect.stringMatching(/^1\.[23]$/) });
    expect(t.tls?.peerCert?.subject).toContain('CN=node');
    expect(sink.closed).toBeNull();
    t.destroy();
  });

  it('refuses a server certificate from a CA it does not trust, and one that does not name the host', async () => {
    const rogue = await plainThenTlsServer(certs.rogueNodeCert, certs.rogueNodeKey);
    const a = new TlsTransport(await dial(rogue), ctx({ ca: certs.ca }, 'client'), { host: '127.0.0.1' });
    const sa = new Sink();
    a.bind(sa);
    await waitFor(() => sa.data !== '', 5_000, 'the plain INFO');
    a.startTls();
    await waitFor(() => sa.closed !== null, 5_000, 'the refusal');
    expect(sa.closed).toEqual({
      reason: CloseReason.TLSHandshakeError,
      error: expect.stringMatching(/^TLS handshake error: x509: certificate signed by unknown authority/),
    });

    const good = await plainThenTlsServer(certs.nodeCert, certs.nodeKey);
    const b = new TlsTransport(await dial(good), ctx({ ca: certs.ca }, 'client'), { host: '127.0.0.1', serverName: 'elsewhere.example' });
    const sb = new Sink();
    b.bind(sb);
    await waitFor(() => sb.data !== '', 5_000, 'the plain INFO');
    b.startTls();
    await waitFor(() => sb.closed !== null, 5_000, 'the refusal');
    expect(sb.closed?.reason).toBe(CloseReason.TLSHandshakeError);
    expect(sb.closed?.error).toMatch(/^TLS handshake error: x509: .*elsewhere\.example/);
  });
});

describe('TlsTransport, accepting side started at once (routes)', () => {
  it('with verify, a peer that presents no certificate is refused', async () => {
    const route = ctx({ cert: certs.nodeCert, key: certs.nodeKey, ca: certs.ca, verify: true }, 'server');
    const sink = new Sink();
    const srv = createServer((raw: Socket) => {
      const t = new TlsTransport(raw, route);
      t.bind(sink);
      t.startTls();
      t.write(Buffer.from('INFO {}\r\n'));
    });
    servers.push(srv);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const peer = new TlsTransport(await dial((srv.address() as { port: number }).port), ctx({ ca: certs.ca }, 'client'), { host: '127.0.0.1' });
    const peerSink = new Sink();
    peer.bind(peerSink);
    peer.startTls();
    await waitFor(() => sink.closed !== null, 5_000, 'the refusal');
    expect(sink.closed).toEqual({ reason: CloseReason.TLSHandshakeError, error: "TLS handshake error: tls: client didn't provide a certificate" });
    expect(peerSink.data).toBe(''); // the INFO written meanwhile never left in the clear, nor at all
    peer.destroy();
  });
});
