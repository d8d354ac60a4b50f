import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { SecureContext, SecureContextOptions } from 'node:tls';
import { nodeTls } from './node-tls.js';

/** The `tls { }` block (or --tls* flags) for client connections. */
export interface TlsOptions {
  certFile: string;
  keyFile: string;
  caFile: string;
  /** Require and verify a client certificate (mutual TLS). */
  verify: boolean;
  /** verify_and_map: the client certificate's email / SAN / subject DN names the user. */
  map: boolean;
  /** Handshake deadline (ms). */
  timeout: number;
  /** allow_non_tls: a client may also stay in plain text (INFO says tls_available). */
  allowNonTls?: boolean;
}

/** nats-server's TLS_TIMEOUT. */
export const DEFAULT_TLS_TIMEOUT = 2_000;

/** A loaded TLS configuration: built once, shared by every connection. */
export interface TlsContext {
  readonly options: TlsOptions;
  readonly secureContext: SecureContext;
  /** What secureContext was made of: for the HTTPS monitoring server (no client certificates). */
  readonly contextOptions: SecureContextOptions;
}

// nats-server's defaults: TLS ≥ 1.2, ECDHE with AEAD suites only (server/ciphersuites.go).
const CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
].join(':');

/**
 * Loads certificate, key and CA; throws an Error with nats-server's wording (GenTLSConfig)
 * so a bad config fails at startup (and `-t`), not at the first connection. A `client` context
 * (the dialling side of a leaf connection) may go without a certificate; without a CA file it
 * verifies the server against Node's root certificates (Go: the system's).
 */
export function createTlsContext(options: TlsOptions, role: 'server' | 'client' = 'server'): TlsContext {
  if (options.certFile && !options.keyFile) throw new Error("missing 'key_file' in TLS configuration");
  if (!options.certFile && options.keyFile) throw new Error("missing 'cert_file' in TLS configuration");
  if (!options.certFile && role === 'server') throw new Error('TLS Server certificate must be present and valid');
  let cert: Buffer | undefined;
  let key: Buffer | undefined;
  let ca: Buffer | undefined;
  if (options.certFile) {
    try {
      cert = readFile(options.certFile);
      key = readFile(options.keyFile);
      new X509Certificate(cert);
    } catch (err) {
      throw new Error(`error parsing X509 certificate/key pair: ${(err as Error).message}`);
    }
  }
  if (options.caFile) {
    ca = readFile(options.caFile);
    try {
      new X509Certificate(ca);
    } catch {
      throw new Error('failed to parse root ca certificate');
    }
  }
  try {
    const contextOptions: SecureContextOptions = { cert, key, ca, minVersion: 'TLSv1.2', ciphers: CIPHERS, honorCipherOrder: true };
    return { options, secureContext: nodeTls().createSecureContext(contextOptions), contextOptions };
  } catch (err) {
    throw new Error(`error parsing X509 certificate/key pair: ${(err as Error).message}`);
  }
}

/** readFileSync with Go's error text ("open x.pem: no such file or directory"), as nats-server prints it. */
function readFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new Error(`open ${path}: ${why}`);
  }
}
