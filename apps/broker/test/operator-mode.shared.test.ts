// The same operator-mode config file starts nats-server and the broker; every case below runs
// against both and asserts nats-server's observable behaviour (error texts, reply JSON, events).
import { encodeAccount, encodeUser } from '@nats-io/jwt';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, text } from './helpers.js';
import {
  fullResolver,
  makeOperator,
  nonceOf,
  noPings,
  nowSec,
  operatorConfig,
  rawAs,
  RawClient,
  rawConnect,
  sign,
  startServer,
  UNLIMITED,
  user,
  waitFor,
  type OperatorFixture,
  type RunningServer,
  type ServerKind,
} from '@switchboard/testing';

const fx: OperatorFixture = await makeOperator();
const config = operatorConfig(fx);
const AUTH_VIOLATION = "-ERR 'Authorization Violation'\r\n";
let e2Seen = '';
let liveLimits = '';
/** nats-server applies the new limits at once, with no INFO: the 2nd SUB and a 9-byte PUB are refused. */
const LIVE_LIMITS_EXPECTED = "-ERR 'maximum subscriptions exceeded'\r\nPONG\r\n|-ERR 'Maximum Payload Violation'\r\n";
/** nats-server closes a user whose signing key was dropped without sending anything. */
const E2_EXPECTED = '';

