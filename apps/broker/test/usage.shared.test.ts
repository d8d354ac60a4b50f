// Per-account usage as nats-server 2.9 shows it, on nats-server and the broker started from the
// same operator-mode config: $SYS.ACCOUNT.<id>.SERVER.CONNS events, /accountz, /accstatz and
// /connz?acc=. Field names are nats-server's; the broker adds only `switchboard_usage`.
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, makeOperator, operatorConfig, startServer, waitFor, type OperatorFixture, type RunningServer, type ServerKind } from '@switchboard/testing';
import { asUser } from './helpers.js';

const fx: OperatorFixture = await makeOperator();
const A = fx.keys.a.getPublicKey();
const SYS = fx.keys.sys.getPublicKey();
const dec = new TextDecoder();
const keys = (o: object): string[] => Object.keys(o).sort();
/** What each server answered, for the cross-check at the end. */
const seen: Record<ServerKind, { detail?: Record<string, unknown>; event?: Record<string, unknown> }> = { 'nats-server': {}, broker: {} };

async function get(port: number, path: string): Promise<{ status: number; body: string; json: () => any }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  const body = await r.text();
  return { status: r.status, body, json: () => JSON.parse(body) };
}

const CONNS_KEYS = ['acc', 'conns', 'id', 'leafnodes', 'received', 'sent', 'server', 'slow_consumers', 'timestamp', 'total_conns', 'type'];
const SERVER_INFO_KEYS = ['host', 'id', 'jetstream', 'name', 'seq', 'time', 'ver'];
const DETAIL_CORE = [
  'account_name',
  'client_connections',
  'complete',
  'expired',
  'jetstream_enabled',
  'leafnode_connections',
  'sublist_stats',
  'subscriptions',
  'update_time',
];

