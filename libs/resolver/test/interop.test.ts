import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, credsAuthenticator } from 'nats';
import { createUser, type KeyPair } from '@nats-io/nkeys';
import { encode, formatCreds, newUserClaims } from '@switchboard/nats-jwt';
import { parseConfig } from '@switchboard/config';
import { createResolver, parseResolverConfig } from '../src/index.js';
import { startAccountServer, type AccountServer } from './account-server.js';
import { createAccount, makeOperator, tempDir, waitFor } from './helpers.js';

// The same `resolver: URL(...)` config and the same HTTP account server, used by the real
// nats-server in operator mode and by UrlResolver: proof that our URL protocol is nats-server's.

const sys = createAccount();
const op = makeOperator({ systemAccount: sys.getPublicKey() });
const acct = createAccount();
const key = acct.getPublicKey();
const acctJwt = op.issue(acct, { name: 'tenant' });
const stranger = createAccount();

let http: AccountServer;
let nats: ChildProcess;
let natsPort: number;
let output = '';
let configText: string;
const tmp = tempDir('resolver-interop-');

function credsFor(account: KeyPair): string {
  const user = createUser();
  const jwt = encode(newUserClaims(user.getPublicKey(), 'alice'), account);
  return formatCreds(jwt, new TextDecoder().decode(user.getSeed()));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const c = tcpConnect(port, '127.0.0.1');
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });

beforeAll(async () => {
  http = await startAccountServer();
  http.accounts.set(sys.getPublicKey(), op.issue(sys, { name: 'SYS' }));
  http.accounts.set(key, acctJwt);
  natsPort = await freePort();
  configText = `listen: "127.0.0.1:${natsPort}"\noperator: "${op.jwt}"\nsystem_account: ${sys.getPublicKey()}\nresolver: URL(${http.url})\n`;
  const file = join(tmp.dir, 'server.conf');
  writeFileSync(file, configText);
  nats = spawn('/usr/sbin/nats-server', ['-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  nats.stdout!.on('data', (d) => (output += d));
  nats.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 15_000;
  while (!(await accepts(natsPort))) {
    if (nats.exitCode !== null) throw new Error(`nats-server exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`nats-server not ready: ${output}`);
    await new Promise((r) => setTimeout(r, 25));
  }
});

afterAll(async () => {
  if (nats && nats.exitCode === null) {
    const exited = new Promise((r) => nats.once('exit', r));
    nats.kill('SIGTERM');
    await exited;
  }
  await http?.close();
  tmp.remove();
});

describe('resolver: URL(...) against the real nats-server', () => {
  it('nats-server probes GET <base> at startup, then fetches accounts as GET <base><key>', async () => {
    expect(http.hits.get('/jwt/v1/accounts/')).toBeGreaterThanOrEqual(1);
    const nc = await connect({ port: natsPort, authenticator: credsAuthenticator(new TextEncoder().encode(credsFor(acct))) });
    try {
      const sub = nc.subscribe('greet');
      nc.publish('greet', 'hi');
      for await (const m of sub) {
        expect(m.string()).toBe('hi');
        break;
      }
    } finally {
      await nc.close();
    }
    expect(http.count(key)).toBeGreaterThanOrEqual(1);
  });

  it('nats-server refuses a user whose account the URL does not know (404)', async () => {
    const err = await connect({ port: natsPort, reconnect: false, authenticator: credsAuthenticator(new TextEncoder().encode(credsFor(stranger))) }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/Authorization Violation/i);
    await waitFor(() => http.count(stranger.getPublicKey()) >= 1, 'nats-server to ask for the unknown account');
  });

  it('the same config text gives our UrlResolver the same answers', async () => {
    const { resolver } = parseResolverConfig(parseConfig(configText), { defaultCacheDir: join(tmp.dir, 'cache') });
    const r = createResolver(resolver!, { trust: op.trust });
    try {
      await r.start?.();
      expect(r.kind).toBe('URL');
      expect(await r.fetch(key)).toBe(acctJwt);
      expect(await r.fetch(stranger.getPublicKey())).toBeUndefined();
    } finally {
      await r.close();
    }
  });
});
