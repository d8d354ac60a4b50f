// Switchboard's per-account limits beyond nats-server, on the broker with real nats.js clients:
// a publish rate and an account-wide subscription limit, set and changed live by account JWT
// updates carrying `sb:` tags (the same JWTs load unchanged in nats-server: limits.shared.test.ts).
import { encodeAccount, encodeOperator } from '@nats-io/jwt';
import { createAccount, createOperator, type KeyPair } from '@nats-io/nkeys';
import { connect, jwtAuthenticator, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawAs, startServer, UNLIMITED, user, type Cred, type RawClient, type RunningServer } from '@switchboard/testing';

const operator = createOperator();
const sys = createAccount();
const a = createAccount();
const b = createAccount();
const accountJwt = (name: string, kp: KeyPair, tags: string[] = []) =>
  encodeAccount(name, kp, { limits: UNLIMITED, ...(tags.length > 0 && { tags }) }, { signer: operator });
const config = [
  `operator: ${await encodeOperator('OP', operator, { system_account: sys.getPublicKey() })}`,
  `system_account: ${sys.getPublicKey()}`,
  'resolver: MEMORY',
  'resolver_preload: {',
  `  ${sys.getPublicKey()}: ${await accountJwt('SYS', sys)}`,
  `  ${a.getPublicKey()}: ${await accountJwt('A', a)}`,
  `  ${b.getPublicKey()}: ${await accountJwt('B', b)}`,
  '}',
  '',
].join('\n');

let srv: RunningServer;
const conns: NatsConnection[] = [];
const raws: RawClient[] = [];
async function as(account: KeyPair): Promise<NatsConnection> {
  const cred: Cred = await user('u', account);
  const nc = await connect({ port: srv.port, authenticator: jwtAuthenticator(cred.jwt, cred.key.getSeed()), reconnect: false });
  conns.push(nc);
  return nc;
}
async function updateA(tags: string[]): Promise<void> {
  const s = await as(sys);
  const r = await s.request(`$SYS.REQ.ACCOUNT.${a.getPublicKey()}.CLAIMS.UPDATE`, new TextEncoder().encode(await accountJwt('A', a, tags)), { timeout: 5_000 });
  expect(r.string()).toContain('jwt updated');
}

beforeAll(async () => {
  srv = await startServer('broker', { config });
}, 30_000);
afterAll(async () => {
  for (const r of raws) r.destroy();
  await Promise.all(conns.map((c) => c.close()));
  await srv?.stop();
});

describe('Switchboard account limits (broker)', () => {
  it("a live sb:rate_msgs slows the account's publisher without dropping anything; another account keeps answering meanwhile", async () => {
    const pub = await as(a);
    const sub = await as(a);
    await updateA(['sb:rate_msgs=100']);
    const N = 150;
    const got = sub.subscribe('flood', { max: N });
    await sub.flush();
    const responder = await as(b);
    responder.subscribe('svc', { callback: (_e, m) => m.respond(m.data) });
    await responder.flush();
    const requester = await as(b);

    // Reading is paused after the read chunk that overdrew A's bucket: the first burst goes
    // through, the next chunk waits until the debt is repaid.
    const t0 = performance.now();
    for (let i = 0; i < N - 1; i++) pub.publish('flood', String(i));
    await pub.flush();
    pub.publish('flood', String(N - 1));
    let flushed = false;
    const lastFlush = pub.flush().then(() => (flushed = true));
    let received = 0;
    const receiving = (async () => {
      for await (const m of got) {
        expect(m.string()).toBe(String(received));
        received++;
      }
    })();
    // Account B is not held back by A's limit: its requests are answered while A waits.
    let repliesWhileThrottled = 0;
    while (!flushed) {
      expect((await requester.request('svc', 'ping', { timeout: 5_000 })).string()).toBe('ping');
      if (!flushed) repliesWhileThrottled++;
    }
    await lastFlush;
    await receiving;
    const seconds = (performance.now() - t0) / 1000;
    expect(received).toBe(N);
    // The last chunk is read only once 149 messages at 100/s (less a 5-message burst) are paid for.
    expect(seconds).toBeGreaterThanOrEqual(1.4);
    expect(repliesWhileThrottled).toBeGreaterThan(0);
  });

  it('sb:subs_total counts subscriptions across connections, applied live', async () => {
    await updateA(['sb:subs_total=2']);
    const one = await rawAs(srv.port, await user('one', a));
    const two = await rawAs(srv.port, await user('two', a));
    raws.push(one, two);
    one.data = '';
    one.send('SUB x.1 1\r\nSUB x.2 2\r\nPING\r\n');
    await one.waitFor('PONG\r\n');
    expect(one.data).toBe('PONG\r\n');
    two.data = '';
    two.send('SUB x.3 1\r\nPING\r\n');
    await two.waitFor('PONG\r\n');
    expect(two.data).toBe("-ERR 'maximum subscriptions exceeded'\r\nPONG\r\n");
    // Lifted live: the same SUB now succeeds and delivers.
    await updateA([]);
    two.data = '';
    two.send('SUB x.3 1\r\nPING\r\n');
    await two.waitFor('PONG\r\n');
    one.send('PUB x.3 2\r\nok\r\n');
    await two.waitFor('MSG x.3 1 2\r\nok\r\n');
  });
});
