// Account limits from the JWT, the shared suite: one operator-mode config file starts the
// reference nats-server and the broker; each case asserts what nats-server 2.9 does (error
// texts, who is closed), so the broker must do the same. Switchboard's `sb:` tags ride along in
// the same JWTs: nats-server must accept them unchanged.
import { encodeAccount, encodeOperator } from '@nats-io/jwt';
import { createAccount, createOperator, type KeyPair } from '@nats-io/nkeys';
import { connect, jwtAuthenticator, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  noPings,
  rawAs,
  RawClient,
  rawConnect,
  sign,
  startServer,
  UNLIMITED,
  user,
  type Cred,
  type RunningServer,
  type ServerKind,
} from '@switchboard/testing';

const operator = createOperator();
const keys: Record<string, KeyPair> = {};
const jwts: Record<string, string> = {};
async function account(name: string, claims: Record<string, unknown>): Promise<void> {
  keys[name] = createAccount();
  jwts[name] = await encodeAccount(name, keys[name]!, claims, { signer: operator });
}
await account('SYS', { limits: UNLIMITED });
await account('CONN', { limits: { ...UNLIMITED, conn: 1 } });
await account('LIVE', { limits: UNLIMITED });
await account('SUBS', { limits: { ...UNLIMITED, subs: 2 } });
await account('PAY', { limits: { ...UNLIMITED, payload: 8 } });
await account('EXPORTS', {
  limits: { ...UNLIMITED, exports: 1 },
  exports: [
    { type: 'stream', subject: 'a.>' },
    { type: 'stream', subject: 'b.>' },
  ],
});
await account('NOWILD', { limits: { ...UNLIMITED, wildcards: false }, exports: [{ type: 'stream', subject: 'w.*' }] });
await account('TAGGED', { limits: UNLIMITED, tags: ['sb:rate_msgs=100000', 'sb:rate_bytes=100000000', 'sb:subs_total=1000'] });
const config = [
  `operator: ${await encodeOperator('OP', operator, { system_account: keys.SYS!.getPublicKey() })}`,
  `system_account: ${keys.SYS!.getPublicKey()}`,
  'resolver: MEMORY',
  'resolver_preload: {',
  ...Object.keys(jwts).map((n) => `  ${keys[n]!.getPublicKey()}: ${jwts[n]}`),
  '}',
  '',
].join('\n');
const as = (name: string): Promise<Cred> => user(name.toLowerCase(), keys[name]!);
const MAX_ACCOUNT_CONNS = "-ERR 'maximum account active connections exceeded'\r\n";

