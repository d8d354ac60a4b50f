import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAccount, encodeOperator } from '@nats-io/jwt';
import { createAccount, createOperator } from '@nats-io/nkeys';
import { parseConfig } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { optionsFromConfig } from '../src/index.js';

const operator = createOperator();
const sys = createAccount();
const operatorJwt = await encodeOperator('OP', operator, { system_account: sys.getPublicKey() });
const sysJwt = await encodeAccount('SYS', sys, {}, { signer: operator });
const map = (text: string) => optionsFromConfig(parseConfig(text));

describe('operator mode in the config file', () => {
  it('reads operator (inline), system_account and a MEMORY resolver with preloads', () => {
    const { options } = map(
      `operator: ${operatorJwt}\nsystem_account: ${sys.getPublicKey()}\nresolver: MEMORY\nresolver_preload: { ${sys.getPublicKey()}: ${sysJwt} }\n`,
    );
    expect(options.operators).toEqual([operatorJwt]);
    expect(options.systemAccount).toBe(sys.getPublicKey());
    expect(options.resolver).toEqual({ type: 'MEMORY', preload: { [sys.getPublicKey()]: sysJwt } });
  });

  it('reads the operator JWT from a file, plain or decorated as nsc writes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-opcfg-'));
    const plain = join(dir, 'op.jwt');
    const decorated = join(dir, 'op-decorated.jwt');
    writeFileSync(plain, `${operatorJwt}\n`);
    writeFileSync(decorated, `-----BEGIN NATS OPERATOR JWT-----\n${operatorJwt}\n------END NATS OPERATOR JWT------\n`);
    expect(map(`operator: "${plain}"\nresolver: MEMORY\n`).options.operators).toEqual([operatorJwt]);
    expect(map(`operators: ["${decorated}"]\nresolver: MEMORY\n`).options.operators).toEqual([operatorJwt]);
  });

  it('refuses a missing file, a bad operator JWT, and operators without a resolver, with the line', () => {
    expect(() => map('operator: "/nonexistent/op.jwt"\nresolver: MEMORY\n')).toThrow(
      /1:\d+: error parsing operator JWT: open \/nonexistent\/op.jwt: no such file or directory/,
    );
    expect(() => map('operator: eyJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.bad\nresolver: MEMORY\n')).toThrow(/operator/);
    expect(() => map(`port: 4222\noperator: ${operatorJwt}\n`)).toThrow(/2:\d+: operators require an account resolver to be configured/);
  });

  it('without operators, system_account is kept and a resolver is ignored with a warning', () => {
    const r = map('system_account: SYS\nresolver: MEMORY\n');
    expect(r.options.operators).toEqual([]);
    expect(r.options.systemAccount).toBe('SYS');
    expect(r.warnings).toContain('resolver: ignored without an operator');
  });
});