describe.each<ServerKind>(['nats-server', 'broker'])('operator mode (MEMORY resolver) against %s', (kind) => {
  let srv: RunningServer;
  let sys: NatsConnection;
  beforeAll(async () => {
    srv = await startServer(kind, { config });
    sys = await asUser(srv.port, fx.users.sys);
  }, 30_000);
  afterAll(async () => {
    await sys?.close();
    await srv?.stop();
  });

  it('INFO requires auth and carries a nonce', async () => {
    const c = await RawClient.open(srv.port);
    await c.waitFor('\r\n');
    const info = JSON.parse(c.data.slice(5, c.data.indexOf('\r\n')));
    expect(info.auth_required).toBe(true);
    expect(nonceOf(c.data)).toMatch(/^[A-Za-z0-9_-]{15,}$/);
    c.destroy();
  });

  it('a user signed by the account, and one by its signing key, connect and exchange messages', async () => {
    const a = await asUser(srv.port, fx.users.a);
    const s = await asUser(srv.port, fx.users.signed);
    const sub = a.subscribe('greet');
    await a.flush();
    s.publish('greet', 'hello');
    for await (const m of sub) {
      expect(text(m.data)).toBe('hello');
      break;
    }
    await Promise.all([a.close(), s.close()]);
  });

  it.each([
    ['revoked', () => fx.users.revoked],
    ['expired', () => fx.users.expired],
    ['not yet valid', () => fx.users.notYet],
    ['forged (unknown signing key)', () => fx.users.forged],
    ['bearer without a signature is fine, but not this src', () => fx.users.fromElsewhere],
  ])('refuses a %s user with Authorization Violation and closes', async (_name, cred) => {
    const c = await rawConnect(srv.port, (nonce) => ({ jwt: cred().jwt, sig: sign(cred().key, nonce) }));
    await c.waitFor(AUTH_VIOLATION);
    await c.waitClosed();
  });

  it('refuses anonymous clients', async () => {
    const c = await rawConnect(srv.port, () => ({}));
    await c.waitFor(AUTH_VIOLATION);
    await c.waitClosed();
    await expect(connect({ port: srv.port, reconnect: false })).rejects.toThrow(/Authorization Violation/);
  });

  it('a bearer token needs no signature', async () => {
    const c = await rawConnect(srv.port, () => ({ jwt: fx.users.bearer.jwt }));
    await c.waitFor('PONG\r\n');
    c.destroy();
  });

  it('refuses malformed, truncated, forged and oversized JWTs and signatures, and keeps serving', async () => {
    const a = fx.users.a;
    const [h, p, s] = a.jwt.split('.') as [string, string, string];
    const flip = (x: string) => x.slice(0, 10) + (x[10] === 'A' ? 'B' : 'A') + x.slice(11);
    const cases: Array<(nonce: string) => Record<string, unknown>> = [
      (n) => ({ jwt: 'not a jwt', sig: sign(a.key, n) }),
      (n) => ({ jwt: a.jwt.slice(0, a.jwt.length / 2), sig: sign(a.key, n) }),
      (n) => ({ jwt: `${h}.${p}`, sig: sign(a.key, n) }),
      (n) => ({ jwt: `${h}.${flip(p)}.${s}`, sig: sign(a.key, n) }),
      (n) => ({ jwt: `${h}.${p}.${flip(s)}`, sig: sign(a.key, n) }),
      (n) => ({ jwt: `${h}.${Buffer.from('{"sub":1,"nats":null}').toString('base64url')}.${s}`, sig: sign(a.key, n) }),
      (n) => ({ jwt: fx.accountJwt.a, sig: sign(a.key, n) }),
      (n) => ({ jwt: `${h}.${'A'.repeat(3000)}.${s}`, sig: sign(a.key, n) }),
      () => ({ jwt: a.jwt }),
      () => ({ jwt: a.jwt, sig: '' }),
      () => ({ jwt: a.jwt, sig: '!!!not base64!!!' }),
      () => ({ jwt: a.jwt, sig: sign(a.key, 'another nonce') }),
      (n) => ({ jwt: a.jwt, sig: sign(createUser(), n) }),
      (n) => ({ jwt: a.jwt, sig: sign(a.key, n).repeat(20) }),
    ];
    for (const [i, fields] of cases.entries()) {
      const c = await rawConnect(srv.port, fields);
      await c.waitClosed();
      expect(`${i}: ${noPings(c.data)}`).toBe(`${i}: ${AUTH_VIOLATION}`);
    }
    // CONNECT JSON of the wrong types: nats-server closes without a reply (a protocol error, not auth).
    for (const fields of [(n: string) => ({ jwt: 42, sig: sign(a.key, n) }), (n: string) => ({ jwt: a.jwt, sig: [sign(a.key, n)] })]) {
      const c = await rawConnect(srv.port, fields);
      await c.waitClosed();
      expect(c.data).not.toContain('PONG');
    }
    // Past max_control_line (4 KB): refused by the parser before any JWT check.
    const huge = await rawConnect(srv.port, (n) => ({ jwt: `${h}.${'A'.repeat(8_000)}.${s}`, sig: sign(a.key, n) }));
    await huge.waitClosed();
    expect(noPings(huge.data)).toBe("-ERR 'maximum control line exceeded'\r\n");
    const ok = await rawAs(srv.port, a);
    ok.destroy();
  });

  it('enforces the user JWT permissions with nats-server errors and keeps the connection', async () => {
    const c = await rawAs(srv.port, fx.users.limited);
    c.send('SUB ok.x 1\r\nPUB ok.x 3\r\nyes\r\nPING\r\n');
    await c.waitFor('MSG ok.x 1 3\r\nyes\r\n');
    c.send('PUB other 2\r\nno\r\nSUB other 2\r\nSUB ok.hidden 3\r\nPUB ok.secret 1\r\nx\r\nSUB ok.x.y 4\r\nPING\r\n');
    await c.waitFor('PONG\r\n');
    await waitFor(() => (c.data.match(/PONG/g) ?? []).length >= 3, 5_000, 'PONGs');
    expect(c.data).toContain(`-ERR 'Permissions Violation for Publish to "other"'\r\n`);
    expect(c.data).toContain(`-ERR 'Permissions Violation for Subscription to "other"'\r\n`);
    expect(c.data).toContain(`-ERR 'Permissions Violation for Subscription to "ok.hidden"'\r\n`);
    expect(c.data).toContain(`-ERR 'Permissions Violation for Publish to "ok.secret"'\r\n`);
    expect(c.data).toContain(`-ERR 'Permissions Violation for Subscription to "ok.x.y"'\r\n`);
    expect(c.closed).toBe(false);
    c.destroy();
  });

  it('enforces queue permissions', async () => {
    const c = await rawAs(srv.port, fx.users.queue);
    c.send('SUB q.a workers 1\r\nSUB q.a others 2\r\nSUB q.a 3\r\nPING\r\n');
    await waitFor(() => (c.data.match(/PONG/g) ?? []).length >= 2, 5_000, 'PONGs');
    expect(c.data).not.toContain('"q.a" using queue "workers"');
    expect(c.data).toContain(`-ERR 'Permissions Violation for Subscription to "q.a" using queue "others"'\r\n`);
    expect(c.data).toContain(`-ERR 'Permissions Violation for Subscription to "q.a"'\r\n`);
    c.destroy();
  });

  it('publishes CONNECT and DISCONNECT events to the system account', async () => {
    const connects = sys.subscribe(`$SYS.ACCOUNT.${fx.keys.a.getPublicKey()}.CONNECT`);
    const disconnects = sys.subscribe(`$SYS.ACCOUNT.${fx.keys.a.getPublicKey()}.DISCONNECT`);
    await sys.flush();
    const a = await asUser(srv.port, fx.users.a);
    // Events of user a's earlier connections (other tests) may still be on their way: only this one's count.
    const cid = a.info!.client_id;
    await a.close();
    for await (const m of connects) {
      const ev = JSON.parse(text(m.data));
      if (ev.client?.id !== cid) continue;
      expect(ev.type).toBe('io.nats.server.advisory.v1.client_connect');
      expect(ev.client).toMatchObject({
        acc: fx.keys.a.getPublicKey(),
        user: fx.users.a.key.getPublicKey(),
        kind: 'Client',
        client_type: 'nats',
        name_tag: 'a',
      });
      expect(ev.server).toMatchObject({ ver: '2.9.10', jetstream: false });
      expect(typeof ev.server.id).toBe('string');
      break;
    }
    for await (const m of disconnects) {
      const ev = JSON.parse(text(m.data));
      if (ev.client?.id !== cid) continue;
      expect(ev.type).toBe('io.nats.server.advisory.v1.client_disconnect');
      expect(ev.reason).toBe('Client Closed');
      expect(ev.client.user).toBe(fx.users.a.key.getPublicKey());
      expect(ev.sent).toEqual({ msgs: 0, bytes: 0 });
      break;
    }
  });

  it('answers claims updates with nats-server JSON (MEMORY: errors, skipped, updated)', async () => {
    const req = async (subject: string, body: string) =>
      JSON.parse(text((await sys.request(subject, new TextEncoder().encode(body), { timeout: 3_000 })).data));
    const c = fx.keys.c.getPublicKey();
    const d = fx.keys.d.getPublicKey();
    const empty = await req(`$SYS.REQ.ACCOUNT.${c}.CLAIMS.UPDATE`, '');
    expect(empty.error).toEqual({ account: c, code: 500, description: 'jwt update error - request body is empty' });
    expect(empty.server).toMatchObject({ ver: '2.9.10' });
    const mismatch = await req(`$SYS.REQ.ACCOUNT.${c}.CLAIMS.UPDATE`, fx.accountJwt.d);
    expect(mismatch.error).toEqual({ account: c, code: 500, description: 'jwt update resulted in error - subject does not match jwt content' });
    const garbage = await req(`$SYS.REQ.ACCOUNT.${c}.CLAIMS.UPDATE`, 'garbage');
    expect(garbage.error).toMatchObject({ account: c, code: 500 });
    expect(garbage.error.description).toMatch(/^jwt update resulted in error - /);
    // D is preloaded but no client used it yet: nats-server's memory resolver skips it.
    const skipped = await req(`$SYS.REQ.ACCOUNT.${d}.CLAIMS.UPDATE`, fx.accountJwt.d);
    expect(skipped).toMatchObject({ data: { account: d, code: 200, message: 'jwt update skipped' } });
    // Signed by an operator nobody trusts.
    await asUser(srv.port, fx.users.c2).then((x) => x.close());
    const untrusted = await req(
      `$SYS.REQ.ACCOUNT.${c}.CLAIMS.UPDATE`,
      await encodeAccount('C', fx.keys.c, { limits: UNLIMITED }, { signer: createOperator() }),
    );
    expect(untrusted.error).toEqual({ account: c, code: 500, description: 'jwt update resulted in error - account validation failed' });
    // MEMORY answers no lookups and no account-less updates.
    await expect(sys.request(`$SYS.REQ.ACCOUNT.${c}.CLAIMS.LOOKUP`, new Uint8Array(0), { timeout: 1_000 })).rejects.toThrow();
  });

  it('a live claims update revokes a connected user at once and keeps the others', async () => {
    const c1 = await rawAs(srv.port, fx.users.c1);
    const c2 = await asUser(srv.port, fx.users.c2);
    const update = await encodeAccount(
      'C',
      fx.keys.c,
      { limits: UNLIMITED, revocations: { [fx.users.c1.key.getPublicKey()]: nowSec() } },
      { signer: fx.keys.operator },
    );
    const r = JSON.parse(
      text((await sys.request(`$SYS.REQ.ACCOUNT.${fx.keys.c.getPublicKey()}.CLAIMS.UPDATE`, new TextEncoder().encode(update), { timeout: 3_000 })).data),
    );
    expect(r.data).toEqual({ account: fx.keys.c.getPublicKey(), code: 200, message: 'jwt updated' });
    await c1.waitFor("-ERR 'User Authentication Revoked'\r\n");
    await c1.waitClosed();
    await c2.flush(); // still connected
    const again = await rawConnect(srv.port, (nonce) => ({ jwt: fx.users.c1.jwt, sig: sign(fx.users.c1.key, nonce) }));
    await again.waitFor(AUTH_VIOLATION);
    // A user issued after the revocation time is fine.
    await waitFor(
      () => nowSec() > JSON.parse(Buffer.from(update.split('.')[1]!, 'base64url').toString()).nats.revocations[fx.users.c1.key.getPublicKey()],
      3_000,
      'the next second',
    );
    const fresh = await asUser(srv.port, await user('c3', fx.keys.c));
    await Promise.all([fresh.close(), c2.close()]);
  });

  it('a live update that drops a signing key or revokes "*" closes the users it no longer admits', async () => {
    const e = fx.keys.e.getPublicKey();
    const update = async (jwt: string) =>
      JSON.parse(text((await sys.request(`$SYS.REQ.ACCOUNT.${e}.CLAIMS.UPDATE`, new TextEncoder().encode(jwt), { timeout: 3_000 })).data));
    const e1 = await rawAs(srv.port, fx.users.e1);
    const e2 = await rawAs(srv.port, fx.users.e2);
    e1.data = '';
    e2.data = '';
    const noSigner = await encodeAccount('E', fx.keys.e, { limits: UNLIMITED }, { signer: fx.keys.operator });
    expect((await update(noSigner)).data.message).toBe('jwt updated');
    await e2.waitClosed();
    e1.send('PING\r\n');
    await e1.waitFor('PONG\r\n');
    e2Seen = noPings(e2.data);
    await waitFor(() => nowSec() > JSON.parse(Buffer.from(noSigner.split('.')[1]!, 'base64url').toString()).iat, 3_000, 'a later iat');
    const all = await encodeAccount('E', fx.keys.e, { limits: UNLIMITED, revocations: { '*': nowSec() } }, { signer: fx.keys.operator });
    expect((await update(all)).data.message).toBe('jwt updated');
    await e1.waitFor("-ERR 'User Authentication Revoked'\r\n");
    await e1.waitClosed();
    expect(e2Seen).toBe(E2_EXPECTED);
  });

  it('a live update applies new account payload and subscription limits to connected users', async () => {
    const d = fx.keys.d.getPublicKey();
    const du = await user('d1', fx.keys.d);
    const c = await rawAs(srv.port, du);
    c.data = '';
    const jwt = await encodeAccount('D', fx.keys.d, { limits: { ...UNLIMITED, payload: 8, subs: 1 } }, { signer: fx.keys.operator });
    const r = JSON.parse(text((await sys.request(`$SYS.REQ.ACCOUNT.${d}.CLAIMS.UPDATE`, new TextEncoder().encode(jwt), { timeout: 3_000 })).data));
    expect(r.data.message).toBe('jwt updated');
    c.send('SUB a 1\r\nSUB b 2\r\nPING\r\n');
    await c.waitFor('PONG\r\n');
    liveLimits = c.data;
    c.send('PUB a 9\r\n123456789\r\n');
    await c.waitClosed();
    liveLimits += '|' + c.data.slice(liveLimits.length);
    expect(noPings(liveLimits)).toBe(LIVE_LIMITS_EXPECTED);
  });

  it('a live update that sets an account expiry disconnects its users then', async () => {
    const c = fx.keys.c.getPublicKey();
    const conn = await rawAs(srv.port, await user('c4', fx.keys.c));
    conn.data = '';
    const jwt = await encodeAccount('C', fx.keys.c, { limits: UNLIMITED }, { signer: fx.keys.operator, exp: nowSec() + 2 });
    const r = JSON.parse(text((await sys.request(`$SYS.REQ.ACCOUNT.${c}.CLAIMS.UPDATE`, new TextEncoder().encode(jwt), { timeout: 3_000 })).data));
    expect(r.data.message).toBe('jwt updated');
    await conn.waitClosed(6_000);
    // Server PINGs may come first (nats-server pings new clients after ~2 s).
    expect(noPings(conn.data)).toBe("-ERR 'Account Authentication Expired'\r\n");
  });

  it('disconnects a user when its JWT expires, with nats-server error text', async () => {
    const soon = await user('soon', fx.keys.a, {}, { exp: nowSec() + 2 });
    const c = await rawAs(srv.port, soon);
    await c.waitFor("-ERR 'User Authentication Expired'\r\n", 5_000);
    await c.waitClosed();
  });
});

