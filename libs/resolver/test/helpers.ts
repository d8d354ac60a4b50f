import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, createOperator, type KeyPair } from '@nats-io/nkeys';
import { encode, newAccountClaims, newOperatorClaims, trustOperators, type AccountClaims, type Trust } from '@switchboard/nats-jwt';

/** An operator with a signing key, its trust, and a way to issue account JWTs at chosen times. */
export interface Operator {
  operator: KeyPair;
  signer: KeyPair;
  jwt: string;
  trust: Trust;
  /** An account JWT for `account` issued at `issuedAt` (epoch ms). */
  issue(account: KeyPair, opts?: { issuedAt?: number; name?: string; edit?: (c: AccountClaims) => void; signer?: KeyPair }): string;
}

export function makeOperator(opts: { accountServerUrl?: string; systemAccount?: string } = {}): Operator {
  const operator = createOperator();
  const signer = createOperator();
  const oc = newOperatorClaims(operator.getPublicKey(), 'resolver-test');
  oc.nats.signing_keys = [signer.getPublicKey()];
  if (opts.accountServerUrl !== undefined) oc.nats.account_server_url = opts.accountServerUrl;
  if (opts.systemAccount !== undefined) oc.nats.system_account = opts.systemAccount;
  const jwt = encode(oc, operator);
  return {
    operator,
    signer,
    jwt,
    trust: trustOperators([jwt]),
    issue(account, o = {}) {
      const c = newAccountClaims(account.getPublicKey(), o.name ?? 'acct');
      o.edit?.(c);
      return encode(c, o.signer ?? signer, o.issuedAt === undefined ? {} : { now: o.issuedAt });
    },
  };
}

export { createAccount };

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix = 'resolver-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A clock the test moves by hand. */
export function fakeClock(start = Date.now()): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** Collects resolver warnings. */
export function recordingLogger(): { warn: (m: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { warn: (m) => void lines.push(m), lines };
}
