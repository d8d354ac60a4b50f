// An account's streams, consumers and KV buckets as the console shows them, read from a broker's
// `/jsz?acc=<pk>&streams=true&consumers=true&config=true` (nats-server 2.9's JSInfo). Pure: the
// service fetches, this maps; a field a broker leaves out reads as 0 / empty.
import type { BucketView, ConsumerView, StreamView } from './jetstream.schema.js';

type Json = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
/** Go's zero time (a stream without messages) as null. */
const time = (v: unknown): string | null => {
  const s = str(v);
  return s === '' || s.startsWith('0001-01-01') ? null : s;
};

export interface AccountJsz {
  memory: number;
  storage: number;
  streams: Json[];
}

/** The account's detail in a /jsz answer (absent: the account has no JetStream on that broker). */
export function accountJsz(jsz: Json, publicKey: string): AccountJsz | null {
  const d = arr(jsz.account_details).find((a) => a.name === publicKey || a.id === publicKey);
  if (!d) return null;
  return { memory: num(d.memory), storage: num(d.storage), streams: arr(d.stream_detail) };
}

export function consumerView(c: Json): ConsumerView {
  const cfg = obj(c.config);
  const delivered = obj(c.delivered);
  const ackFloor = obj(c.ack_floor);
  const numPending = num(c.num_pending);
  const numAckPending = num(c.num_ack_pending);
  return {
    name: str(c.name),
    durable: str(cfg.durable_name) !== '',
    created: str(c.created),
    ackPolicy: str(cfg.ack_policy),
    deliverPolicy: str(cfg.deliver_policy),
    filterSubject: str(cfg.filter_subject),
    pushBound: c.push_bound === true,
    numPending,
    numAckPending,
    numRedelivered: num(c.num_redelivered),
    numWaiting: num(c.num_waiting),
    deliveredStreamSeq: num(delivered.stream_seq),
    ackFloorStreamSeq: num(ackFloor.stream_seq),
    lastActive: time(delivered.last_active),
    // Messages the consumer has not finished with: not yet delivered plus delivered and unacknowledged.
    lag: numPending + numAckPending,
  };
}

export function streamView(broker: string, s: Json): StreamView {
  const cfg = obj(s.config);
  const st = obj(s.state);
  return {
    broker,
    name: str(s.name),
    created: str(s.created),
    subjects: Array.isArray(cfg.subjects) ? cfg.subjects.filter((x): x is string => typeof x === 'string') : [],
    storage: str(cfg.storage),
    retention: str(cfg.retention),
    maxMsgs: typeof cfg.max_msgs === 'number' ? cfg.max_msgs : -1,
    maxBytes: typeof cfg.max_bytes === 'number' ? cfg.max_bytes : -1,
    messages: num(st.messages),
    bytes: num(st.bytes),
    firstSeq: num(st.first_seq),
    lastSeq: num(st.last_seq),
    firstTs: time(st.first_ts),
    lastTs: time(st.last_ts),
    numSubjects: num(st.num_subjects),
    consumerCount: num(st.consumer_count),
    consumers: arr(s.consumer_detail)
      .map(consumerView)
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** KV buckets are the streams named KV_<bucket> (nats.js / nats-server kv.go). */
export function bucketView(s: StreamView, cfg: Json): BucketView | null {
  if (!s.name.startsWith('KV_')) return null;
  const ttlNs = num(cfg.max_age);
  return {
    broker: s.broker,
    bucket: s.name.slice(3),
    values: s.messages,
    bytes: s.bytes,
    history: typeof cfg.max_msgs_per_subject === 'number' ? cfg.max_msgs_per_subject : 1,
    ttlSeconds: Math.round(ttlNs / 1e9),
    storage: s.storage,
    created: s.created,
  };
}
