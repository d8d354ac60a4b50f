import { type StreamStore, createMemoryStore } from '@switchboard/stream-store';
import {
  Consumer,
  type ConsumerConfig,
  type ConsumerHost,
  type ConsumerStream,
  FakeClock,
  type StreamView,
  applyDefaults,
  checkConsumerConfig,
  decodeConsumerConfig,
  isErrorBody,
} from '../../src/consumer/index.js';

export interface Sent {
  to: string;
  subject: string;
  reply: string;
  hdr: string;
  data: string;
}

const td = new TextDecoder();
const te = new TextEncoder();

/** A broker stand-in that records what consumers send and answers interest from a set. */
export class RecordingHost implements ConsumerHost {
  sent: Sent[] = [];
  interest = new Set<string>();
  deliver(to: string, subject: string, reply: string, hdr: Uint8Array | null, data: Uint8Array | null): void {
    this.sent.push({ to, subject, reply, hdr: hdr ? td.decode(hdr) : '', data: data ? td.decode(data) : '' });
  }
  hasInterest(subject: string): boolean {
    return this.interest.has(subject);
  }
  take(): Sent[] {
    const s = this.sent;
    this.sent = [];
    return s;
  }
  /** Messages only (no status / control). */
  msgs(): Sent[] {
    return this.take().filter((m) => !m.hdr.startsWith('NATS/1.0 '));
  }
}

export class TestStream implements ConsumerStream {
  readonly store: StreamStore;
  acked: number[] = [];
  gone: Consumer[] = [];
  consumers: Consumer[] = [];
  constructor(
    readonly name = 'S',
    readonly viewCfg: StreamView = { subjects: ['foo.>'], retention: 'limits', replicas: 1 },
    store?: StreamStore,
  ) {
    this.store = store ?? createMemoryStore();
  }
  view(): StreamView {
    return this.viewCfg;
  }
  ackMsg(seq: number): void {
    this.acked.push(seq);
  }
  consumerGone(c: Consumer): void {
    this.gone.push(c);
  }
  publish(subject: string, data = 'x', hdr: string | null = null): number {
    const seq = this.store.append(subject, hdr === null ? null : te.encode(hdr), te.encode(data));
    for (const c of this.consumers) c.signal(seq, subject);
    return seq;
  }
}

export function config(raw: Record<string, unknown>, stream: StreamView = { subjects: ['foo.>'], retention: 'limits', replicas: 1 }): ConsumerConfig {
  const cfg = decodeConsumerConfig(raw);
  if (isErrorBody(cfg)) throw new Error(cfg.description);
  applyDefaults(cfg);
  const err = checkConsumerConfig(cfg, stream);
  if (err) throw new Error(`${err.err_code} ${err.description}`);
  return cfg;
}

export function makeConsumer(
  stream: TestStream,
  host: RecordingHost,
  clock: FakeClock,
  raw: Record<string, unknown>,
  opts: { restore?: boolean; persist?: boolean } = {},
): Consumer {
  const cfg = config(raw, stream.viewCfg);
  const name = cfg.durable_name || cfg.name || 'eph';
  const c = new Consumer({
    stream,
    host,
    clock,
    name,
    config: cfg,
    store: opts.persist === false ? null : stream.store.consumer(name),
    restore: opts.restore,
  });
  stream.consumers.push(c);
  return c;
}

export const enc = (s: string): Uint8Array => te.encode(s);
export const NS = 1e6;
