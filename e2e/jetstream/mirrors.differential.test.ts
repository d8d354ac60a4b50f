// Mirrors and sources against nats-server -js and the broker: the same requests and publishes in
// order, waiting (by polling STREAM.INFO, never by sleeping) where copies are made in the
// background; replies must be equal after masking times and `active` (ns since the link last
// heard from its origin: a timing, compared as -1 or not).
// Not compared by design: how soon a missing origin is noticed or found (nats-server retries
// its consumer every 2 s and calls a link stalled after 3 s; here it is at once), and the order
// in which two sources' copies interleave (nats-server copies each on its own goroutine), so the
// cases add sources one at a time; the state in a create reply when the origin already holds
// messages (nats-server's internal consumer may have copied some by then).
import { describe, it } from 'vitest';
import { headers as natsHeaders, type NatsConnection } from 'nats';
import { waitFor } from '@switchboard/testing';
import { encodeBody, expectSameTranscript, replyBody, stepName, useServerPair } from './server-pair.js';

interface Step {
  subject: string;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * nats-server may or may not have heard from a just added link when it replies (`active`), and
   * clears the error of a link to a missing origin while each of its retries (every 2 s) is in
   * flight: neither is compared in this reply (an INFO_WHEN after it compares both).
   */
  racyLinks?: boolean;
  /**
   * A create whose origin already holds messages: nats-server's internal consumer may copy
   * some before the reply is sent (seen on a loaded machine), so the reply's state is not
   * compared; the INFO after the wait is.
   */
  racyState?: boolean;
  /**
   * A stream emptied by retention: nats-server 2.9.10 goes on showing a first_ts, the broker's
   * store the zero time (a store difference, not one of mirrors): not compared.
   */
  emptiedFirstTs?: boolean;
  /** Instead of recording a reply: poll STREAM.INFO of `until.stream` until `until.ok(info)` holds. */
  until?: { stream: string; ok: (info: Info) => boolean };
  /** With `until`: record the INFO that satisfied it, as an INFO step's reply. */
  record?: boolean;
}
type Info = {
  state: { messages: number; last_seq: number; first_seq: number };
  mirror?: Link;
  sources?: Link[];
};
type Link = { name: string; lag: number; active: number; error?: unknown };

const CREATE = (name: string, cfg: Record<string, unknown> = {}): Step => ({ subject: `$JS.API.STREAM.CREATE.${name}`, body: { name, ...cfg } });
const UPDATE = (name: string, cfg: Record<string, unknown> = {}): Step => ({ subject: `$JS.API.STREAM.UPDATE.${name}`, body: { name, ...cfg } });
/** A create of a mirror/source whose origin holds messages (see `racyState`). */
const CREATE_COPYING = (name: string, cfg: Record<string, unknown>): Step => ({ ...CREATE(name, cfg), racyState: true });
const INFO = (name: string): Step => ({ subject: `$JS.API.STREAM.INFO.${name}` });
/**
 * The first STREAM.INFO in which `ok` holds, recorded as INFO's reply: for a link's state that
 * each server reaches in its own time. A link to a missing origin shows the 404 from its first
 * try on, but on nats-server only once that try's reply is back, and without it again while
 * each retry (every 2 s) is in flight; the broker shows it at once and keeps it.
 */
const INFO_WHEN = (name: string, ok: (info: Info) => boolean): Step => ({ ...INFO(name), until: { stream: name, ok }, record: true });
const missing = (l: Link | undefined): boolean => l?.error !== undefined;
/** The sources case's missing origin. */
const nope = (i: Info): boolean => missing((i.sources ?? []).find((s) => s.name === 'NOPE'));
const GET = (name: string, seq: number): Step => ({ subject: `$JS.API.STREAM.MSG.GET.${name}`, body: { seq } });
const DELETE = (name: string): Step => ({ subject: `$JS.API.STREAM.DELETE.${name}` });
const PUB = (subject: string, body: string, headers?: Record<string, string>): Step => ({ subject, body, headers });
const healthy = (l: Link): boolean => l.lag === 0 && l.error === undefined;
/** Copies are done: the stream holds `last` as its last sequence and every link is caught up. */
const AT = (stream: string, last: number): Step => ({
  subject: '',
  until: {
    stream,
    ok: (i) => i.state.last_seq === last && (i.mirror === undefined || healthy(i.mirror)) && (i.sources ?? []).every((s) => s.name === 'NOPE' || healthy(s)),
  },
});

