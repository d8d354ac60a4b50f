// Reading values out of a parsed nats-server config (maps from @switchboard/config), with the
// errors nats-server gives: a value of the wrong kind, an address that does not parse, and the
// `file:line:column` of the key an error comes from. Shared by the config readers (config.ts,
// cluster-options.ts, leaf-config.ts, config-exports-imports.ts).
import { ConfigError, positionOf } from '@switchboard/config';

/** An error without a position yet; `at` gives it the position of the key it came from. */
export function configError(reason: string): ConfigError {
  return new ConfigError(reason, { line: 0, column: 0 });
}

/**
 * Runs `fn` for one key of a parsed map; an error raised without a position gets the key's
 * `file:line:column` (as nats-server reports config errors). Innermost key wins.
 */
export function at(map: object, key: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    const pos = positionOf(map, key);
    if (err instanceof ConfigError && err.line === 0 && pos) {
      throw new ConfigError(err.reason, { file: pos.file, line: pos.line, column: pos.column, reason: err.reason });
    }
    if (err instanceof ConfigError || !(err instanceof Error)) throw err;
    throw configError(err.message);
  }
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

export function map(v: unknown, key: string): Record<string, unknown> {
  if (isMap(v)) return v;
  throw configError(`${key}: expected a map`);
}

/** A string value; see config.ts for the top level's, which also takes a number or a boolean as text. */
export function str(v: unknown, key: string): string {
  if (typeof v === 'string') return v;
  throw configError(`${key}: expected a string`);
}

export function int(v: unknown, key: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw configError(`${key}: expected an integer`);
}

export function bool(v: unknown, key: string): boolean {
  if (typeof v === 'boolean') return v;
  throw configError(`${key}: expected true or false`);
}

/** `listen`-style address: a port, or `host:port` (IPv6 host in brackets); '' = any host. */
export function listenAddress(v: unknown): { host: string; port: number } {
  if (typeof v === 'number') return { host: '', port: int(v, 'listen') };
  const s = str(v, 'listen');
  const i = s.lastIndexOf(':');
  if (i < 0) throw configError(`could not parse address string "${s}"`);
  const port = Number(s.slice(i + 1));
  if (!Number.isInteger(port)) throw configError(`could not parse port "${s.slice(i + 1)}"`);
  return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port };
}

/** Go's %T of a parsed config value, for nats-server's "got %T" messages. */
export function goType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Date) return 'time.Time';
  return 'map[string]interface {}';
}

/** Go's %v of a scalar (maps and lists are rarely what a user meant here). */
export function goValue(v: unknown): string {
  return typeof v === 'object' && v !== null ? goType(v) : String(v);
}
