// Mirrors and sources of another account's stream (`external: { api, deliver }`), on nats-server
// -js and the broker with the same config-file accounts: A exports its consumer API, the
// delivery subjects and flow control; B imports them under `$JS.A.API` / `deliver.A`; C imports
// nothing. Each step's observations (replies, the consumer requests A receives, the copies, the
// stream infos) are compared as transcripts after masking times and random tokens.
import { describe, it } from 'vitest';
import { connect, headers, type JetStreamManager, type NatsConnection } from 'nats';
import { waitFor, type ServerKind } from '@switchboard/testing';
import { expectSameTranscript, useBothServers } from './server-pair.js';

const config = (dir: string): string => `
jetstream { store_dir: "${dir}/js" }
accounts {
  A: {
    jetstream: enabled
    users: [{ user: a, password: a }]
    exports [
      { service: "$JS.API.CONSUMER.>" }
      { stream: "deliver.A.>" }
      { service: "$JS.FC.>" }
    ]
  }
  B: {
    jetstream: enabled
    users: [{ user: b, password: b }]
    imports [
      { service: { account: A, subject: "$JS.API.CONSUMER.>" }, to: "$JS.A.API.CONSUMER.>" }
      { stream: { account: A, subject: "deliver.A.>" } }
      { service: { account: A, subject: "$JS.FC.>" } }
    ]
  }
  C: { jetstream: enabled, users: [{ user: c, password: c }] }
}
`;

const servers = useBothServers(config);
const ext = { api: '$JS.A.API', deliver: 'deliver.A' };
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Times, the links' activity and the random tokens of deliver subjects and consumer names. */
function mask(v: unknown): unknown {
  const s = JSON.stringify(v)
    .replace(/"(created|first_ts|last_ts|ts|time)":"[^"]*"/g, '"$1":"<t>"')
    .replace(/"active":-?\d+/g, (m) => (m === '"active":-1' ? m : '"active":"<n>"'))
    .replace(/\.([MS])\.[0-9A-Za-z]{8}\b/g, '.$1.<tok>')
    .replace(/(mirror|src)-[0-9A-Za-z]{8}\b/g, '$1-<tok>');
  return JSON.parse(s) as unknown;
}

async function user(kind: ServerKind, name: string): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  const nc = await connect({ servers: servers[kind].url, user: name, pass: name });
  return { nc, jsm: await nc.jetstreamManager() };
}

async function request(nc: NatsConnection, subject: string, body: unknown = ''): Promise<unknown> {
  const m = await nc.request(subject, enc(typeof body === 'string' ? body : JSON.stringify(body)), { timeout: 3000 });
  return JSON.parse(dec(m.data)) as unknown;
}

/** A stream's messages 1..last as MSG.GET shows them (a deleted one as its error). */
async function messages(nc: NatsConnection, stream: string, last: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let seq = 1; seq <= last; seq++) {
    const r = (await request(nc, `$JS.API.STREAM.MSG.GET.${stream}`, { seq })) as { message?: { hdrs?: string; data?: string }; error?: unknown };
    if (r.message === undefined) out.push([seq, r.error]);
    else out.push([seq, { ...r.message, hdrs: r.message.hdrs === undefined ? undefined : Buffer.from(r.message.hdrs, 'base64').toString() }]);
  }
  return out;
}

