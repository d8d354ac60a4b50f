import { readFileSync } from 'node:fs';
import type { ConfigMap } from '@switchboard/config';
import { decode, parseDecoratedJwt, trustOperators, type OperatorClaims } from '@switchboard/nats-jwt';
import { parseResolverConfig, RESOLVER_KEYS } from '@switchboard/resolver';
import type { ServerOptions } from './options.js';
import { configError } from './config-values.js';

// Operator mode in a nats-server config: `operator: <jwt | file>` (or a list of them),
// `system_account: <account public key>`, and the resolver keys read by @switchboard/resolver.

/** Top-level keys this module reads (lower case). */
export const OPERATOR_KEYS: ReadonlySet<string> = new Set(['operator', 'operators', 'system_account', 'system', ...RESOLVER_KEYS]);

/** `operator:` value: a JWT, or the path of a file holding one (plain or decorated, as nsc writes it). */
export function readOperatorJwt(v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') throw configError('operator: expected a JWT or the path of a JWT file');
  const s = v.trim();
  if (s.startsWith('eyJ')) return s;
  let text: string;
  try {
    text = readFileSync(s, 'utf8');
  } catch (e) {
    throw configError(
      `error parsing operator JWT: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? `open ${s}: no such file or directory` : `cannot read ${s}`}`,
    );
  }
  try {
    return parseDecoratedJwt(text);
  } catch {
    throw configError(`error parsing operator JWT: ${s}`);
  }
}

/** Applies one operator-mode key; the resolver keys are read together by `finishOperatorMode`. */
export function applyOperatorKey(key: string, v: unknown, o: ServerOptions): void {
  switch (key) {
    case 'operator':
    case 'operators':
      for (const x of Array.isArray(v) ? v : [v]) o.operators.push(readOperatorJwt(x));
      break;
    case 'system_account':
    case 'system':
      if (typeof v !== 'string' || v === '') throw configError(`${key}: expected an account name or public key`);
      o.systemAccount = v;
      break;
  }
}

/** After all keys: check the operators, then read the resolver (needs the operators' claims). Returns warnings. */
export function finishOperatorMode(config: ConfigMap, o: ServerOptions): string[] {
  let operators: OperatorClaims[] = [];
  if (o.operators.length > 0) {
    try {
      operators = [...trustOperators(o.operators).operators];
    } catch (e) {
      // An expired or badly signed operator: name the token's subject when it decodes at all.
      let who = '';
      try {
        who = ` ${decode(o.operators[0]!).claims.sub}`;
      } catch {
        who = '';
      }
      throw configError(`operator${who}: ${(e as Error).message}`);
    }
  }
  const r = parseResolverConfig(config, { operators });
  o.resolver = r.resolver;
  if (o.operators.length === 0 && r.resolver !== undefined) r.warnings.push('resolver: ignored without an operator');
  return r.warnings;
}
