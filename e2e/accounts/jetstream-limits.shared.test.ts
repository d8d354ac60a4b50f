// Per-account JetStream limits in operator mode: the same JWTs and config file start
// /usr/sbin/nats-server -js and the broker; every over-limit request gets the same reply from
// both (codes, texts, masked times), an account without JetStream limits gets 10039, and a live
// JWT update ($SYS.REQ.ACCOUNT.<key>.CLAIMS.UPDATE) raises a limit on both.
import { encodeAccount, encodeOperator } from '@nats-io/jwt';
import { createAccount, createOperator, type KeyPair } from '@nats-io/nkeys';
import { connect, jwtAuthenticator, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBoth, UNLIMITED, user, waitFor, type RunningServer, type ServerKind } from '@switchboard/testing';

const operator = createOperator();
const keys: Record<string, KeyPair> = {};
const jwts: Record<string, string> = {};
async function account(name: string, claims: Record<string, unknown>): Promise<string> {
  keys[name] = keys[name] ?? createAccount();
  return (jwts[name] = await encodeAccount(name, keys[name]!, claims, { signer: operator }));
}
const JS = { mem_storage: 4096, disk_storage: 8192, streams: 2, consumer: 1, max_ack_pending: 10, disk_max_stream_bytes: 6000 };
await account('SYS', { limits: UNLIMITED });
await account('T1', { limits: { ...UNLIMITED, ...JS } });
await account('REQ', { limits: { ...UNLIMITED, disk_storage: 8192, mem_storage: 0, max_bytes_required: true } });
await account('OFF', { limits: UNLIMITED });
await account('TIER', { limits: { ...UNLIMITED, tiered_limits: { R1: { disk_storage: 8192, mem_storage: 1024, streams: 1 } } } });
await account('PUB', { limits: { ...UNLIMITED, mem_storage: 200, disk_storage: 0 } });

const config = (dir: string): string =>
  [
    `operator: ${jwtOperator}`,
    `system_account: ${keys.SYS!.getPublicKey()}`,
    'resolver: MEMORY',
    'resolver_preload: {',
    ...Object.keys(jwts).map((n) => `  ${keys[n]!.getPublicKey()}: ${jwts[n]}`),
    '}',
    `jetstream { store_dir: "${dir}/js", max_memory_store: 64MB, max_file_store: 256MB }`,
    '',
  ].join('\n');
const jwtOperator = await encodeOperator('OP', operator, { system_account: keys.SYS!.getPublicKey() });

let servers: Record<ServerKind, RunningServer>;
const conns: NatsConnection[] = [];
beforeAll(async () => {
  servers = await startBoth({ config });
}, 60_000);
afterAll(async () => {
  await Promise.all(conns.map((c) => c.close().catch(() => {})));
  await Promise.all(Object.values(servers ?? {}).map((s) => s.stop()));
});

const connections = new Map<string, NatsConnection>();
async function as(kind: ServerKind, name: string): Promise<NatsConnection> {
  const k = `${kind}/${name}`;
  let nc = connections.get(k);
  if (!nc) {
    const cred = await user(name.toLowerCase(), keys[name]!);
    nc = await connect({ servers: servers[kind].url, authenticator: jwtAuthenticator(cred.jwt, cred.key.getSeed()), reconnect: false });
    conns.push(nc);
    connections.set(k, nc);
  }
  return nc;
}

const mask = (v: string): unknown =>
  JSON.parse(v.replace(/"(created|first_ts|last_ts|ts)":"[^"]*"/g, '"$1":"<t>"').replace(/"(leader|server_id)":"[^"]*"/g, '"$1":"<id>"'));

async function request(kind: ServerKind, name: string, subject: string, body: unknown = ''): Promise<Record<string, any>> {
  const nc = await as(kind, name);
  const m = await nc.request(subject, new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)), { timeout: 5000 });
  return mask(new TextDecoder().decode(m.data)) as Record<string, any>;
}