const cases: Record<string, Step[]> = {
  'mirror: existing and new messages, numbering, headers, update rules, no publishes': [
    CREATE('O', { subjects: ['o.*'] }),
    PUB('o.a', '1'),
    PUB('o.b', '2', { 'Nats-Msg-Id': 'two', 'X-Mine': 'yes' }),
    { subject: '$JS.API.STREAM.MSG.DELETE.O', body: { seq: 1 } },
    PUB('o.c', '3'),
    CREATE_COPYING('M', { mirror: { name: 'O' } }),
    AT('M', 3),
    INFO('M'),
    GET('M', 1),
    GET('M', 2),
    GET('M', 3),
    PUB('M', 'not stored'),
    PUB('o.d', '4'),
    AT('M', 4),
    GET('M', 4),
    UPDATE('M', { mirror: { name: 'X' } }),
    UPDATE('M', { mirror: { name: 'O' }, max_msgs: 2 }),
    PUB('o.e', '5'),
    AT('M', 5),
    INFO('M'),
    { subject: '$JS.API.STREAM.LIST' },
    INFO('O'),
    DELETE('M'),
    DELETE('O'),
  ],
  'mirror: filter, start sequence, purged origin, memory storage': [
    CREATE('O', { subjects: ['o.*'], storage: 'memory' }),
    PUB('o.a', '1'),
    PUB('o.b', '2'),
    PUB('o.a', '3'),
    PUB('o.b', '4'),
    PUB('o.a', '5'),
    CREATE_COPYING('MF', { mirror: { name: 'O', filter_subject: 'o.b' }, storage: 'memory' }),
    AT('MF', 4),
    INFO('MF'),
    CREATE_COPYING('MS', { mirror: { name: 'O', opt_start_seq: 4 }, storage: 'memory' }),
    AT('MS', 5),
    INFO('MS'),
    { subject: '$JS.API.STREAM.PURGE.O' },
    CREATE_COPYING('MP', { mirror: { name: 'O' }, storage: 'memory' }),
    AT('MP', 5),
    INFO('MP'),
    PUB('o.a', '6'),
    AT('MP', 6),
    AT('MS', 6),
    INFO('MP'),
    INFO('MS'),
    { subject: '$JS.API.INFO' },
    DELETE('MF'),
    DELETE('MS'),
    DELETE('MP'),
    DELETE('O'),
  ],
  // Not compared: an origin created again. What nats-server's mirror then copies depends on
  // whether its retry (every 2 s) comes before or after the new origin's first messages (seen
  // differing run to run); libs/jetstream/test/mirrors.test.ts pins the broker's behaviour.
  'mirror: origin missing, created later, deleted': [
    CREATE('M', { mirror: { name: 'O' } }),
    INFO_WHEN('M', (i) => missing(i.mirror)),
    CREATE('O', { subjects: ['o'] }),
    PUB('o', '1'),
    PUB('o', '2'),
    AT('M', 2),
    INFO('M'),
    DELETE('O'),
    INFO_WHEN('M', (i) => missing(i.mirror)),
    DELETE('M'),
  ],
  'sources: headers, filter, start sequence, a missing origin, sources added by update': [
    CREATE('O1', { subjects: ['one.*'] }),
    CREATE('O2', { subjects: ['two.*'] }),
    PUB('one.a', '1a', { 'Nats-Msg-Id': 'x' }),
    PUB('one.b', '1b'),
    CREATE_COPYING('S', { subjects: ['s.*'], sources: [{ name: 'O1' }, { name: 'NOPE' }] }),
    AT('S', 2),
    INFO_WHEN('S', nope),
    GET('S', 1),
    GET('S', 2),
    PUB('s.x', 'own'),
    // O2 is empty while the update adds it (no copy can race the update's reply) and stays so
    // until its link started: opt_start_seq 2 on an origin that never had a message starts at 1.
    { ...UPDATE('S', { subjects: ['s.*'], sources: [{ name: 'O1' }, { name: 'NOPE' }, { name: 'O2', opt_start_seq: 2 }] }), racyLinks: true },
    { subject: '', until: { stream: 'S', ok: (i) => (i.sources ?? []).some((s) => s.name === 'O2' && s.active !== -1) } },
    PUB('two.a', '2a'),
    PUB('two.b', '2b'),
    AT('S', 5),
    GET('S', 4),
    GET('S', 5),
    PUB('one.c', '1c'),
    AT('S', 6),
    GET('S', 6),
    CREATE_COPYING('SF', { sources: [{ name: 'O2', filter_subject: 'two.a' }] }),
    AT('SF', 1),
    GET('SF', 1),
    CREATE_COPYING('SS', { sources: [{ name: 'S' }] }),
    AT('SS', 6),
    GET('SS', 6),
    INFO('SS'),
    INFO_WHEN('S', nope),
    DELETE('SS'),
    DELETE('SF'),
    DELETE('S'),
    DELETE('O1'),
    DELETE('O2'),
  ],
  'interest and workqueue origins: kept until copied, then gone': [
    CREATE('IO', { subjects: ['io'], retention: 'interest' }),
    CREATE('M', { mirror: { name: 'IO' } }),
    { subject: '', until: { stream: 'M', ok: (i) => i.mirror?.active !== -1 } },
    PUB('io', '1'),
    PUB('io', '2'),
    AT('M', 2),
    { subject: '', until: { stream: 'IO', ok: (i) => i.state.messages === 0 } },
    { ...INFO('IO'), emptiedFirstTs: true },
    INFO('M'),
    CREATE('WQ', { subjects: ['wq'], retention: 'workqueue' }),
    PUB('wq', 'a'),
    PUB('wq', 'b'),
    CREATE_COPYING('S', { sources: [{ name: 'WQ' }] }),
    AT('S', 2),
    { subject: '', until: { stream: 'WQ', ok: (i) => i.state.messages === 0 } },
    { ...INFO('WQ'), emptiedFirstTs: true },
    GET('S', 2),
    DELETE('S'),
    DELETE('WQ'),
    DELETE('M'),
    DELETE('IO'),
  ],
  'sources and mirrors: config errors': [
    CREATE('O', { subjects: ['o.*'], max_msg_size: 100 }),
    CREATE('E', { mirror: { name: 'O' }, subjects: ['e'] }),
    CREATE('E', { mirror: { name: 'O' }, sources: [{ name: 'O' }] }),
    CREATE('E', { mirror: { name: 'O' }, max_msg_size: 10 }),
    CREATE('E', { sources: [{ name: 'O' }], max_msg_size: 10 }),
    CREATE('E', { mirror: { name: 'O', filter_subject: 'x.y' } }),
    CREATE('E', { sources: [{ name: 'O', filter_subject: 'x.y' }] }),
    CREATE('E', { subjects: ['e'], mirror_direct: true }),
    CREATE('E', { sources: [{ name: 'O', external: { api: '$JS.API', deliver: 'd' } }] }),
    CREATE('E', { sources: [{ name: 'O', external: { api: 'x.*', deliver: 'd' } }] }),
    CREATE('E', { sources: [{ name: 'O', external: { api: 'x', deliver: 'd.*' } }] }),
    CREATE('A', { subjects: ['a'] }),
    CREATE('B', { sources: [{ name: 'A' }] }),
    UPDATE('A', { subjects: ['a'], sources: [{ name: 'B' }] }),
    CREATE('M', { mirror: { name: 'O', opt_start_seq: 1, opt_start_time: '2020-01-01T00:00:00Z' } }),
    UPDATE('M', { mirror: { name: 'O', opt_start_seq: 2 } }),
    UPDATE('M', {}),
    DELETE('M'),
    DELETE('B'),
    DELETE('A'),
    DELETE('O'),
  ],
};

