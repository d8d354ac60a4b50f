// Streams, consumers and KV buckets of an account for the console, against a real nats-server -js
// in operator mode resolving accounts from this control plane: /jsz for streams and consumers, a
// one-minute read-only user of the account (signed here, never shown) for KV keys and values.
// Any role of the tenant reads; another tenant gets 404; the reader can read its bucket only.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createUser } from '@nats-io/nkeys';
import { Ajv } from 'ajv';
import { jetstream, jetstreamManager, AckPolicy } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, credsAuthenticator, jwtAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@switchboard/db';
import { issueKvReader, openSigner } from '@switchboard/issuer';
import { formatCreds } from '@switchboard/nats-jwt';
import type { Keyring } from '@switchboard/secrets';
import { freePort, startNatsServer, type RunningServer } from '@switchboard/testing';
import { DATABASE, KEYRING } from '../src/tokens.js';
import { SEED, startControlPlane, type Harness } from './harness.js';

describe('streams, consumers and KV of an account', { timeout: 90_000 }, () => {
  let h: Harness;
  let dir: string;
  let server: RunningServer;
  const open: NatsConnection[] = [];
  const A = { accountId: '', publicKey: '', token: '', viewer: '', member: '', creds: '' };
  const B = { accountId: '', token: '' };

  beforeAll(async () => {
    h = await startControlPlane();
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const cpPort = (h.app.getHttpServer().address() as net.AddressInfo).port;
    // JetStream on for the default plan before any account is signed.
    const free = (await h.call('GET', '/v1/plans', h.adminToken)).body.items.find((p: { name: string }) => p.name === 'free');
    const limits = { jsMemoryStorage: 1 << 20, jsDiskStorage: 10 << 20, jsStreams: 10, jsConsumers: 20 };
    expect((await h.call('PATCH', `/v1/plans/${free.id}`, h.adminToken, { limits })).status).toBe(200);
    const op = (await h.call('GET', '/v1/operator', h.adminToken)).body;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-js-routes-'));
    fs.writeFileSync(path.join(dir, 'operator.jwt'), op.jwt);
    const http = await freePort();
    fs.writeFileSync(
      path.join(dir, 'server.conf'),
      [
        `operator: ${JSON.stringify(path.join(dir, 'operator.jwt'))}`,
        `system_account: ${op.systemAccount.publicKey}`,
        `resolver: URL("http://127.0.0.1:${cpPort}/jwt/v1/accounts/")`,
        `jetstream { store_dir: ${JSON.stringify(path.join(dir, 'js'))} }`,
      ].join('\n'),
    );
    server = await startNatsServer({ configFile: path.join(dir, 'server.conf'), args: ['-m', String(http)] });
    expect((await h.call('POST', '/v1/brokers', h.adminToken, { name: 'n1', url: server.url, monitorUrl: `http://127.0.0.1:${http}` })).status).toBe(201);

    const a = (await h.call('POST', '/v1/signup', undefined, { email: 'a@js.test', organization: 'Alpha' })).body;
    Object.assign(A, { accountId: a.account.id, publicKey: a.account.publicKey, token: a.token });
    A.viewer = (await h.call('POST', '/v1/tokens', A.token, { name: 'v', role: 'tenant_viewer' })).body.token;
    A.member = (await h.call('POST', '/v1/tokens', A.token, { name: 'm', role: 'tenant_member' })).body.token;
    const b = (await h.call('POST', '/v1/signup', undefined, { email: 'b@js.test', organization: 'Beta' })).body;
    Object.assign(B, { accountId: b.account.id, token: b.token });

    // The tenant's application: a stream with a consumer half-way through, and a KV bucket.
    const kp = createUser();
    const u = await h.call('POST', `/v1/accounts/${A.accountId}/users`, A.token, { name: 'app', publicKey: kp.getPublicKey() });
    A.creds = formatCreds(u.body.jwt, kp.getSeed());
    const nc = await connect({ servers: server.url, authenticator: credsAuthenticator(new TextEncoder().encode(A.creds)), reconnect: false });
    open.push(nc);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
    await jsm.consumers.add('ORDERS', { durable_name: 'shipper', ack_policy: AckPolicy.Explicit });
    const js = jetstream(nc);
    for (let i = 1; i <= 5; i++) await js.publish(`orders.${i}`, `order ${i}`);
    const c = await js.consumers.get('ORDERS', 'shipper');
    for (let i = 0; i < 2; i++) expect((await c.next({ expires: 5000 }))?.seq).toBe(i + 1);
    const kv = await new Kvm(nc).create('config', { history: 5 });
    await kv.put('app.color', 'blue');
    await kv.put('app.color', 'green');
    await kv.put('limits', '{"max":3}');
    await kv.put('gone', 'x');
    await kv.delete('gone');
    await kv.put('blob', new Uint8Array([0xff, 0x00, 0xfe]));
    await kv.put('path/to=key', 'slashes');
    await new Kvm(nc).create('other');
  }, 90_000);

  afterAll(async () => {
    await Promise.allSettled(open.map((nc) => nc.close()));
    await server?.stop();
    await h?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  // Each 200 answer is checked against the route's schema in the OpenAPI document.
  const ajv = new Ajv({ strict: false });
  let doc: Record<string, any> | undefined;
  const get = async (url: string, token: string) => {
    const r = await h.call('GET', url, token);
    if (r.status === 200) {
      doc ??= (await h.call('GET', '/docs-json')).body;
      const template = url
        .replace(/^\/v1\/accounts\/[^/]+/, '/v1/accounts/{id}')
        .replace(/\/kv\/[^/]+\/keys/, '/kv/{bucket}/keys')
        .replace(/keys\/[^/]+$/, 'keys/{key}');
      const schema = doc!.paths[template]?.get?.responses?.['200']?.content?.['application/json']?.schema;
      expect(schema, template).toBeDefined();
      expect(ajv.validate(schema, r.body), `${template}: ${JSON.stringify(ajv.errors)}`).toBe(true);
    }
    return r;
  };

  it('lists streams with their state and consumers with pending and ack pending, from /jsz', async () => {
    const r = await get(`/v1/accounts/${A.accountId}/streams`, A.token);
    expect(r.status).toBe(200);
    expect(r.body.unreachable).toEqual([]);
    expect(r.body.storage).toBeGreaterThan(0);
    const orders = r.body.items.find((s: { name: string }) => s.name === 'ORDERS');
    expect(orders).toMatchObject({
      broker: 'n1',
      subjects: ['orders.>'],
      storage: 'file',
      messages: 5,
      firstSeq: 1,
      lastSeq: 5,
      numSubjects: 5,
      consumerCount: 1,
    });
    expect(orders.bytes).toBeGreaterThan(0);
    expect(orders.consumers).toEqual([
      expect.objectContaining({
        name: 'shipper',
        durable: true,
        ackPolicy: 'explicit',
        numPending: 3,
        numAckPending: 2,
        deliveredStreamSeq: 2,
        ackFloorStreamSeq: 0,
        lag: 5,
      }),
    ]);
    expect(r.body.items.map((s: { name: string }) => s.name)).toEqual(['KV_config', 'KV_other', 'ORDERS']);
  });

  it('lists KV buckets, their keys (deleted ones left out) and a key with its value, revision and history', async () => {
    const buckets = await get(`/v1/accounts/${A.accountId}/kv`, A.token);
    expect(buckets.status).toBe(200);
    expect(buckets.body.items.map((b: { bucket: string; history: number }) => [b.bucket, b.history])).toEqual([
      ['config', 5],
      ['other', 1],
    ]);
    const keys = await get(`/v1/accounts/${A.accountId}/kv/config/keys`, A.token);
    expect(keys.status).toBe(200);
    expect(keys.body).toEqual({ bucket: 'config', items: ['app.color', 'blob', 'limits', 'path/to=key'], truncated: false });
    const slashed = await get(`/v1/accounts/${A.accountId}/kv/config/keys/${encodeURIComponent('path/to=key')}`, A.token);
    expect([slashed.status, slashed.body.key, slashed.body.current?.value]).toEqual([200, 'path/to=key', 'slashes']);
    expect((await get(`/v1/accounts/${A.accountId}/kv/other/keys`, A.token)).body.items).toEqual([]);

    const color = await get(`/v1/accounts/${A.accountId}/kv/config/keys/app.color`, A.token);
    expect(color.status).toBe(200);
    expect(color.body.current).toMatchObject({ revision: 2, operation: 'PUT', value: 'green', encoding: 'utf8', length: 5 });
    expect(color.body.history.map((e: { revision: number; value: string }) => [e.revision, e.value])).toEqual([
      [1, 'blue'],
      [2, 'green'],
    ]);
    const blob = await get(`/v1/accounts/${A.accountId}/kv/config/keys/blob`, A.token);
    expect(blob.body.current).toMatchObject({ value: Buffer.from([0xff, 0x00, 0xfe]).toString('base64'), encoding: 'base64', length: 3 });
    const gone = await get(`/v1/accounts/${A.accountId}/kv/config/keys/gone`, A.token);
    expect(gone.body.current).toMatchObject({ operation: 'DEL', value: '' });
    expect((await get(`/v1/accounts/${A.accountId}/kv/config/keys/never-set`, A.token)).status).toBe(404);
    expect((await get(`/v1/accounts/${A.accountId}/kv/nope/keys`, A.token)).status).toBe(404);
    expect((await get(`/v1/accounts/${A.accountId}/kv/a.b/keys`, A.token)).status).toBe(400);
    expect((await get(`/v1/accounts/${A.accountId}/kv/config/keys/a*`, A.token)).status).toBe(400);
  });

  it('leaves no consumer behind after reading keys and values', async () => {
    for (const p of ['kv/config/keys', 'kv/config/keys/app.color']) expect((await get(`/v1/accounts/${A.accountId}/${p}`, A.token)).status).toBe(200);
    const kvStream = (await get(`/v1/accounts/${A.accountId}/streams`, A.token)).body.items.find((s: { name: string }) => s.name === 'KV_config');
    expect(kvStream.consumerCount).toBe(0);
  });

  it('lets every role of the tenant and the operator read; another tenant gets 404', async () => {
    const urls = ['streams', 'kv', 'kv/config/keys', 'kv/config/keys/limits'].map((p) => `/v1/accounts/${A.accountId}/${p}`);
    for (const url of urls) {
      for (const t of [A.viewer, A.member, A.token, h.adminToken]) expect((await get(url, t)).status, url).toBe(200);
      expect((await get(url, B.token)).status, url).toBe(404);
    }
    expect((await get(`/v1/accounts/${A.accountId}/kv/config/keys/limits`, A.viewer)).body.current.value).toBe('{"max":3}');
    // B's own account has no JetStream in use: empty lists, not errors.
    expect((await get(`/v1/accounts/${B.accountId}/streams`, B.token)).body).toEqual({ memory: 0, storage: 0, items: [], unreachable: [] });
    expect((await get(`/v1/accounts/${B.accountId}/kv`, B.token)).body).toEqual({ items: [], unreachable: [] });
  });

  it('reads with a user that may read its bucket and nothing else; no seed is logged or answered', async () => {
    const db = h.app.get<Database>(DATABASE);
    const keyring = h.app.get<Keyring>(KEYRING);
    const sk = await db.prisma.accountSigningKey.findFirstOrThrow({ where: { accountId: A.accountId, revokedAt: null }, omit: { seedEnc: false } });
    const reader = issueKvReader({ account: A.publicKey, bucket: 'config', inboxPrefix: '_INBOX_t' }, openSigner(keyring, sk));
    const nc = await connect({
      servers: server.url,
      authenticator: jwtAuthenticator(reader.jwt, reader.pair.getSeed()),
      inboxPrefix: '_INBOX_t',
      reconnect: false,
    });
    open.push(nc);
    const kv = await new Kvm(nc).open('config');
    expect((await kv.get('limits'))?.string()).toBe('{"max":3}');
    // Reading makes no consumer: the reader may not create one (nats.js's keys() would).
    await expect(kv.keys()).rejects.toThrow(/permission|timeout/i);
    await expect(kv.put('limits', 'changed')).rejects.toThrow(/permission/i);
    await expect((await jetstreamManager(nc, { checkAPI: false })).streams.delete('KV_config')).rejects.toThrow(/permission|timeout/i);
    await expect((await new Kvm(nc).open('other')).get('x')).rejects.toThrow(/permission|timeout/i);
    await nc.close();
    reader.pair.clear();
    const ours = await connect({ servers: server.url, authenticator: credsAuthenticator(new TextEncoder().encode(A.creds)), reconnect: false });
    open.push(ours);
    expect((await (await new Kvm(ours).open('config')).get('limits'))?.string()).toBe('{"max":3}');
    expect(h.logs.filter((l) => SEED.test(l))).toEqual([]);
    expect(h.bodies.filter((b) => SEED.test(b))).toEqual([]);
  });
});
