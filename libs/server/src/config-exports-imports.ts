import { Account, ExportImportError, setExports, setImports, type ExportDecl } from '@switchboard/accounts';
import { parseDuration } from '@switchboard/config';
import type { Import, ServiceLatency } from '@switchboard/nats-jwt';
import type { AccountConfig } from './options.js';
import { configError, goType } from './config-values.js';

// An account's `exports` and `imports` in nats-server's config syntax, mapped onto nats-jwt's
// Export/Import shapes so that config and JWT accounts share one import/export model:
//   exports: [ { stream: "x.>" }, { service: "svc.>", response: singleton, accounts: [B] } ]
//   imports: [ { stream: { account: A, subject: "x.>" }, prefix: "p" },
//              { service: { account: A, subject: "svc.a" }, to: "local.a" } ]

export function parseExports(v: unknown): ExportDecl[] {
  if (!Array.isArray(v)) throw configError(`Exports should be an array, got ${goType(v)}`);
  return v.map((item) => {
    const m = asMap(item);
    if (m === null) throw configError(`Export Items should be a map with type entry, got ${goType(item)}`);
    const e: ExportDecl = {};
    let responseSeen = false;
    let thresholdSeen = false;
    for (const [rawKey, x] of Object.entries(m)) {
      switch (rawKey.toLowerCase()) {
        case 'stream':
        case 'service': {
          const kind = rawKey.toLowerCase() as 'stream' | 'service';
          if (e.type && e.type !== kind) throw configError(`Detected ${kind} ${goQuote(x)} but already saw a ${e.type}`);
          if (typeof x !== 'string') throw configError(`Expected ${kind} name to be string, got ${goType(x)}`);
          e.type = kind;
          e.subject = x;
          break;
        }
        case 'response':
        case 'response_type': {
          if (responseSeen) throw configError('Duplicate response type definition');
          responseSeen = true;
          if (typeof x !== 'string') throw configError(`Expected response type to be string, got ${goType(x)}`);
          const t = { single: 'Singleton', singleton: 'Singleton', stream: 'Stream', chunk: 'Chunked', chunked: 'Chunked' }[x.toLowerCase()];
          if (!t) throw configError(`Unknown response type: ${JSON.stringify(x)}`);
          e.response_type = t as ExportDecl['response_type'];
          break;
        }
        case 'threshold':
        case 'response_threshold':
        case 'response_max_time':
        case 'response_time': {
          if (thresholdSeen) throw configError('Duplicate response threshold detected');
          thresholdSeen = true;
          if (typeof x !== 'string') throw configError(`Expected response threshold to be a parseable time duration, got ${goType(x)}`);
          let ms: number;
          try {
            ms = parseDuration(x);
          } catch {
            throw configError(`Expected response threshold to be a parseable time duration, got ${JSON.stringify(x)}`);
          }
          e.response_threshold = ms * 1e6;
          break;
        }
        case 'accounts':
          if (!Array.isArray(x) || !x.every((n) => typeof n === 'string')) throw configError('accounts: expected a list of account names');
          e.accounts = x as string[];
          break;
        case 'account_token_position':
          if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) throw configError('account_token_position: expected a positive integer');
          e.account_token_position = x;
          break;
        case 'latency':
          e.service_latency = parseLatency(x);
          break;
        default:
          throw configError(`unknown field "${rawKey}"`);
      }
    }
    if (e.type === 'stream' && (responseSeen || thresholdSeen)) throw configError('Detected response directive on non-service');
    if (!e.type) throw configError('Export Items should be a map with type entry');
    return e;
  });
}

/**
 * nats-server's parseServiceLatency: a results subject (sampling 100%), or a map of `sampling`
 * (1-100, "N%", or "headers"; default 100) and `subject`. Other keys are ignored, as there.
 */