/** Sends the same request to both servers; the replies must be equal. Returns nats-server's. */
async function both(name: string, subject: string, body: unknown = ''): Promise<Record<string, any>> {
  const ref = await request('nats-server', name, subject, body);
  const got = await request('broker', name, subject, body);
  expect(got, `${name} ${subject}`).toEqual(ref);
  return ref;
}
const codeOf = (r: Record<string, any>) => r.error?.err_code as number | undefined;

describe('per-account JetStream limits in operator mode (broker vs nats-server -js, same JWTs)', () => {
  it("$JS.API.INFO carries each account's limits; an account without JetStream limits gets 10039", async () => {
    const info = await both('T1', '$JS.API.INFO');
    expect(info.limits).toEqual({
      max_memory: 4096,
      max_storage: 8192,
      max_streams: 2,
      max_consumers: 1,
      max_ack_pending: 10,
      memory_max_stream_bytes: -1,
      storage_max_stream_bytes: 6000,
      max_bytes_required: false,
    });
    expect((await both('OFF', '$JS.API.INFO')).error).toEqual({ code: 503, err_code: 10039, description: 'JetStream not enabled for account' });
    expect(codeOf(await both('OFF', '$JS.API.STREAM.CREATE.X', { name: 'X', subjects: ['x'] }))).toBe(10039);
    expect((await both('TIER', '$JS.API.INFO')).tiers.R1.limits).toMatchObject({ max_storage: 8192, max_streams: 1 });
  });

  it('streams, reservations, per-stream max bytes, consumers and max ack pending: the same codes', async () => {
    const steps: [string, string, unknown, number | undefined][] = [
      ['T1', '$JS.API.STREAM.CREATE.BIG', { name: 'BIG', subjects: ['big'], max_bytes: 7000 }, 10122],
      ['T1', '$JS.API.STREAM.CREATE.CONS', { name: 'CONS', subjects: ['cons'], max_bytes: 100, max_consumers: 5 }, 10026],
      ['T1', '$JS.API.STREAM.CREATE.S1', { name: 'S1', subjects: ['s1'], max_bytes: 6000 }, undefined],
      ['T1', '$JS.API.STREAM.CREATE.S2', { name: 'S2', subjects: ['s2'], max_bytes: 3000 }, 10047],
      ['T1', '$JS.API.STREAM.CREATE.M1', { name: 'M1', subjects: ['m1'], storage: 'memory', max_bytes: 5000 }, 10028],
      ['T1', '$JS.API.STREAM.CREATE.S2', { name: 'S2', subjects: ['s2'], max_bytes: 2000 }, undefined],
      ['T1', '$JS.API.STREAM.CREATE.S3', { name: 'S3', subjects: ['s3'], max_bytes: 10 }, 10027],
      [
        'T1',
        '$JS.API.CONSUMER.DURABLE.CREATE.S1.big',
        { stream_name: 'S1', config: { durable_name: 'big', ack_policy: 'explicit', max_ack_pending: 11 } },
        10121,
      ],
      ['T1', '$JS.API.CONSUMER.DURABLE.CREATE.S1.d1', { stream_name: 'S1', config: { durable_name: 'd1', ack_policy: 'explicit' } }, undefined],
      ['T1', '$JS.API.CONSUMER.DURABLE.CREATE.S1.d2', { stream_name: 'S1', config: { durable_name: 'd2', ack_policy: 'explicit' } }, 10026],
      ['REQ', '$JS.API.STREAM.CREATE.NOMAX', { name: 'NOMAX', subjects: ['nomax'] }, 10113],
      ['REQ', '$JS.API.STREAM.CREATE.MEM', { name: 'MEM', subjects: ['mem'], storage: 'memory', max_bytes: 10 }, 10028],
      // Tiered limits: nats-server 2.9.10 picks the tier from the request's num_replicas before
      // defaults (left out it looks for tier "R0"), so clients on tiered accounts send it.
      ['TIER', '$JS.API.STREAM.CREATE.T1', { name: 'T1', subjects: ['t1'], num_replicas: 1 }, undefined],
      ['TIER', '$JS.API.STREAM.CREATE.T2', { name: 'T2', subjects: ['t2'], num_replicas: 1 }, 10027],
    ];
    const codes: (number | undefined)[] = [];
    for (const [name, subject, body] of steps) codes.push(codeOf(await both(name, subject, body)));
    expect(codes).toEqual(steps.map((s) => s[3]));
    const ack = await both('T1', '$JS.API.CONSUMER.INFO.S1.d1');
    expect(ack.config.max_ack_pending).toBe(10);
  });

  it('publish: 10002 once the stored bytes are over the account limit, on both', async () => {
    await both('PUB', '$JS.API.STREAM.CREATE.P', { name: 'P', subjects: ['p'], storage: 'memory' });
    const acks: Record<string, unknown>[] = [];
    for (let i = 0; i < 5; i++) acks.push(await both('PUB', 'p', 'x'.repeat(60)));
    // 77 bytes each in memory (subject + data + 16): the third would make 231 > 200.
    expect(acks.map((a) => (a.error ? (a.error as { err_code: number }).err_code : a.seq))).toEqual([1, 2, 10002, 10002, 10002]);
    expect((await both('PUB', '$JS.API.INFO')).memory).toBe(154);
  });

  it("the broker's usage event carries the account's JetStream storage (what GET /v1/accounts/:id/usage bills)", async () => {
    const sys = await as('broker', 'SYS');
    const sub = sys.subscribe(`$SYS.ACCOUNT.${keys.T1!.getPublicKey()}.SWITCHBOARD.USAGE`, { max: 1 });
    await sys.flush();
    const cred = await user('t1b', keys.T1!);
    const nc = await connect({ servers: servers.broker.url, authenticator: jwtAuthenticator(cred.jwt, cred.key.getSeed()), reconnect: false });
    conns.push(nc);
    const info = await both('T1', '$JS.API.INFO');
    for await (const m of sub) {
      expect(JSON.parse(m.string()).jetstream).toEqual({ memory: info.memory, storage: info.storage, streams: info.streams, consumers: info.consumers });
    }
    expect(info.streams).toBeGreaterThan(0);
  });

  it('a live JWT update raises a limit on both (and turns JetStream on for an account that had none)', async () => {
    // A JWT with the same iat as the one loaded is skipped ("jwt update skipped"): sign in a later second.
    const start = Math.floor(Date.now() / 1000);
    await waitFor(() => Math.floor(Date.now() / 1000) > start, 3000, 'the next second');
    const updateFor = async (name: string, limits: Record<string, unknown>) => {
      const jwt = await account(name, { limits: { ...UNLIMITED, ...limits } });
      for (const kind of ['nats-server', 'broker'] as const) {
        const sys = await as(kind, 'SYS');
        const r = await sys.request(`$SYS.REQ.ACCOUNT.${keys[name]!.getPublicKey()}.CLAIMS.UPDATE`, new TextEncoder().encode(jwt), { timeout: 5000 });
        expect(r.string(), kind).toContain('jwt updated');
      }
    };
    await updateFor('T1', { ...JS, streams: 3, disk_storage: 16384 });
    expect((await both('T1', '$JS.API.INFO')).limits).toMatchObject({ max_streams: 3, max_storage: 16384 });
    expect(codeOf(await both('T1', '$JS.API.STREAM.CREATE.S3', { name: 'S3', subjects: ['s3'], max_bytes: 10 }))).toBeUndefined();
    await updateFor('OFF', { disk_storage: 1024, mem_storage: 0 });
    expect((await both('OFF', '$JS.API.INFO')).limits).toMatchObject({ max_storage: 1024, max_memory: 0 });
  });
});