// Directory resolver: each server gets its own directory (same config otherwise).
describe.each<ServerKind>(['nats-server', 'broker'])('operator mode (full resolver) against %s', (kind) => {
  let srv: RunningServer;
  let sys: NatsConnection;
  beforeAll(async () => {
    srv = await startServer(kind, { config: (dir) => operatorConfig(fx, fullResolver(join(dir, 'jwt'))) });
    sys = await asUser(srv.port, fx.users.sys);
  }, 30_000);
  afterAll(async () => {
    await sys?.close();
    await srv?.stop();
  });

  it('looks up and takes new accounts through $SYS.REQ.CLAIMS.UPDATE', async () => {
    const lookup = await sys.request(`$SYS.REQ.ACCOUNT.${fx.keys.a.getPublicKey()}.CLAIMS.LOOKUP`, new Uint8Array(0), { timeout: 3_000 });
    expect(text(lookup.data)).toBe(fx.accountJwt.a);
    const fresh = createAccount();
    const jwt = await encodeAccount('NEW', fresh, { limits: UNLIMITED }, { signer: fx.keys.operator });
    const r = JSON.parse(text((await sys.request('$SYS.REQ.CLAIMS.UPDATE', new TextEncoder().encode(jwt), { timeout: 3_000 })).data));
    expect(r.data).toEqual({ account: fresh.getPublicKey(), code: 200, message: 'jwt updated' });
    const u = createUser();
    const nc = await asUser(srv.port, { key: u, jwt: await encodeUser('n', u, fresh) });
    await nc.close();
    const garbage = JSON.parse(text((await sys.request('$SYS.REQ.CLAIMS.UPDATE', new TextEncoder().encode('garbage'), { timeout: 3_000 })).data));
    expect(garbage.error).toMatchObject({ account: 'n/a', code: 500 });
  });
});
