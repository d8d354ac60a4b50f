// /jsz on the monitoring port: the broker's keys and values next to nats-server 2.9.10's, same
// config file (config-file accounts with and without JetStream limits), same streams.
import { connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type RunningServer, type ServerKind } from '@switchboard/testing';

const config = (dir: string): string => `
jetstream { store_dir: "${dir}/js", max_memory_store: 64MB, max_file_store: 256MB }
accounts {
  A: { jetstream: { max_mem: 1M, max_file: 10M, max_streams: 5 }, users: [{ user: a, password: a }] }
  B: { jetstream: enabled, users: [{ user: b, password: b }] }
  C: { users: [{ user: c, password: c }] }
}
`;

const servers: Partial<Record<ServerKind, { srv: RunningServer; http: number }>> = {};
beforeAll(async () => {
  for (const kind of ['nats-server', 'broker'] as const) {
    const http = await freePort();
    const srv = await startServer(kind, { config, args: ['-m', String(http)] });
    servers[kind] = { srv, http };
    const nc = await connect({ servers: srv.url, user: 'a', pass: 'a' });
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: 'S', subjects: ['s.>'], max_bytes: 100000 });
    await jsm.streams.add({ name: 'M', subjects: ['m'], storage: 'memory' as never });
    const js = nc.jetstream();
    for (let i = 0; i < 5; i++) await js.publish('s.x', 'hello');
    await js.publish('m', 'mem');
    // A consumer with one message delivered and not acked: num_pending 4, num_ack_pending 1.
    await jsm.consumers.add('S', { durable_name: 'C', ack_policy: 'explicit' as never });
    expect((await (await js.consumers.get('S', 'C')).next({ expires: 5000 }))?.seq).toBe(1);
    await nc.close();
  }
}, 90_000);
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.srv.stop()));
});

async function get(kind: ServerKind, q: string): Promise<{ text: string; json: Record<string, any> }> {
  const text = await (await fetch(`http://127.0.0.1:${servers[kind]!.http}/jsz${q}`)).text();
  return { text, json: JSON.parse(text) as Record<string, any> };
}

/**
 * Key paths of a JSON value (arrays by the union of their elements: nats-server lists
 * stream_detail from a Go map, in no fixed order, and only some streams have consumers).
 */
function shape(v: unknown, at = ''): string[] {
  if (Array.isArray(v)) return v.length > 0 ? v.flatMap((x) => shape(x, `${at}[]`)) : [`${at}[]`];
  if (v === null || typeof v !== 'object') return [at];
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => [`${at}.${k}`, ...shape(x, `${at}.${k}`)]);
}

describe('/jsz (broker vs nats-server)', () => {
  for (const q of [
    '',
    '?accounts=true',
    '?acc=A',
    '?acc=A&streams=true&config=true',
    '?acc=A&streams=true&consumers=true',
    '?acc=A&consumers=true&config=true',
    '?acc=C',
  ]) {
    it(`same keys and counts: /jsz${q}`, async () => {
      const ref = await get('nats-server', q);
      const got = await get('broker', q);
      expect(new Set(shape(got.json))).toEqual(new Set(shape(ref.json)));
      for (const k of ['memory', 'storage', 'reserved_memory', 'reserved_storage', 'accounts', 'streams', 'messages', 'bytes']) {
        expect(got.json[k], k).toEqual(ref.json[k]);
      }
      const byName = (j: Record<string, any>) => Object.fromEntries((j.account_details ?? []).map((d: Record<string, any>) => [d.name, d]));
      const [r, g] = [byName(ref.json), byName(got.json)];
      for (const name of Object.keys(r)) {
        for (const k of ['memory', 'storage', 'reserved_memory', 'reserved_storage']) expect(g[name]?.[k], `${name}.${k}`).toEqual(r[name][k]);
        const consumers = (d: Record<string, any>) =>
          (d.stream_detail ?? []).flatMap((sd: Record<string, any>) =>
            (sd.consumer_detail ?? []).map((c: Record<string, any>) => ({
              stream: sd.name,
              name: c.name,
              num_pending: c.num_pending,
              num_ack_pending: c.num_ack_pending,
              delivered: [c.delivered.consumer_seq, c.delivered.stream_seq],
              ack_floor: [c.ack_floor.consumer_seq, c.ack_floor.stream_seq],
              config: c.config && { durable_name: c.config.durable_name, ack_policy: c.config.ack_policy },
            })),
          );
        expect(consumers(g[name] ?? {}), `${name} consumers`).toEqual(consumers(r[name]));
      }
      if (q.includes('consumers')) expect(JSON.stringify(got.json)).toContain('"consumer_detail"');
    });
  }

  it('/accountz?acc=: jetstream_enabled as nats-server, and the JetStream storage in switchboard_usage equal to /jsz', async () => {
    const accountz = async (kind: ServerKind, acc: string) =>
      ((await (await fetch(`http://127.0.0.1:${servers[kind]!.http}/accountz?acc=${acc}`)).json()) as { account_detail: Record<string, any> }).account_detail;
    for (const acc of ['A', 'B', 'C']) {
      const [ref, got] = [await accountz('nats-server', acc), await accountz('broker', acc)];
      expect(got.jetstream_enabled, acc).toBe(ref.jetstream_enabled);
      expect(got.leafnode_connections, acc).toBe(ref.leafnode_connections);
    }
    const jsz = (await get('broker', '?acc=A')).json.account_details[0];
    expect((await accountz('broker', 'A')).switchboard_usage.jetstream).toEqual({ memory: jsz.memory, storage: jsz.storage, streams: 2, consumers: 1 });
    expect((await accountz('broker', 'C')).switchboard_usage).not.toHaveProperty('jetstream');
  });

  it('writes an unlimited account reservation as Go does: 2^64-1, not a rounded float', async () => {
    const { text } = await get('broker', '?acc=B');
    expect(text).toContain('"reserved_memory": 18446744073709551615');
    expect((await get('nats-server', '?acc=B')).text).toContain('"reserved_memory": 18446744073709551615');
  });
});
