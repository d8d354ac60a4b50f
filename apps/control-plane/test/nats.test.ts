// The tenant journey against a real nats-server in operator mode that resolves accounts from this
// control plane (resolver: URL(...)): signup -> user from a local nkey -> .creds -> pub/sub;
// revoke -> the re-signed account JWT is pushed with the system user -> that user is refused;
// plan sb: tags (and a quota hold) in the JWT nats-server loads.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createUser } from '@nats-io/nkeys';
import { connect, credsAuthenticator, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@switchboard/db';
import { decode, formatCreds } from '@switchboard/nats-jwt';
import { QuotaCheck } from '@switchboard/usage';
import { OperatorService } from '../src/operator/operator.service.js';
import { DATABASE } from '../src/tokens.js';
import { poll, startNatsServer, type RunningServer } from '@switchboard/testing';
import { startControlPlane, type Harness } from './harness.js';

const enc = new TextEncoder();

describe('a real nats-server resolving accounts from the control plane', { timeout: 90_000 }, () => {
  let h: Harness;
  let dir: string;
  let server: RunningServer;
  let natsUrl: string;
  const open: NatsConnection[] = [];

  const connectWith = async (creds: string) => {
    const nc = await connect({ servers: natsUrl, authenticator: credsAuthenticator(enc.encode(creds)), reconnect: false, timeout: 5000 });
    open.push(nc);
    return nc;
  };

  beforeAll(async () => {
    h = await startControlPlane();
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const cpPort = (h.app.getHttpServer().address() as net.AddressInfo).port;
    const op = (await h.call('GET', '/v1/operator', h.adminToken)).body;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-nats-'));
    fs.writeFileSync(path.join(dir, 'operator.jwt'), op.jwt);
    fs.writeFileSync(
      path.join(dir, 'server.conf'),
      [
        `operator: ${JSON.stringify(path.join(dir, 'operator.jwt'))}`,
        `system_account: ${op.systemAccount.publicKey}`,
        `resolver: URL("http://127.0.0.1:${cpPort}/jwt/v1/accounts/")`,
      ].join('\n'),
    );
    server = await startNatsServer({ configFile: path.join(dir, 'server.conf') });
    natsUrl = server.url;
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(open.map((nc) => nc.close()));
    await server?.stop();
    await h?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('signup -> user from a local nkey -> .creds connects and does pub/sub; revoked user is refused', async () => {
    const signup = (await h.call('POST', '/v1/signup', undefined, { email: 'ops@journey.example', organization: 'Journey' })).body;
    const token: string = signup.token;
    const accountId: string = signup.account.id;

    // The seed is made here and never sent.
    const kp = createUser();
    const created = await h.call('POST', `/v1/accounts/${accountId}/users`, token, { name: 'alice', publicKey: kp.getPublicKey() });
    expect(created.status).toBe(201);
    const creds = formatCreds(created.body.jwt, kp.getSeed());

    const nc = await connectWith(creds);
    const sub = nc.subscribe('orders.new', { max: 1 });
    const got = (async () => {
      for await (const m of sub) return new TextDecoder().decode(m.data);
    })();
    await nc.flush();
    const pub = await connectWith(creds);
    pub.publish('orders.new', enc.encode('order #1'));
    await pub.flush();
    expect(await got).toBe('order #1');

    // A second user of another tenant lives in another subject space.
    const other = (await h.call('POST', '/v1/signup', undefined, { email: 'ops@other.example', organization: 'Other' })).body;
    const okp = createUser();
    const ou = (await h.call('POST', `/v1/accounts/${other.account.id}/users`, other.token, { name: 'eve', publicKey: okp.getPublicKey() })).body;
    const eve = await connectWith(formatCreds(ou.jwt, okp.getSeed()));
    const spy = eve.subscribe('orders.>');
    await eve.flush();
    const check = nc.subscribe('orders.ping', { max: 1 });
    const echoed = (async () => {
      for await (const m of check) return m.subject;
    })();
    await nc.flush();
    pub.publish('orders.ping');
    await pub.flush();
    expect(await echoed).toBe('orders.ping');
    await eve.flush();
    expect(spy.getProcessed()).toBe(0);

    // Revoke: the account JWT is re-signed; push it as nats-server's own resolver is fed.
    const revoked = await h.call('POST', `/v1/accounts/${accountId}/users/${created.body.id}/revoke`, token);
    expect(revoked.status).toBe(200);
    // Until the new JWT reaches it, the server keeps the account it cached: the push is what propagates.
    const stale = await connectWith(creds);
    await stale.flush();
    const accountJwt = (await h.call('GET', `/v1/accounts/${accountId}/jwt`, token)).text;
    const sys = await connectWith(await h.app.get(OperatorService).systemCreds());
    const reply = await sys.request(`$SYS.REQ.ACCOUNT.${signup.account.publicKey}.CLAIMS.UPDATE`, enc.encode(accountJwt), { timeout: 5000 });
    expect(new TextDecoder().decode(reply.data)).toMatch(/"code":200/);

    const refusal = await poll(
      () =>
        connectWith(creds).then(
          () => undefined,
          (e: Error) => e.message,
        ),
      15_000,
      'the revoked user to be refused',
    );
    expect(refusal).toMatch(/authorization violation/i);
    // A fresh user of the same account still gets in.
    const kp2 = createUser();
    const u2 = (await h.call('POST', `/v1/accounts/${accountId}/users`, token, { name: 'bob', publicKey: kp2.getPublicKey() })).body;
    const bob = await connectWith(formatCreds(u2.jwt, kp2.getSeed()));
    await bob.flush();
  });
  it('suspending a tenant closes its connected users and refuses new ones; resuming lets them back in', async () => {
    const signup = (await h.call('POST', '/v1/signup', undefined, { email: 'ops@suspend.example', organization: 'Suspend' })).body;
    const kp = createUser();
    const user = (await h.call('POST', `/v1/accounts/${signup.account.id}/users`, signup.token, { name: 'sam', publicKey: kp.getPublicKey() })).body;
    const creds = formatCreds(user.jwt, kp.getSeed());
    const nc = await connectWith(creds);
    await nc.flush();
    const sys = await connectWith(await h.app.get(OperatorService).systemCreds());
    // What the worker does with the queued account: push its current JWT with the system user.
    const push = async () => {
      const jwt = (await h.call('GET', `/v1/accounts/${signup.account.id}/jwt`, h.adminToken)).text;
      const reply = await sys.request(`$SYS.REQ.ACCOUNT.${signup.account.publicKey}.CLAIMS.UPDATE`, enc.encode(jwt), { timeout: 5000 });
      expect(new TextDecoder().decode(reply.data)).toMatch(/"code":200/);
    };

    expect((await h.call('PATCH', `/v1/tenants/${signup.tenant.id}`, h.adminToken, { status: 'suspended' })).status).toBe(200);
    expect(h.queue.enqueued.at(-1)).toBe(signup.account.publicKey);
    await push();
    await nc.closed(); // nats-server drops the connected user on the update
    const refusal = await connectWith(creds).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(refusal).toMatch(/authorization violation/i);

    expect((await h.call('PATCH', `/v1/tenants/${signup.tenant.id}`, h.adminToken, { status: 'active' })).status).toBe(200);
    await push();
    const back = await poll(
      () =>
        connectWith(creds).then(
          () => true,
          () => undefined,
        ),
      15_000,
      'the resumed user to be admitted',
    );
    expect(back).toBe(true);
  });

  it('nats-server loads an account JWT carrying sb: tags, also one held over quota (sb:rate_msgs=0), and its users do pub/sub', async () => {
    // A quota of 0 messages is reached at once: the quota check holds the account.
    const plan = await h.call('POST', '/v1/plans', h.adminToken, {
      name: 'metered-nats',
      limits: { rateMsgs: 10, rateBytes: 4096, subsTotal: 5, monthlyMsgs: 0 },
    });
    expect(plan.status).toBe(201);
    const signup = (await h.call('POST', '/v1/signup', undefined, { email: 'ops@metered.example', organization: 'Metered' })).body;
    expect((await h.call('PATCH', `/v1/tenants/${signup.tenant.id}`, h.adminToken, { plan: 'metered-nats' })).status).toBe(200);
    const check = new QuotaCheck({ db: h.app.get<Database>(DATABASE).prisma, signer: h.app.get(OperatorService).signer(), queue: h.queue });
    expect((await check.run()).held).toContain(signup.account.publicKey);
    const served = (await h.call('GET', `/jwt/v1/accounts/${signup.account.publicKey}`)).text;
    expect(decode(served).claims.nats.tags).toEqual(['sb:subs_total=5', 'sb:rate_msgs=0', 'sb:rate_bytes=4096']);

    const kp = createUser();
    const user = (await h.call('POST', `/v1/accounts/${signup.account.id}/users`, signup.token, { name: 'meg', publicKey: kp.getPublicKey() })).body;
    const nc = await connectWith(formatCreds(user.jwt, kp.getSeed())); // nats-server fetched the tagged JWT through the URL resolver
    const sub = nc.subscribe('metered', { max: 1 });
    const got = (async () => {
      for await (const m of sub) return m.string();
    })();
    await nc.flush();
    nc.publish('metered', enc.encode('ok')); // nats-server ignores the tags: not held there
    expect(await got).toBe('ok');
  });
});
