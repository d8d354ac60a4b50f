import type { Endpoint } from '../conn.js';
import { newCounters, PUBLISHED, RECEIVED, SENT } from '../counters.js';
import type { Context, Metric, Scenario } from '../scenario.js';
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
  const rate: Metric = { name: 'msgs/s', unit: 'msgs/s', higherIsBetter: true, target: shape.target };
  const cpu: Metric = { name: 'cpu', unit: 'µs/msg', higherIsBetter: false };
  return {
    name: shape.name,
    description: shape.description,
    sized: true,
    byDefault: true,
    metrics: [rate, cpu],
    async run(ep, size, ctx) {
      const r = await measure(ep, shape, size, shape.deliveries, ctx);
      return { 'msgs/s': shape.subscribers > 0 ? r.received : r.published, cpu: r.cpu };
    },
    async ceiling(size, ctx) {
      const fake = await ctx.standIn(SUBJECT, size);
      // The stand-in routes nothing. Publish only: the publisher flat out into a sink.
      // With subscribers: the subscriber thread alone, fed pre-encoded MSGs as fast as it
      // reads (the publisher's own ceiling is the pub row, far above any subscriber's).
      const cpu0 = fake.cpuSeconds();
      const r = await measure(fake.ep, shape, size, 0, ctx, shape.subscribers === 0);
      if (ctx.verbose) ctx.log(`  stand-in CPU: ${(fake.cpuSeconds() - cpu0).toFixed(2)} s over the run`);
      return { 'msgs/s': shape.subscribers > 0 ? r.received : r.published, cpu: r.cpu };
    },
  };
}

interface Rates {
  published: number;
  received: number;
  /** CPU µs the serving process spent per message counted (received, or published if none). */
  cpu: number;
}

/** The measurement window is cut in slices; the median slice rate resists a neighbour's burst. */
const SLICE_MS = 250;

async function measure(ep: Endpoint, shape: ThroughputShape, size: number, flow: number, ctx: Context, publish = true): Promise<Rates> {
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
    const timing = ctx.timing;
    await sleep(timing.warmupMs);
    const counted = shape.subscribers > 0 ? RECEIVED : PUBLISHED;
    const c0 = Atomics.load(counters, counted);
    const cpu0 = ctx.serverCpu();
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
    if (ctx.verbose) ctx.log(`  slices msgs/s: published ${published.map(Math.round)}; received ${received.map(Math.round)}`);
    const cpu = ((ctx.serverCpu() - cpu0) * 1e6) / (Atomics.load(counters, counted) - c0);
    for (const t of threads) if (t.error) throw t.error;
    if (pub && flow > 0) await checkDelivery(pub, counters, flow);
    for (const t of threads) if (t.error) throw t.error;
    return { published: median(published), received: median(received), cpu };
  } finally {
    await Promise.all(threads.map((t) => t.stop()));
  }
}

/**
 * After the window: stop publishing, then every message written must reach subscribers
 * exactly `deliveries` times. Catches a server that drops messages, or that inflates the
 * count (e.g. a queue group delivered to every member).
 */
async function checkDelivery(pub: RoleThread, counters: Int32Array, deliveries: number): Promise<void> {
  pub.send({ type: 'finish' });
  await pub.next('finished');
  const sent = (): number => Atomics.load(counters, SENT);
  await until(() => Atomics.load(counters, PUBLISHED) === sent(), 'the server to acknowledge every window');
  const expected = sent() * deliveries;
  const got = (): number => Atomics.load(counters, RECEIVED);
  try {
    await until(() => got() >= expected, 'subscribers to receive every message');
  } catch {
    throw new Error(`lost messages: ${sent()} published × ${deliveries} = ${expected} expected, ${got()} received`);
  }
  if (got() > expected) {
    throw new Error(`extra deliveries: ${sent()} published × ${deliveries} = ${expected} expected, ${got()} received`);
  }
}

/** Polls a condition every 10 ms until it holds; throws after `ms`. */
async function until(ok: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