// Values that differ by nature between two servers and runs.
const TIME_KEYS = new Set(['created', 'first_ts', 'last_ts', 'time']);
function mask(v: unknown, key = ''): unknown {
  // nats-server's mirrors and sources make their consumers through its $JS.API (counted, and
  // as errors while an origin is missing), and the waits here poll INFO as often as needed.
  if (key === 'api') return '<api>';
  // StreamInfo's sources come from a Go map there: in no particular order.
  if (key === 'sources' && Array.isArray(v) && v.every((x: { lag?: number }) => x.lag !== undefined))
    return [...(v as { name: string }[])].sort((a, b) => (a.name < b.name ? -1 : 1)).map((x) => mask(x));
  if (Array.isArray(v)) return v.map((x) => mask(x));
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = mask(x, k);
    return o;
  }
  if (typeof v === 'string' && TIME_KEYS.has(key) && v !== '0001-01-01T00:00:00Z') return '<time>';
  if (key === 'active' && typeof v === 'number' && v >= 0) return '<active>';
  // nats-server 2.9.10 keeps counting deleted streams' bytes in the account's storage (see
  // api.differential.test.ts); memory usage is compared.
  if (key === 'storage' && typeof v === 'number') return '<storage>';
  return v;
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

async function run(nc: NatsConnection, steps: Step[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const s of steps) {
    if (s.until) {
      const { stream, ok } = s.until;
      let last: unknown;
      try {
        // nats-server retries a failed mirror/source consumer every 2 s: allow a few rounds.
        await waitFor(
          async () => {
            const m = await nc.request(`$JS.API.STREAM.INFO.${stream}`, encodeBody(undefined), { timeout: 2000 });
            last = JSON.parse(text(m.data));
            return ok(last as Info);
          },
          20_000,
          `${stream} to catch up`,
        );
        out.push(s.record ? { step: stepName(s.subject, s.body), reply: mask(last) } : { step: `until ${stream}`, ok: true });
      } catch (e) {
        out.push({ step: `until ${stream}`, error: (e as Error).message, last });
      }
      continue;
    }
    const h = s.headers ? natsHeaders() : undefined;
    for (const [k, v] of Object.entries(s.headers ?? {})) h!.set(k, v);
    try {
      const m = await nc.request(s.subject, encodeBody(s.body), { timeout: 2000, headers: h });
      const parsed = replyBody(m.data);
      if (s.racyLinks) for (const l of (parsed as Info).sources ?? []) Object.assign(l, { active: undefined, error: undefined });
      if (s.racyState) (parsed as Partial<Info>).state = undefined;
      if (s.emptiedFirstTs) (parsed as { state: { first_ts?: string } }).state.first_ts = undefined;
      out.push({ step: stepName(s.subject, s.body), reply: mask(parsed) });
    } catch (e) {
      out.push({ step: `${s.subject} ${JSON.stringify(s.body ?? '')}`, error: (e as Error).message });
    }
  }
  return out;
}

const conns = useServerPair();

describe('mirrors and sources differential (broker vs nats-server -js)', () => {
  for (const [name, caseSteps] of Object.entries(cases)) {
    it(
      name,
      async () => {
        const steps = [...caseSteps, { subject: '$JS.API.INFO' }];
        // Both at once: nats-server's retries make its half slow, and the two are independent.
        const [expected, actual] = await Promise.all([run(conns['nats-server'], steps), run(conns.broker, steps)]);
        expectSameTranscript(`mirrors ${name}`, expected, actual);
      },
      120_000,
    );
  }
});
