import type { Endpoint } from '../conn.js';
import { newCounters, PUBLISHED, RECEIVED } from '../counters.js';
import type { Metric, Scenario, Timing } from '../scenario.js';
import { RoleThread } from '../spawn.js';
import { sleep } from '../stats.js';

export interface ThroughputShape {
  name: string;
  description: string;
  /** Subscriber connections (0 = publish only). */
  subscribers: number;
  /** Queue group name shared by the subscribers, or ''. */
  queue: string;
  /** Messages delivered per message published (0 publish only, fan-out N, queue group 1). */
  deliveries: number;
  target?: Metric['target'];
}

const SUBJECT = 'bench.s';

/**
 * One publisher thread and (unless publish-only) one subscriber thread holding every
 * subscriber connection. Reported: messages *received* per second by all subscribers
 * together over the measurement window (for publish-only: messages the server acknowledged).
 */
export function throughput(shape: ThroughputShape): Scenario {
  const metric: Metric = { name: 'msgs/s', unit: 'msgs/s', higherIsBetter: true, target: shape.target };
  return {
    name: shape.name,
    description: shape.description,
    sized: true,
    byDefault: true,
    metrics: [metric],
    async run(ep, size, ctx) {
      const r = await measure(ep, shape, size, shape.deliveries, ctx.timing);
      return { 'msgs/s': shape.subscribers > 0 ? r.received : r.published };
    },
    async ceiling(size, ctx) {
      const fake = new RoleThread({ role: 'fake-server', subject: SUBJECT, size });
      try {
        const { port } = await fake.next('ready');
        // The stand-in routes nothing. Publish only: the publisher flat out into a sink.
        // With subscribers: the subscriber thread alone, fed pre-encoded MSGs as fast as it
        // reads (the publisher's own ceiling is the pub row, far above any subscriber's).
        const r = await measure({ host: '127.0.0.1', port: port! }, shape, size, 0, ctx.timing, shape.subscribers === 0);
        return { 'msgs/s': shape.subscribers > 0 ? r.received : r.published };
      } finally {
        await fake.stop();
      }
    },
  };
}

interface Rates {
  published: number;
  received: number;
}

/** The measurement window is cut in slices; the median slice rate resists a neighbour's burst. */
const SLICE_MS = 250;

async function measure(
  ep: Endpoint,
  shape: ThroughputShape,
  size: number,
  flow: number,
  timing: Timing,
  publish = true,
): Promise<Rates> {
  const counters = newCounters();
  const threads: RoleThread[] = [];
  try {
    const pub = publish ? new RoleThread({ role: 'publisher', ep, subject: SUBJECT, size, deliveries: flow, counters }) : null;
    if (pub) threads.push(pub);
    if (shape.subscribers > 0) {
      const subs = new RoleThread({
        role: 'subscriber',
        ep,
        subject: SUBJECT,
        queue: shape.queue,
        conns: shape.subscribers,
        counters,
      });
      threads.push(subs);
    }
    await Promise.all(threads.map((t) => t.next('ready')));
    pub?.send({ type: 'start' });
    await sleep(timing.warmupMs);
    const slices = Math.max(1, Math.round(timing.measureMs / SLICE_MS));
    const published: number[] = [];
    const received: number[] = [];
    let r0 = Atomics.load(counters, RECEIVED);
    let p0 = Atomics.load(counters, PUBLISHED);
    let t0 = process.hrtime.bigint();
    for (let i = 0; i < slices; i++) {
      await sleep(timing.measureMs / slices);
      const r1 = Atomics.load(counters, RECEIVED);
      const p1 = Atomics.load(counters, PUBLISHED);
      const t1 = process.hrtime.bigint();
      const seconds = Number(t1 - t0) / 1e9;
      published.push((p1 - p0) / seconds);
      received.push((r1 - r0) / seconds);
      [r0, p0, t0] = [r1, p1, t1];
    }
    for (const t of threads) if (t.error) throw t.error;
    return { published: median(published), received: median(received) };
  } finally {
    await Promise.all(threads.map((t) => t.stop()));
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
