import { ConfigError, parseDuration, positionOf } from '@switchboard/config';
import type { ServerOptions } from './options.js';
import { createTlsContext, DEFAULT_TLS_TIMEOUT, type TlsOptions } from './tls-context.js';

/**
 * nats-server's `tls { }` block for client connections (server/opts.go parseTLS), the keys
 * this broker acts on. Errors carry nats-server's wording.
 */
export function tlsOptionsFromConfig(block: Record<string, unknown>): TlsOptions {
  const t: TlsOptions = { certFile: '', keyFile: '', caFile: '', verify: false, map: false, timeout: DEFAULT_TLS_TIMEOUT };
  for (const [rawKey, v] of Object.entries(block)) {
    try {
      applyKey(t, rawKey, v);
    } catch (err) {
      // nats-server points at the offending key inside the block.
      const pos = positionOf(block, rawKey);
      if (err instanceof ConfigError && err.line === 0 && pos) throw new ConfigError(err.reason, { ...pos, reason: err.reason });
      throw err;
    }
  }
  return t;
}

function applyKey(t: TlsOptions, rawKey: string, v: unknown): void {
  const key = rawKey.toLowerCase();
  switch (key) {
    case 'cert_file':
    case 'key_file':
    case 'ca_file': {
      if (typeof v !== 'string') throw tlsError(`expected '${key}' to be filename`);
      if (key === 'cert_file') t.certFile = v;
      else if (key === 'key_file') t.keyFile = v;
      else t.caFile = v;
      break;
    }
    case 'verify':
      if (typeof v !== 'boolean') throw tlsError("expected 'verify' to be a boolean");
      t.verify = v;
      break;
    case 'verify_and_map':
      if (typeof v !== 'boolean') throw tlsError("expected 'verify_and_map' to be a boolean");
      t.verify = v;
      t.map = v;
      break;
    case 'timeout':
      t.timeout = tlsTimeout(v);
      break;
    default:
      // cipher_suites, curve_preferences, pinned_certs, insecure…: refused rather than ignored,
      // since each changes who may connect.
      throw tlsError(`unknown field [${JSON.stringify(rawKey)}]`);
  }
}

/** Seconds as a number, or a Go duration string ("1.5s"); stored as ms. */
function tlsTimeout(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v * 1000;
  if (typeof v === 'string') {
    try {
      return parseDuration(v);
    } catch (err) {
      throw tlsError(`'timeout' ${(err as Error).message}`);
    }
  }
  throw tlsError("'timeout' wrong type");
}

/**
 * After the whole config is read: loads the certificates now (as nats-server does at parse
 * time, so `-t` catches a bad file), and, when the config does not set one, gives auth a
 * timeout past the TLS handshake (nats-server: tls timeout + 1 s).
 */
export function finishTls(config: Record<string, unknown>, o: ServerOptions): void {
  if (!o.tls) return;
  try {
    createTlsContext(o.tls);
  } catch (err) {
    throw new ConfigError((err as Error).message, { line: 0, column: 0 });
  }
  if (!hasAuthTimeout(config)) o.authTimeout = o.tls.timeout + 1_000;
  for (const [k, v] of Object.entries(config)) if (k.toLowerCase() === 'allow_non_tls' && v === true) o.tls.allowNonTls = true;
}

function hasAuthTimeout(config: Record<string, unknown>): boolean {
  for (const [k, v] of Object.entries(config)) {
    if (k.toLowerCase() !== 'authorization' || v === null || typeof v !== 'object') continue;
    if (Object.keys(v).some((x) => x.toLowerCase() === 'timeout')) return true;
  }
  return false;
}

function tlsError(reason: string): ConfigError {
  return new ConfigError(`error parsing tls config, ${reason}`, { line: 0, column: 0 });
}