function parseLatency(v: unknown): ServiceLatency {
  if (typeof v === 'string') return { sampling: 100, results: v };
  const m = asMap(v);
  if (m === null) throw configError(`Expected latency sample to be a string or map/struct, got ${goType(v)}`);
  let sampling: ServiceLatency['sampling'] = 100;
  let results: string | undefined;
  for (const [k, x] of Object.entries(m)) {
    const lk = k.toLowerCase();
    if (lk === 'sampling') {
      if (typeof x === 'string' && x.toLowerCase() === 'headers') {
        sampling = 'headers';
        continue;
      }
      let n: number;
      if (typeof x === 'number' && Number.isInteger(x)) n = x;
      else if (typeof x === 'string') {
        const digits = x.endsWith('%') ? x.slice(0, -1) : x;
        if (!/^[+-]?\d+$/.test(digits)) throw configError(`Failed to parse latency sample: strconv.Atoi: parsing ${JSON.stringify(digits)}: invalid syntax`);
        n = Number(digits);
      } else throw configError(`Expected latency sample to be a string or map/struct, got ${goType(x)}`);
      if (n < 1 || n > 100) throw configError('bad sampling percentage, should be 1-100');
      sampling = n;
    } else if (lk === 'subject') {
      if (typeof x !== 'string') throw configError(`Expected latency subject to be a string, got ${goType(x)}`);
      results = x;
    }
  }
  if (results === undefined || results === '') throw configError('Latency subject required, but missing');
  return { sampling, results };
}

export function parseImports(v: unknown): Import[] {
  if (!Array.isArray(v)) throw configError(`Imports should be an array, got ${goType(v)}`);
  const services = new Map<string, Import>();
  return v.map((item) => {
    const m = asMap(item);
    if (m === null) throw configError(`Import Items should be a map with type entry, got ${goType(item)}`);
    const imp: Import = {};
    let prefix = '';
    let to = '';
    for (const [rawKey, x] of Object.entries(m)) {
      switch (rawKey.toLowerCase()) {
        case 'stream':
        case 'service': {
          const kind = rawKey.toLowerCase() as 'stream' | 'service';
          if (imp.type) throw configError(`Detected ${kind} but already saw a ${imp.type}`);
          const ref = asMap(x);
          if (ref === null) throw configError(`${kind === 'stream' ? 'Stream' : 'Service'} entry should be an account map, got ${goType(x)}`);
          for (const [k, y] of Object.entries(ref)) {
            const lk = k.toLowerCase();
            if (lk === 'account') imp.account = String(y);
            else if (lk === 'subject') imp.subject = String(y);
            else throw configError(`unknown field "${k}"`);
          }
          if (!imp.account || !imp.subject) throw configError('Expect an account name and a subject');
          imp.type = kind;
          break;
        }
        case 'prefix':
          prefix = String(x);
          break;
        case 'to':
          to = String(x);
          break;
        case 'share':
          if (typeof x !== 'boolean') throw configError('share: expected true or false');
          imp.share = x;
          break;
        default:
          throw configError(`unknown field "${rawKey}"`);
      }
    }
    if (!imp.type) throw configError('Import Items should be a map with type entry');
    if (imp.type === 'stream') {
      if (prefix && to) throw configError("Stream import can not have a 'prefix' and a 'to' property");
      // JWT shape: a stream's `to` is a prefix, `local_subject` a mapping.
      if (prefix) imp.to = prefix;
      if (to) imp.local_subject = to;
      delete imp.share;
    } else {
      if (to) imp.local_subject = to;
      const local = to || imp.subject!;
      const dup = services.get(local);
      if (dup)
        throw configError(
          `Duplicate service import subject ${JSON.stringify(local)}, previously used in import for account ${JSON.stringify(dup.account)}, subject ${JSON.stringify(dup.subject)}`,
        );
      services.set(local, imp);
    }
    return imp;
  });
}

/**
 * Links config accounts as nats-server does once all are read: every export first, then every
 * import (checked against the exports, and for cycles). Throws nats-server's message.
 */
export function linkAccounts<A extends Account>(accounts: readonly AccountConfig[], lookup: (name: string) => A | undefined): void {
  const byName = new Set(accounts.map((a) => a.name));
  try {
    for (const a of accounts) {
      for (const e of a.exports ?? []) {
        for (const n of e.accounts ?? []) if (!byName.has(n)) throw new ExportImportError(`${JSON.stringify(n)} account not defined for ${e.type} export`);
      }
      setExports(lookup(a.name)!, a.exports);
    }
    for (const a of accounts) if (a.imports?.length) setImports(lookup(a.name)!, a.imports, (n) => (byName.has(n) ? lookup(n) : undefined));
  } catch (e) {
    if (e instanceof ExportImportError) throw configError(e.message);
    throw e;
  }
}

/** Checks the accounts' exports and imports on scratch accounts (config test, before a server exists). */
export function checkExportsImports(accounts: readonly AccountConfig[]): void {
  const scratch = new Map(accounts.map((a) => [a.name, new Account(a.name)]));
  linkAccounts(accounts, (n) => scratch.get(n));
}

function asMap(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) ? (v as Record<string, unknown>) : null;
}

function goQuote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : `%!q(${goType(v)}=${String(v)})`;
}
