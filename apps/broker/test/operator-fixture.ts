// Operator-mode fixtures for the shared suite: keys and JWTs made with the official nats-io
// libraries (not ours), a config file both servers start from, processes, and raw CONNECTs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeAccount, encodeOperator, encodeUser } from '@nats-io/jwt';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';
import { freePort, waitFor } from './helpers.js';
import { RawClient } from './raw.js';

export const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const BROKER_MAIN = join(root, 'apps/broker/src/main.ts');
export type ServerKind = 'nats-server' | 'broker';

export interface Cred {
  jwt: string;
  key: KeyPair;
}

export const UNLIMITED = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };
export const nowSec = (): number => Math.floor(Date.now() / 1000);

export async function user(name: string, issuer: KeyPair, claims: Record<string, unknown> = {}, opts: Record<string, unknown> = {}): Promise<Cred> {
  const key = createUser();
  return { key, jwt: await encodeUser(name, key, issuer, claims, opts) };
}

/** One operator with a system account and accounts A (signing key, one revoked user), C (for live updates), D (never used). */
export async function makeOperator() {
  const operator = createOperator();
  const sys = createAccount();
  const a = createAccount();
  const aSigner = createAccount();
  const c = createAccount();
  const d = createAccount();
  const e = createAccount();
  const eSigner = createAccount();
  const revoked = await user('revoked', a);
  const accountJwt = {
    sys: await encodeAccount('SYS', sys, { limits: UNLIMITED }, { signer: operator }),
    a: await encodeAccount('A', a, { limits: UNLIMITED, signing_keys: [aSigner.getPublicKey()], revocations: { [revoked.key.getPublicKey()]: nowSec() + 3600 } }, { signer: operator }),
    c: await encodeAccount('C', c, { limits: UNLIMITED }, { signer: operator }),
    d: await encodeAccount('D', d, { limits: UNLIMITED }, { signer: operator }),
    e: await encodeAccount('E', e, { limits: UNLIMITED, signing_keys: [eSigner.getPublicKey()] }, { signer: operator }),
  };
  const operatorJwt = await encodeOperator('OP', operator, { system_account: sys.getPublicKey() });
  const keys = { operator, sys, a, aSigner, c, d, e, eSigner };
  const users = {
    sys: await user('sys', sys),
    a: await user('a', a),
    signed: await user('signed', a, {}, { signer: aSigner }),
    revoked,
    expired: await user('expired', a, {}, { exp: nowSec() - 60 }),
    notYet: await user('not-yet', a, {}, { nbf: nowSec() + 3600 }),
    // Claims issuer_account A but signed by a key A never listed.
    forged: await user('forged', a, {}, { signer: createAccount() }),
    bearer: await user('bearer', a, { bearer_token: true }),
    limited: await user('limited', a, { pub: { allow: ['ok.>', '_INBOX.>'], deny: ['ok.secret'] }, sub: { allow: ['ok.*', '_INBOX.>'], deny: ['ok.hidden'] } }),
    queue: await user('queue', a, { sub: { allow: ['q.* workers'] } }),
    fromElsewhere: await user('elsewhere', a, { src: ['10.99.0.0/16'] }),
    c1: await user('c1', c),
    c2: await user('c2', c),
    e1: await user('e1', e),
    e2: await user('e2', e, {}, { signer: eSigner }),
  };
  return { keys, users, accountJwt, operatorJwt };
}
export type OperatorFixture = Awaited<ReturnType<typeof makeOperator>>;

/** A nats-server config in operator mode; `resolver` is its resolver lines. */
export function operatorConfig(f: OperatorFixture, resolver = 'resolver: MEMORY'): string {
  const k = f.keys;
  return [
    `operator: ${f.operatorJwt}`,
    `system_account: ${k.sys.getPublicKey()}`,
    resolver,
    'resolver_preload: {',
    `  ${k.sys.getPublicKey()}: ${f.accountJwt.sys}`,
    `  ${k.a.getPublicKey()}: ${f.accountJwt.a}`,
    `  ${k.c.getPublicKey()}: ${f.accountJwt.c}`,
    `  ${k.d.getPublicKey()}: ${f.accountJwt.d}`,
    `  ${k.e.getPublicKey()}: ${f.accountJwt.e}`,
    '}',
    '',
  ].join('\n');
}

export function writeConfig(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sb-op-')), 'server.conf');
  writeFileSync(file, text);
  return file;
}

export interface Running {
  kind: ServerKind;
  port: number;
  stop(): Promise<void>;
  /** What the process wrote to stderr/stdout (its log). */
  log(): string;
}

/** Starts nats-server or the broker from a config file on a free port; resolves once it accepts connections. */
export async function startServer(kind: ServerKind, configFile: string): Promise<Running> {
  const port = await freePort();
  const args = ['-a', '127.0.0.1', '-p', String(port), '-c', configFile];
  // The broker runs under node directly (not a wrapper) so the pid we stop is the server.
  const child: ChildProcess =
    kind === 'nats-server'
      ? spawn(NATS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, ['--conditions=@switchboard/source', '--import', 'tsx', BROKER_MAIN, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let exited = false;
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  child.on('exit', () => (exited = true));
  await waitFor(async () => {
    if (exited) throw new Error(`${kind} exited before it was ready:\n${out}`);
    return canConnect(port);
  }, 20_000, `${kind} to listen`);
  return {
    kind,
    port,
    log: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** What a raw client saw, without the server's keep-alive PINGs (their timing is the server's own). */
export const noPings = (data: string): string => data.replace(/PING\r\n/g, '');

/** The nonce of the INFO a raw client received. */
export function nonceOf(data: string): string {
  const line = data.split('\r\n')[0] ?? '';
  try {
    const info = JSON.parse(line.slice(line.indexOf('{'))) as { nonce?: unknown };
    return typeof info.nonce === 'string' ? info.nonce : '';
  } catch {
    return '';
  }
}

export function sign(key: KeyPair, nonce: string): string {
  return Buffer.from(key.sign(new TextEncoder().encode(nonce))).toString('base64url');
}

/** Opens a raw connection, waits for INFO and sends CONNECT with `fields` (a function of the nonce) and PING. */
export async function rawConnect(port: number, fields: (nonce: string) => Record<string, unknown>): Promise<RawClient> {
  const c = await RawClient.open(port);
  await c.waitFor('\r\n');
  const connectFields = { verbose: false, pedantic: false, protocol: 1, headers: true, no_responders: true, ...fields(nonceOf(c.data)) };
  c.data = '';
  c.send(`CONNECT ${JSON.stringify(connectFields)}\r\nPING\r\n`);
  return c;
}

/** A raw connection as `cred` (signing the nonce), once the server answered PONG. */
export async function rawAs(port: number, cred: Cred): Promise<RawClient> {
  const c = await rawConnect(port, (nonce) => ({ jwt: cred.jwt, sig: sign(cred.key, nonce) }));
  await c.waitFor('PONG\r\n');
  return c;
}
