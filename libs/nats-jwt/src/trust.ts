import { JwtError } from './errors.js';
import { verify } from './jwt.js';
import { isOperatorKey } from './nkey.js';
import type { OperatorClaims } from './operator-claims.js';
import { validateOperator } from './validate.js';

/** Keys a broker trusts to issue account JWTs (nats-server's trustedKeys). */
export interface Trust {
  /** Operator identity keys and their signing keys. */
  readonly keys: ReadonlySet<string>;
  /** Operator identity keys that may not sign accounts themselves (strict_signing_key_usage). */
  readonly strict: ReadonlySet<string>;
  readonly operators: readonly OperatorClaims[];
}

/**
 * Trust from operator JWTs (as nats-server's `operator:` option): each must verify and validate.
 * Trusted: each operator's key (unless strict_signing_key_usage) and its signing keys.
 * Throws JwtError naming the first bad token.
 */
export function trustOperators(operatorJwts: readonly string[], now: number = Date.now()): Trust {
  const keys = new Set<string>();
  const strict = new Set<string>();
  const operators: OperatorClaims[] = [];
  for (const token of operatorJwts) {
    const { claims } = verify(token, { type: 'operator', now });
    const problems = validateOperator(claims);
    if (problems.length > 0) throw new JwtError('bad_claims', `operator ${claims.sub}: ${problems[0]}`);
    operators.push(claims);
    keys.add(claims.sub);
    if (claims.nats.strict_signing_key_usage) strict.add(claims.sub);
    for (const k of claims.nats.signing_keys ?? []) keys.add(k);
  }
  return { keys, strict, operators };
}

/** Trust from bare operator public keys (nats-server's `trusted_keys`). */
export function trustKeys(keys: readonly string[]): Trust {
  for (const k of keys) if (!isOperatorKey(k)) throw new JwtError('bad_key', `trusted key ${String(k).slice(0, 60)} is not an operator public key`);
  return { keys: new Set(keys), strict: new Set(), operators: [] };
}

/** True when `issuer` may issue account JWTs under `trust`. */
export function isTrustedIssuer(trust: Trust, issuer: string | undefined): boolean {
  return issuer !== undefined && trust.keys.has(issuer) && !trust.strict.has(issuer);
}
