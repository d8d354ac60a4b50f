import { EXTENSION_KEYS, type AccountLimits, type ExtensionKey } from '@switchboard/accounts';
import { ConfigError } from '@switchboard/config';

/**
 * A config-file account's `switchboard { }` block (Switchboard only; nats-server has no such
 * key): the same names as the JWT's `sb:` tags, e.g. `switchboard { rate_msgs: 1000, rate_bytes: 1MB }`.
 */
export function parseSwitchboardBlock(v: unknown, account: string, size: (v: unknown) => number): Partial<AccountLimits> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`accounts.${account}.switchboard must be a map`, { line: 0, column: 0 });
  const out: Partial<AccountLimits> = {};
  for (const [rawKey, x] of Object.entries(v)) {
    const k = rawKey.toLowerCase();
    if (!(k in EXTENSION_KEYS))
      throw new ConfigError(`accounts.${account}.switchboard: unknown key "${rawKey}" (known: ${Object.keys(EXTENSION_KEYS).join(', ')})`, {
        line: 0,
        column: 0,
      });
    const n = size(x);
    if (n < 0) throw new ConfigError(`accounts.${account}.switchboard.${rawKey} must not be negative`, { line: 0, column: 0 });
    out[EXTENSION_KEYS[k as ExtensionKey]] = n;
  }
  return out;
}
