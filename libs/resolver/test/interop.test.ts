import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, credsAuthenticator } from 'nats';
import { createUser, type KeyPair } from '@nats-io/nkeys';
import { encode, formatCreds, newUserClaims } from '@switchboard/nats-jwt';
import { parseConfig } from '@switchboard/config';
import { createResolver, parseResolverConfig } from '../src/index.js';
import { startAccountServer, type AccountServer } from './account-server.js';
import { startNatsServer, waitFor, type RunningServer } from '@switchboard/testing';
import { createAccount, makeOperator, tempDir } from './helpers.js';

// The same `resolver: URL(...)` config and the same HTTP account server, used by the real
// nats-server in operator mode and by UrlResolver: proof that our URL protocol is nats-server's.

const sys = createAccount();
const op = makeOperator({ systemAccount: sys.getPublicKey() });
const acct = createAccount();
const key = acct.getPublicKey();
const acctJwt = op.issue(acct, { name: 'tenant' });
const stranger = createAccount();

let http: AccountServer;
let nats: RunningServer;
let natsPort: number;
let configText: string;
const tmp = tempDir('resolver-interop-');

function credsFor(account: KeyPair): string {
  const user = createUser();
  const jwt = encode(newUserClaims(user.getPublicKey(), 'alice'), account);
  return formatCreds(jwt, new TextDecoder().decode(user.getSeed()));
}

beforeAll(async () => {
  http = await startAccountServer();
  http.accounts.set(sys.getPublicKey(), op.issue(sys, { name: 'SYS' }));
  http.accounts.set(key, acctJwt);
  configText = `operator: "${op.jwt}"\nsystem_account: ${sys.getPublicKey()}\nresolver: URL(${http.url})\n`;
  nats = await startNatsServer({ config: configText });
  natsPort = nats.port;
});

afterAll(async () => {
  await nats?.stop();
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
    const err = await connect({ port: natsPort, reconnect: false, authenticator: credsAuthenticator(new TextEncoder().encode(credsFor(stranger))) }).catch(
      (e: unknown) => e,
    );
    expect(String(err)).toMatch(/Authorization Violation/i);
    await waitFor(() => http.count(stranger.getPublicKey()) >= 1, 10_000, 'nats-server to ask for the unknown account');
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