async function scenario(kind: ServerKind): Promise<unknown[]> {
  const t: unknown[] = [];
  const a = await user(kind, 'a');
  const b = await user(kind, 'b');
  const c = await user(kind, 'c');
  try {
    // What A receives on its consumer API through B's import: the requests of B's links.
    const seen: unknown[] = [];
    const spy = a.nc.subscribe('$JS.API.CONSUMER.CREATE.>', { callback: (_e, m) => seen.push(mask([m.subject, JSON.parse(dec(m.data))])) });
    await a.nc.flush();

    await a.jsm.streams.add({ name: 'ORIGIN', subjects: ['o.>'] });
    const js = a.nc.jetstream();
    for (let i = 1; i <= 40; i++) {
      const h = headers();
      if (i % 10 === 0) h.set('Nats-Msg-Id', `id-${i}`);
      await js.publish(`o.${i % 3}`, enc(`m${i}`), i % 10 === 0 ? { headers: h } : undefined);
    }
    await a.jsm.streams.deleteMessage('ORIGIN', 7);

    // The origin already holds messages: nats-server's link may copy some before it replies (seen
    // under load), so a create reply's state is not compared; the INFOs after catching up are.
    const create = async (name: string, body: unknown): Promise<unknown> => {
      const r = (await request(b.nc, `$JS.API.STREAM.CREATE.${name}`, body)) as { state?: unknown };
      r.state = undefined;
      return mask(r);
    };
    t.push(['create M', await create('M', { name: 'M', mirror: { name: 'ORIGIN', external: ext } })]);
    t.push(['create S', await create('S', { name: 'S', sources: [{ name: 'ORIGIN', external: ext }] })]);
    t.push(['create F', await create('F', { name: 'F', sources: [{ name: 'ORIGIN', filter_subject: 'o.1', external: ext }] })]);
    const caughtUp = async (m: number, s: number, f: number): Promise<void> =>
      waitFor(
        async () => {
          const [im, is, iff] = await Promise.all(['M', 'S', 'F'].map((n) => b.jsm.streams.info(n)));
          return im!.state.last_seq === m && is!.state.messages === s && iff!.state.messages === f;
        },
        20_000,
        `mirror/sources of ${kind} to catch up`,
      );
    await caughtUp(40, 39, 13);
    // Every link's request reached A before its copies did, but A's connection may not have read
    // its copy yet (nats-server writes to each client from its own goroutine): a round trip on it.
    await a.nc.flush();
    t.push(['requests A received', [...seen].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1))]);
    t.push(['M messages', mask(await messages(b.nc, 'M', 40))]);
    t.push(['S messages', mask(await messages(b.nc, 'S', 39))]);
    t.push(['F messages', mask(await messages(b.nc, 'F', 13))]);
    for (const n of ['M', 'S', 'F']) t.push([`info ${n}`, mask(await request(b.nc, `$JS.API.STREAM.INFO.${n}`))]);
    // The links' consumers are A's (counted in its account, not listed, not the stream's).
    t.push(['A info', mask(await request(a.nc, '$JS.API.INFO'))]);
    // B's API total counts the STREAM.INFO polls of caughtUp above, as many as each server took.
    const bInfo = mask(await request(b.nc, '$JS.API.INFO')) as { api: { total: unknown } };
    bInfo.api.total = '<polls>';
    t.push(['B info', bInfo]);
    t.push(['ORIGIN consumers', mask(await request(a.nc, '$JS.API.CONSUMER.NAMES.ORIGIN'))]);
    t.push(['ORIGIN consumer_count', ((await request(a.nc, '$JS.API.STREAM.INFO.ORIGIN')) as { state: { consumer_count: number } }).state.consumer_count]);

    // New messages follow.
    for (let i = 41; i <= 50; i++) await js.publish(`o.${i % 3}`, enc(`m${i}`));
    await caughtUp(50, 49, 16);
    t.push(['M tail', mask((await messages(b.nc, 'M', 50)).slice(40))]);

    // C imports nothing: its mirror's consumer request goes nowhere and nothing arrives.
    const asked = c.nc.subscribe('$JS.A.API.>', { max: 1 });
    await c.nc.flush();
    t.push(['create C mirror', mask(await request(c.nc, '$JS.API.STREAM.CREATE.MC', { name: 'MC', mirror: { name: 'ORIGIN', external: ext } }))]);
    for await (const m of asked) t.push(['C request', mask([m.subject, JSON.parse(dec(m.data))])]);
    const ic = (await request(c.nc, '$JS.API.STREAM.INFO.MC')) as { state: unknown; mirror: unknown };
    t.push(['C mirror', mask([ic.state, ic.mirror])]);
    spy.unsubscribe();
  } finally {
    await Promise.all([a.nc.close(), b.nc.close(), c.nc.close()]);
  }
  return t;
}

describe('external mirrors and sources between accounts (broker vs nats-server)', () => {
  it('mirror, source and filtered source of A in B; nothing in C without imports', async () => {
    const ref = await scenario('nats-server');
    const got = await scenario('broker');
    expectSameTranscript('mirrors-external', ref, got);
  }, 90_000);
});