describe.each<ServerKind>(['nats-server', 'broker'])('account usage on %s', (kind) => {
  let srv: RunningServer;
  let http: number;
  let sys: NatsConnection;
  beforeAll(async () => {
    http = await freePort();
    srv = await startServer(kind, { config: `${operatorConfig(fx)}http: 127.0.0.1:${http}\n` });
    sys = await asUser(srv.port, fx.users.sys);
  }, 30_000);
  afterAll(async () => {
    await sys?.close();
    await srv?.stop();
  });

  it('publishes the account connections event on connect and disconnect, on both subjects, with the traffic', async () => {
    const events: { subject: string; body: Record<string, any> }[] = [];
    for (const subject of [`$SYS.ACCOUNT.${A}.SERVER.CONNS`, `$SYS.SERVER.ACCOUNT.${A}.CONNS`]) {
      sys.subscribe(subject, { callback: (_e, m) => events.push({ subject: m.subject, body: JSON.parse(dec.decode(m.data)) }) });
    }
    await sys.flush();
    const a = await asUser(srv.port, fx.users.a);
    const sub = a.subscribe('usage.x', { max: 1 });
    a.publish('usage.x', 'hello');
    for await (const _m of sub) break;
    await waitFor(() => events.filter((e) => e.body.conns === 1).length === 2, 5_000, 'connect event on both subjects');
    await a.close();
    await waitFor(() => events.filter((e) => e.body.conns === 0).length === 2, 5_000, 'disconnect event on both subjects');

    const up = events.filter((e) => e.body.conns === 1);
    const down = events.filter((e) => e.body.conns === 0);
    expect(up.map((e) => e.subject).sort()).toEqual([`$SYS.ACCOUNT.${A}.SERVER.CONNS`, `$SYS.SERVER.ACCOUNT.${A}.CONNS`]);
    // One event, published twice: the same id on both subjects.
    expect(up[0]!.body.id).toBe(up[1]!.body.id);
    const last = down.find((e) => e.subject === `$SYS.ACCOUNT.${A}.SERVER.CONNS`)!.body;
    expect(keys(last)).toEqual(CONNS_KEYS);
    expect(keys(last.server)).toEqual(SERVER_INFO_KEYS);
    expect(last).toMatchObject({
      type: 'io.nats.server.advisory.v1.account_connections',
      acc: A,
      conns: 0,
      leafnodes: 0,
      total_conns: 0,
      sent: { msgs: 1, bytes: 5 },
      received: { msgs: 1, bytes: 5 },
      slow_consumers: 0,
    });
    expect(up[0]!.body).toMatchObject({ conns: 1, total_conns: 1 });
    seen[kind].event = last;
  });

  it('/accountz lists the accounts in use and names the system account', async () => {
    const r = await get(http, '/accountz');
    expect(r.status).toBe(200);
    const body = r.json();
    expect(keys(body)).toEqual(['accounts', 'now', 'server_id', 'system_account']);
    expect(body.system_account).toBe(SYS);
    expect(body.accounts).toEqual(expect.arrayContaining([A, SYS]));
  });

  it('/accountz?acc= gives the account detail with live counts', async () => {
    const a = await asUser(srv.port, fx.users.a);
    a.subscribe('detail.one');
    a.subscribe('detail.two');
    await a.flush();
    const r = await get(http, `/accountz?acc=${A}`);
    await a.close();
    expect(r.status).toBe(200);
    const body = r.json();
    expect(keys(body)).toEqual(['account_detail', 'now', 'server_id', 'system_account']);
    const d = body.account_detail;
    expect(keys(d)).toEqual(expect.arrayContaining(DETAIL_CORE));
    expect(d).toMatchObject({ account_name: A, client_connections: 1, leafnode_connections: 0, expired: false, complete: true, jetstream_enabled: false });
    // nats-server also counts the system imports it adds to every account in operator mode.
    expect(d.subscriptions).toBeGreaterThanOrEqual(2);
    expect(keys(d.sublist_stats)).toEqual([
      'avg_fanout',
      'cache_hit_rate',
      'max_fanout',
      'num_cache',
      'num_inserts',
      'num_matches',
      'num_removes',
      'num_subscriptions',
    ]);
    expect(d).toMatchObject({ jwt: fx.accountJwt.a, issuer_key: fx.keys.operator.getPublicKey(), name_tag: 'A' });
    expect(d.decoded_jwt).toMatchObject({ sub: A, name: 'A', iss: fx.keys.operator.getPublicKey() });
    // The fixture revokes one user of A: nats-server shows when, in RFC 3339 seconds.
    expect(Object.keys(d.revoked_user)).toEqual([fx.users.revoked.key.getPublicKey()]);
    expect(Object.values(d.revoked_user)[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    seen[kind].detail = d;
  });

  it('/connz?acc= shows only that account’s connections', async () => {
    const a = await asUser(srv.port, fx.users.a);
    const c = await asUser(srv.port, fx.users.c1);
    await Promise.all([a.flush(), c.flush()]);
    const r = await get(http, `/connz?acc=${A}&auth=1`);
    await Promise.all([a.close(), c.close()]);
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body.num_connections).toBe(1);
    expect(body.connections[0].account).toBe(A);
  });

  it('/accstatz reports accounts with connections, in nats-server’s AccountStat shape', async () => {
    // Only the system user stays connected once the server has seen the earlier closes.
    let body: any;
    await waitFor(
      async () => {
        const r = await get(http, '/accstatz');
        expect(r.status).toBe(200);
        body = r.json();
        return body.account_statz.length === 1;
      },
      5_000,
      'only the system account in use',
    );
    expect(keys(body)).toEqual(['account_statz', 'now', 'server_id']);
    expect(body.account_statz.map((s: { acc: string }) => s.acc)).toEqual([SYS]);
    expect(keys(body.account_statz[0])).toEqual(['acc', 'conns', 'leafnodes', 'received', 'sent', 'slow_consumers', 'total_conns']);
    // `unused` adds the accounts without connections, with what they did so far.
    const withUnused = (await get(http, '/accstatz?unused=1')).json();
    const a = withUnused.account_statz.find((s: { acc: string }) => s.acc === A);
    expect(a).toMatchObject({ acc: A, conns: 0, total_conns: 0 });
    expect(a.received.msgs).toBeGreaterThanOrEqual(1);
  });
});

describe('cross-check', () => {
  it('the broker’s event has exactly nats-server’s fields', () => {
    expect(keys(seen.broker.event!)).toEqual(keys(seen['nats-server'].event!));
  });
  it('the broker’s account detail has nats-server’s fields (but the system imports), plus switchboard_usage', () => {
    const theirs = keys(seen['nats-server'].detail!).filter((k) => k !== 'imports'); // nats-server imports its system services into every account
    expect(keys(seen.broker.detail!)).toEqual([...theirs, 'switchboard_usage'].sort());
    expect(seen.broker.detail!.revoked_user).toEqual(seen['nats-server'].detail!.revoked_user);
  });
});
