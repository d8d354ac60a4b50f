import { isIP, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { peerCertInfo, type TlsPeerCert } from './cert-identity.js';
import { CloseReason } from './errors.js';
import type { TlsContext } from './tls-context.js';
import { nodeTls } from './node-tls.js';
import { normalizeAddress, SocketTransport, type Transport, type TransportSink } from './transport.js';

/** What /connz and verify_and_map know of an established TLS connection. */
export interface TlsConnState {
  /** As nats-server reports it: "1.2", "1.3". */
  version: string;
  /** Go's cipher suite name, e.g. "TLS_AES_128_GCM_SHA256". */
  cipher: string;
  peerCert: X509Certificate | null;
  /** The certificates the client sent, as /connz?auth=1 shows them (computed once, at the handshake). */
  peerCerts: TlsPeerCert[];
}

/** The dialling side of a TLS connection: whom the server's certificate must name. */
export interface TlsClientSide {
  /** The host dialled; an IP is checked against the certificate's IP addresses. */
  host: string;
  /** A host name to check instead when `host` is an IP (nats-server's tlsName: a name from the configured URLs). */
  serverName?: string;
}

/**
 * A connection that is or becomes TLS, as nats-server 2.9 runs it. Accepting side (the
 * default): INFO goes out in plain text, then `startTls()` makes it a TLS server socket
 * (a route calls it at once: routes do the handshake before any protocol). Dialling side
 * (`client` given): plain text until `startTls()` (a leaf remote reads the hub's INFO first;
 * a route starts at once), then a TLS client handshake that verifies the server's certificate
 * against the context's CA and `client`'s name. The handshake must finish within the timeout;
 * until then nothing reaches the connection's parser, and what it writes waits in the TLS
 * socket. A failed handshake closes the connection as "TLS Handshake Failure" without a word
 * to the peer (a plain-text client sees INFO, then EOF), as nats-server does. Once secure, a
 * SocketTransport over the TLS socket carries the data.
 * With allow_non_tls (accepting side) the first byte decides (0x16 starts a TLS handshake
 * record), as nats-server does; a client silent for the TLS timeout continues in plain text.
 */
export class TlsTransport implements Transport, TransportSink {
  readonly remoteAddress: string;
  readonly remotePort: number;
  tls: TlsConnState | null = null;
  private sink: TransportSink | null = null;
  private tlsSocket: TLSSocket | null = null;
  private inner: SocketTransport | null = null;
  private timer: NodeJS.Timeout | null = null;
  private paused = false;
  private closed = false;
  /** allow_non_tls: waiting for the client's first bytes to choose TLS or plain text. */
  private choosing = false;
  private loaded: TlsContext | null = null;
  /** How failures are logged, as nats-server: "TLS handshake" (clients), "TLS route handshake", "TLS leafnode handshake". */
  private readonly what: string;

  /**
   * `ctx` may be a function: a leaf remote without a `tls {}` block needs a context only if
   * the hub asks for TLS, and building one loads node:tls.
   */
  constructor(
    private readonly raw: Socket,
    private readonly ctxOf: TlsContext | (() => TlsContext),
    private readonly client: TlsClientSide | null = null,
    kind: 'route' | 'leafnode' | null = null,
  ) {
    this.what = kind === null ? 'TLS handshake' : `TLS ${kind} handshake`;
    this.remoteAddress = normalizeAddress(raw.remoteAddress ?? '');
    this.remotePort = raw.remotePort ?? 0;
    raw.setNoDelay(true);
    if (client !== null) {
      // Plain text until startTls(): a SocketTransport carries it.
      this.inner = new SocketTransport(raw);
      this.inner.bind(this);
      return;
    }
    raw.on('error', ignore);
    raw.on('close', this.onEarlyClose);
  }

  private get ctx(): TlsContext {
    return (this.loaded ??= typeof this.ctxOf === 'function' ? this.ctxOf() : this.ctxOf);
  }

  get writableLength(): number {
    return (this.inner ?? this.tlsSocket ?? this.raw).writableLength;
  }

  bind(sink: TransportSink): void {
    this.sink = sink;
  }

  /**
   * Accepting side: the client's next bytes must be a TLS ClientHello (or, with allow_non_tls,
   * may be plain). Dialling side: the client handshake starts now.
   */
  startTls(): void {
    if (this.closed || this.tlsSocket || this.choosing) return;
    if (this.client !== null) return this.clientHandshake(this.client);
    const o = this.ctx.options;
    this.timer = setTimeout(this.onTimeout, o.timeout);
    this.timer.unref();
    if (!o.allowNonTls) return this.handshake(this.raw);
    this.choosing = true;
    this.raw.on('data', this.onFirstChunk);
  }

  private handshake(stream: Socket | Duplex): void {
    const o = this.ctx.options;
    const s = new (nodeTls().TLSSocket)(stream, {
      isServer: true,
      secureContext: this.ctx.secureContext,
      requestCert: o.verify,
      rejectUnauthorized: o.verify,
    });
    this.tlsSocket = s;
    s.once('secure', this.onSecure);
    s.on('error', this.onHandshakeError);
    s.on('close', this.onEarlyClose);
  }

  private clientHandshake(client: TlsClientSide): void {
    let ctx: TlsContext;
    try {
      ctx = this.ctx;
    } catch (err) {
      return this.fail(`${this.what} error: ${(err as Error).message}`);
    }
    this.inner?.release();
    this.inner = null;
    this.raw.on('error', ignore);
    this.raw.on('close', this.onEarlyClose);
    this.timer = setTimeout(this.onTimeout, ctx.options.timeout);
    this.timer.unref();
    // Node checks the certificate against `servername` (a name, also sent as SNI) or else `host`.
    const name = isIP(client.host) === 0 ? client.host : (client.serverName ?? '');
    const s = nodeTls().connect({
      socket: this.raw,
      secureContext: ctx.secureContext,
      host: client.host,
      ...(name !== '' && { servername: name }),
      rejectUnauthorized: true,
    });
    this.tlsSocket = s;
    s.once('secureConnect', this.onSecure);
    s.on('error', this.onHandshakeError);
    s.on('close', this.onEarlyClose);
  }

  private readonly onFirstChunk = (chunk: Buffer): void => {
    this.choosing = false;
    this.raw.off('data', this.onFirstChunk);
    this.raw.pause();
    // A TLS record starts with its type: 0x16 = handshake.
    if (chunk[0] === 0x16) this.handshake(prefixed(this.raw, chunk));
    else this.stayPlain(chunk);
  };

  /** allow_non_tls and the client speaks plain text: the raw socket carries the protocol. */
  private stayPlain(first: Buffer | null): void {
    this.clearTimer();
    this.raw.off('close', this.onEarlyClose);
    this.inner = new SocketTransport(this.raw);
    this.inner.bind(this);
    if (first !== null) this.onData(first);
    if (!this.paused && !this.closed) this.raw.resume();
  }

  write(data: Buffer): boolean {
    if (this.inner) return this.inner.write(data);
    const s = this.tlsSocket ?? this.raw;
    if (s.destroyed || s.writableEnded) return false;
    return s.write(data);
  }

  end(): void {
    if (this.inner) return this.inner.end();
    // Before the handshake only a plain-text refusal (max connections) is worth flushing.
    if (this.tlsSocket) return this.destroy();
    this.closed = true;
    this.sink = null;
    this.raw.end();
    this.raw.setTimeout(2_000, this.onEndTimeout);
  }

  destroy(): void {
    this.clearTimer();
    if (this.inner) return this.inner.destroy();
    // The connection closed itself (shutdown, max connections): no handshake failure to report.
    this.closed = true;
    this.sink = null;
    this.tlsSocket?.destroy();
    this.raw.destroy();
  }

  pause(): void {
    this.paused = true;
    this.inner?.pause();
  }

  resume(): void {
    this.paused = false;
    this.inner?.resume();
  }

  // ---- TransportSink: relays from the inner transport once secure ----

  onData(chunk: Buffer): void {
    this.sink?.onData(chunk);
  }
  onDrain(): void {
    this.sink?.onDrain();
  }
  onClose(): void {
    this.report(CloseReason.ClientClosed, '');
  }

  private readonly onSecure = (): void => {
    const s = this.tlsSocket!;
    this.clearTimer();
    if (this.closed) return;
    // tls.connect rejects an unverified server itself; this is the belt to its braces.
    if (this.client !== null && !s.authorized) return this.fail(`${this.what} error: ${String(s.authorizationError)}`);
    if (this.client === null && this.ctx.options.verify) {
      const problem = verifyProblem(s);
      if (problem) return this.fail(`${this.what} error: ${problem}`);
    }
    const cipher = s.getCipher();
    const peerCert = s.getPeerX509Certificate() ?? null;
    this.tls = {
      version: tlsVersion(s.getProtocol() ?? ''),
      cipher: goCipherName(cipher?.standardName ?? cipher?.name ?? ''),
      peerCert,
      peerCerts: peerCert ? peerChain(s).map(peerCertInfo) : [],
    };
    s.off('error', this.onHandshakeError);
    s.off('close', this.onEarlyClose);
    this.raw.off('close', this.onEarlyClose);
    this.inner = new SocketTransport(s);
    this.inner.bind(this);
    if (this.paused) this.inner.pause();
  };

  private readonly onHandshakeError = (err: Error): void => {
    this.fail(`${this.what} error: ${handshakeErrorText(err)}`);
  };

  private readonly onEarlyClose = (): void => {
    if (this.choosing) return this.report(CloseReason.ClientClosed, '');
    this.fail(`${this.what} error: EOF`);
  };

  private readonly onTimeout = (): void => {
    this.timer = null;
    if (this.choosing) {
      // nats-server: no bytes within the TLS timeout under allow_non_tls means plain text.
      this.choosing = false;
      this.raw.off('data', this.onFirstChunk);
      return this.stayPlain(null);
    }
    this.fail(`${this.what} timeout`);
  };

  private readonly onEndTimeout = (): void => {
    this.raw.destroy();
  };

  /** Before the connection is secure: close it, telling the client's sink why. */
  private fail(error: string): void {
    if (this.closed) return;
    this.tlsSocket?.destroy();
    this.raw.destroy();
    this.report(CloseReason.TLSHandshakeError, error);
  }

  private report(reason: CloseReason, error: string): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimer();
    const sink = this.sink;
    this.sink = null;
    sink?.onClose(reason, error);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

function ignore(): void {}

/**
 * The raw socket as a stream that first yields the bytes already read from it (the first
 * chunk looked at under allow_non_tls). Only those connections pay for the extra stream.
 */
function prefixed(raw: Socket, first: Buffer): Duplex {
  const d = new Duplex({
    read: () => void raw.resume(),
    write: (chunk: Buffer, _enc, cb) => void raw.write(chunk, cb),
    final: (cb) => {
      raw.end();
      cb();
    },
    destroy: (err, cb) => {
      raw.destroy();
      cb(err);
    },
  });
  d.push(first);
  raw.on('data', (c: Buffer) => {
    if (!d.push(c)) raw.pause();
  });
  raw.on('end', () => d.push(null));
  raw.on('close', () => d.destroy());
  return d;
}

/**
 * Why the client's certificate is not acceptable, or '' if it is. Node checks the chain during
 * the handshake but only its tls.Server reads the result; a TLSSocket made on an existing
 * socket must ask the handle. Anything unexpected counts as a failure (fail closed).
 */
function verifyProblem(s: TLSSocket): string {
  if (!s.getPeerX509Certificate()) return "tls: client didn't provide a certificate";
  const handle = (s as unknown as { _handle?: { verifyError?: () => unknown } })._handle;
  if (typeof handle?.verifyError !== 'function') return 'tls: client certificate could not be verified';
  const e = handle.verifyError();
  if (!e) return '';
  const code = typeof e === 'string' ? e : ((e as { code?: string }).code ?? (e as Error).message);
  return `tls: failed to verify client certificate: ${code}`;
}

/** OpenSSL's words for "this is not TLS at all" and "unknown CA" become Go's (what nats-server logs). */
function handshakeErrorText(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_HTTPS_PROXY_REQUEST' || code === 'ERR_SSL_HTTP_REQUEST') {
    return 'tls: first record does not look like a TLS handshake';
  }
  if (UNKNOWN_AUTHORITY.has(code)) return `x509: certificate signed by unknown authority (${code})`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `x509: ${err.message}`;
  // A Go peer sends no certificate when none of its own is signed by a CA our request names.
  if (err.message.includes('peer did not return a certificate')) return "tls: client didn't provide a certificate";
  return code || err.message;
}

const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** "TLSv1.3" → "1.3", as nats-server's /connz. */
export function tlsVersion(protocol: string): string {
  const m = /^TLSv(1(?:\.\d)?)$/.exec(protocol);
  if (!m) return `Unknown [${protocol}]`;
  return m[1] === '1' ? '1.0' : m[1]!;
}

/** IANA names as Go spells them (Go drops the _SHA256 of the ECDHE ChaCha20 suites). */
export function goCipherName(standardName: string): string {
  return /^TLS_ECDHE_(RSA|ECDSA)_WITH_CHACHA20_POLY1305_SHA256$/.test(standardName) ? standardName.slice(0, -7) : standardName;
}

/** The client's certificate and the issuers it sent along (Node links them as issuerCertificate). */
function peerChain(s: TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  for (let c: DetailedPeerCertificate | undefined = s.getPeerCertificate(true); c?.raw && chain.length < 10; c = c.issuerCertificate) {
    if (seen.has(c.fingerprint256)) break;
    seen.add(c.fingerprint256);
    chain.push(new X509Certificate(c.raw));
  }
  return chain;
}