describe.each<ServerKind>(['nats-server', 'broker'])('account JWT limits against %s', (kind) => {
  let srv: RunningServer;
  const open: RawClient[] = [];
  const raw = async (name: string): Promise<RawClient> => {
    const c = await rawAs(srv.port, await as(name));
    open.push(c);
    return c;
  };
  beforeAll(async () => {
    srv = await startServer(kind, { config });
  }, 30_000);
  afterAll(async () => {
    for (const c of open) c.destroy();
    await srv?.stop();
  });

  it("conn: a connection over the limit gets nats-server's error and is closed; the first keeps working", async () => {
    const first = await raw('CONN');
    const cred = await as('CONN');
    const second = await rawConnect(srv.port, (nonce) => ({ jwt: cred.jwt, sig: sign(cred.key, nonce) }));
    open.push(second);
    await second.waitFor(MAX_ACCOUNT_CONNS);
    await second.waitClosed();
    expect(second.data).not.toContain('PONG');
    first.data = '';
    first.send('PING\r\n');
    await first.waitFor('PONG\r\n');
    // Its slot freed, another connection is let in.
    first.destroy();
    await waitUntil(async () => {
      const c = await rawConnect(srv.port, (nonce) => ({ jwt: cred.jwt, sig: sign(cred.key, nonce) }));
      open.push(c);
      const ok = await c.waitFor('PONG\r\n', 1_000).then(
        () => true,
        () => false,
      );
      c.destroy();
      return ok;
    });
  });

  it('subs: the account limit counts per connection (nats-server 2.9), not across them', async () => {
    const a = await raw('SUBS');
    a.data = '';
    a.send('SUB a 1\r\nSUB b 2\r\nPING\r\n');
    await a.waitFor('PONG\r\n');
    // nats-server PINGs every new client about 2 s after it connects, busy or not: its own timing.
    expect(noPings(a.data)).toBe('PONG\r\n');
    const b = await raw('SUBS');
    b.data = '';
    b.send('SUB c 1\r\nSUB d 2\r\nSUB e 3\r\nPING\r\n');
    await b.waitFor('PONG\r\n');
    expect(noPings(b.data)).toBe("-ERR 'maximum subscriptions exceeded'\r\nPONG\r\n");
  });

  it('payload: a larger publish is a Maximum Payload Violation and closes', async () => {
    const c = await raw('PAY');
    c.data = '';
    c.send('PUB x 9\r\n123456789\r\nPING\r\n');
    await c.waitFor("-ERR 'Maximum Payload Violation'\r\n");
    await c.waitClosed();
  });

  it('exports over the limit make the account JWT invalid: its users get Authorization Violation', async () => {
    const cred = await as('EXPORTS');
    const c = await rawConnect(srv.port, (nonce) => ({ jwt: cred.jwt, sig: sign(cred.key, nonce) }));
    open.push(c);
    await c.waitFor("-ERR 'Authorization Violation'\r\n");
    await c.waitClosed();
  });

  it('wildcards: false is not enforced by nats-server 2.9: an account with a wildcard export loads', async () => {
    const c = await raw('NOWILD');
    c.data = '';
    c.send('SUB w.* 1\r\nPUB w.x 1\r\nx\r\nPING\r\n');
    await c.waitFor('PONG\r\n');
    expect(noPings(c.data)).toBe('MSG w.x 1 1\r\nx\r\nPONG\r\n');
  });

  it('a JWT carrying Switchboard sb: tags is accepted unchanged and routes', async () => {
    const cred = await as('TAGGED');
    const nc = await connect({ port: srv.port, authenticator: jwtAuthenticator(cred.jwt, cred.key.getSeed()), reconnect: false });
    const sub = nc.subscribe('t', { max: 1 });
    nc.publish('t', 'x');
    for await (const m of sub) expect(m.string()).toBe('x');
    await nc.close();
  });

  it('a live update lowering conn keeps the connections already in and refuses the next one', async () => {
    const sys = await natsAs(srv.port, await as('SYS'));
    const older = await raw('LIVE');
    const newer = await raw('LIVE');
    const updated = await encodeAccount('LIVE', keys.LIVE!, { limits: { ...UNLIMITED, conn: 2 } }, { signer: operator });
    const r = await sys.request(`$SYS.REQ.ACCOUNT.${keys.LIVE!.getPublicKey()}.CLAIMS.UPDATE`, new TextEncoder().encode(updated), { timeout: 5_000 });
    expect(r.string()).toContain('jwt updated');
    const cred = await as('LIVE');
    const third = await rawConnect(srv.port, (nonce) => ({ jwt: cred.jwt, sig: sign(cred.key, nonce) }));
    open.push(third);
    await third.waitFor(MAX_ACCOUNT_CONNS);
    await third.waitClosed();
    for (const c of [older, newer]) {
      c.data = '';
      c.send('PING\r\n');
      await c.waitFor('PONG\r\n');
    }
    await sys.close();
  });
});

function natsAs(port: number, cred: Cred): Promise<NatsConnection> {
  return connect({ port, authenticator: jwtAuthenticator(cred.jwt, cred.key.getSeed()), reconnect: false });
}

async function waitUntil(cond: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
  }
}
