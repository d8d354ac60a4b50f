// Consumer requests against nats-server -js and the broker, in order: create in the three forms,
// config errors, info/names/list/delete, pull requests with their statuses, acks. Replies must
// be equal after masking times, ephemeral names and the timestamp token of ack subjects.
// Not compared: the text of `400 Bad Request - <Go json error>` for a malformed pull request
// (ours says what JSON.parse says).
import { describe, it } from 'vitest';
import type { NatsConnection } from 'nats';
import { encodeBody, expectSameTranscript, replyBody, stepName, useServerPair } from './server-pair.js';

interface Step {
  subject: string;
  body?: unknown;
  /** Reply to the ack subject of the message the last pull step received. */
  ackLast?: string;
}

const C = (stream: string, cfg: Record<string, unknown>, name?: string, filter?: string): Step => ({
  subject: `$JS.API.CONSUMER.CREATE.${stream}${name ? `.${name}` : ''}${filter ? `.${filter}` : ''}`,
  body: { stream_name: stream, config: cfg },
});
const D = (stream: string, name: string, cfg: Record<string, unknown>): Step => ({
  subject: `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${name}`,
  body: { stream_name: stream, config: cfg },
});
const NEXT = (stream: string, name: string, body: unknown = ''): Step => ({ subject: `$JS.API.CONSUMER.MSG.NEXT.${stream}.${name}`, body });

const cases: Record<string, Step[]> = {
  'create forms, info, names, list, delete': [
    { subject: '$JS.API.STREAM.CREATE.CS', body: { name: 'CS', subjects: ['cs.>'] } },
    { subject: 'cs.a', body: '1' },
    { subject: 'cs.b', body: '2' },
    D('CS', 'dur', { durable_name: 'dur', ack_policy: 'explicit' }),
    D('CS', 'dur', { durable_name: 'dur', ack_policy: 'explicit', description: 'changed', max_ack_pending: 5 }),
    D('CS', 'dur', { durable_name: 'dur', ack_policy: 'explicit', deliver_policy: 'last' }),
    D('CS', 'dur', { durable_name: 'dur', ack_policy: 'all' }),
    C('CS', { name: 'named', ack_policy: 'explicit', filter_subject: 'cs.a' }, 'named', 'cs.a'),
    C('CS', { name: 'named', ack_policy: 'explicit', filter_subject: 'cs.a' }, 'named', 'cs.b'),
    C('CS', { durable_name: 'x' }),
    { subject: '$JS.API.CONSUMER.CREATE.CS', body: { stream_name: 'OTHER', config: {} } },
    { subject: '$JS.API.CONSUMER.CREATE.CS', body: '{bad' },
    C('NOPE', { ack_policy: 'explicit' }),
    D('CS', 'zz', { durable_name: 'other' }),
    D('CS', 'zz', {}),
    { subject: '$JS.API.CONSUMER.INFO.CS.dur' },
    { subject: '$JS.API.CONSUMER.INFO.CS.dur', body: { x: 1 } },
    { subject: '$JS.API.CONSUMER.INFO.CS.missing' },
    { subject: '$JS.API.CONSUMER.NAMES.CS' },
    { subject: '$JS.API.CONSUMER.NAMES.CS', body: { offset: 1 } },
    { subject: '$JS.API.CONSUMER.NAMES.NOPE' },
    { subject: '$JS.API.CONSUMER.LIST.CS', body: { offset: 1 } },
    { subject: '$JS.API.CONSUMER.DELETE.CS.named' },
    { subject: '$JS.API.CONSUMER.DELETE.CS.named' },
    { subject: '$JS.API.CONSUMER.DELETE.CS.dur', body: { x: 1 } },
    { subject: '$JS.API.STREAM.INFO.CS' },
    { subject: '$JS.API.STREAM.DELETE.CS' },
  ],
  'config errors': [
    { subject: '$JS.API.STREAM.CREATE.CE', body: { name: 'CE', subjects: ['ce.>'] } },
    // A legacy ephemeral (random name: not in a case that lists names).
    C('CE', { ack_policy: 'none', deliver_subject: 'nobody.home' }),
    C('CE', { deliver_subject: 'd', flow_control: true }),
    C('CE', { deliver_subject: 'd', idle_heartbeat: 50_000_000 }),
    C('CE', { ack_policy: 'explicit', idle_heartbeat: 1_000_000_000 }),
    C('CE', { ack_policy: 'explicit', flow_control: true }),
    C('CE', { deliver_subject: 'd.*' }),
    C('CE', { deliver_subject: 'ce.x' }),
    C('CE', { deliver_subject: 'd', max_waiting: 3 }),
    C('CE', { deliver_subject: 'd', max_ack_pending: 3 }),
    C('CE', { ack_policy: 'explicit', rate_limit_bps: 10 }),
    C('CE', { ack_policy: 'explicit', max_waiting: -1 }),
    C('CE', { ack_policy: 'explicit', backoff: [1_000_000_000, 2_000_000_000], max_deliver: 2 }),
    C('CE', { ack_policy: 'explicit', filter_subject: 'zz' }),
    C('CE', { ack_policy: 'explicit', deliver_policy: 'by_start_sequence' }),
    C('CE', { ack_policy: 'explicit', deliver_policy: 'new', opt_start_seq: 3 }),
    C('CE', { ack_policy: 'explicit', deliver_policy: 'last_per_subject' }),
    C('CE', { ack_policy: 'explicit', deliver_policy: 'by_start_time' }),
    C('CE', { ack_policy: 'explicit', max_batch: -1 }),
    C('CE', { ack_policy: 'explicit', max_expires: 10 }),
    C('CE', { ack_policy: 'bogus' }),
    C('CE', { ack_wait: 'soon' }),
    C('CE', { ack_policy: 'explicit', num_replicas: 3 }),
    C('CE', { durable_name: 'a', name: 'b' }, 'b'),
    { subject: '$JS.API.STREAM.DELETE.CE' },
  ],
  'pull requests and acks': [
    { subject: '$JS.API.STREAM.CREATE.PQ', body: { name: 'PQ', subjects: ['pq.*'] } },
    D('PQ', 'p', { durable_name: 'p', ack_policy: 'explicit', max_batch: 5, max_expires: 2_000_000_000, max_bytes: 1000 }),
    NEXT('PQ', 'p', { batch: 1, no_wait: true }),
    { subject: 'pq.a', body: 'first' },
    { subject: 'pq.b', body: 'second' },
    NEXT('PQ', 'p', { batch: 1 }),
    { subject: '<ack>', ackLast: '+ACK' },
    NEXT('PQ', 'p'),
    { subject: '<ack>', ackLast: '-NAK' },
    NEXT('PQ', 'p', { batch: 1, expires: 1_000_000_000 }),
    { subject: '<ack>', ackLast: '+TERM' },
    NEXT('PQ', 'p', { batch: 9 }),
    NEXT('PQ', 'p', { batch: 1, expires: 3_000_000_000 }),
    NEXT('PQ', 'p', { batch: 1, max_bytes: 2000 }),
    NEXT('PQ', 'p', { batch: 1, expires: 1_000_000_000, idle_heartbeat: 600_000_000 }),
    NEXT('PQ', 'p', { batch: 2, expires: 100_000_000 }),
    { subject: '$JS.API.CONSUMER.INFO.PQ.p' },
    D('PQ', 'push', { durable_name: 'push', ack_policy: 'explicit', deliver_subject: 'nobody' }),
    NEXT('PQ', 'push'),
    { subject: '$JS.API.STREAM.DELETE.PQ' },
  ],
};

const TIME_KEYS = new Set(['created', 'first_ts', 'last_ts', 'time', 'last_active']);
function mask(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => mask(x, key === 'consumers' ? 'consumers' : ''));
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = mask(x, k);
    return o;
  }
  if (typeof v === 'string' && TIME_KEYS.has(key) && v !== '0001-01-01T00:00:00Z') return '<time>';
  // Ephemeral consumers get a random 8-character name.
  if (typeof v === 'string' && (key === 'name' || key === 'consumers') && /^[A-Za-z0-9]{8}$/.test(v)) return '<ephemeral>';
  if (key === 'storage' && typeof v === 'number') return '<storage>';
  return v;
}

/** `$JS.ACK.<s>.<c>.<n>.<sseq>.<dseq>.<ts>.<pending>` with the timestamp masked. */
const maskAck = (reply: string): string => reply.replace(/^(\$JS\.ACK\.[^.]+\.[^.]+\.\d+\.\d+\.\d+)\.\d+\./, '$1.<ts>.');

async function run(nc: NatsConnection, steps: Step[]): Promise<unknown[]> {
  const out: unknown[] = [];
  let lastAck = '';
  for (const s of steps) {
    const subject = s.ackLast !== undefined ? lastAck : s.subject;
    const body = s.ackLast ?? s.body;
    const step = s.ackLast !== undefined ? `ack ${s.ackLast}` : stepName(s.subject, body);
    try {
      // Pull deliveries carry the stream message's subject: no request mux for them.
      const m = await nc.request(subject, encodeBody(body), { timeout: 2500, noMux: true });
      const parsed = replyBody(m.data);
      const reply = m.reply ?? '';
      if (reply.startsWith('$JS.ACK.')) lastAck = reply;
      const hdrs: Record<string, string> = {};
      if (m.headers) for (const [k, v] of m.headers) hdrs[k] = v.join(',');
      out.push({
        step,
        subject: m.subject.startsWith('_INBOX.') ? '<inbox>' : m.subject,
        reply: maskAck(reply),
        status: m.headers ? `${m.headers.code} ${m.headers.description}` : undefined,
        hdrs,
        body: mask(parsed),
      });
    } catch (e) {
      out.push({ step, error: (e as Error).message });
    }
  }
  return out;
}

const conns = useServerPair();

describe('consumer $JS.API differential (broker vs nats-server -js)', () => {
  for (const [name, caseSteps] of Object.entries(cases)) {
    it(
      name,
      async () => {
        const expected = await run(conns['nats-server'], caseSteps);
        const actual = await run(conns.broker, caseSteps);
        expectSameTranscript(`consumers ${name}`, expected, actual);
      },
      90_000,
    );
  }
});
