/**
 * JetStream scenarios: both servers started with `-js -sd <tmp dir>` (file storage), driven by
 * the official nats.js client in the generator process: publish acked asynchronously (a window
 * of acks in flight) and synchronously, pull and push consumption of a pre-filled stream, and
 * KV put / get latency. Each run uses its own stream, so rounds and sizes don't see each other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, type NatsConnection, connect, consumerOpts } from 'nats';
import type { Endpoint } from '../conn.js';
import type { Context, Scenario, ServerSetup, Values } from '../scenario.js';
import { percentile } from '../stats.js';

let runId = 0;
const ASYNC_WINDOW = 256;

function jsServers(): () => Promise<ServerSetup> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-bench-js-'));
    return { args: ['-js', '-sd', dir], dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  };
}

async function open(ep: Endpoint): Promise<NatsConnection> {
  return connect({ servers: `${ep.host}:${ep.port}`, maxPingOut: 100, pingInterval: 60_000 });
}

/** Runs `step` (one message each) for warmup then measure; msgs/s and server CPU µs per msg. */
async function timed(ctx: Context, step: () => Promise<number>): Promise<Values> {
  const warmEnd = Date.now() + ctx.timing.warmupMs;
  while (Date.now() < warmEnd) await step();
  const cpu0 = ctx.serverCpu();
  const t0 = process.hrtime.bigint();
  const end = Date.now() + ctx.timing.measureMs;
  let n = 0;
  while (Date.now() < end) n += await step();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return { 'msgs/s': n / secs, 'cpu µs/msg': ((ctx.serverCpu() - cpu0) * 1e6) / n };
}

const RATE = [
  { name: 'msgs/s', unit: 'msgs/s' as const, higherIsBetter: true },
  { name: 'cpu µs/msg', unit: 'µs/msg' as const, higherIsBetter: false },
];

function publishScenario(name: string, description: string, window: number): Scenario {
  return {
    name,
    description,
    sized: true,
    byDefault: true,
    metrics: [{ ...RATE[0]!, target: window > 1 ? { ratio: 0.5, size: 128 } : undefined }, RATE[1]!],
    servers: jsServers(),
    async run(ep, size, ctx) {
      const nc = await open(ep);
      try {
        const jsm = await nc.jetstreamManager();
        const js = nc.jetstream();
        const stream = `BP${++runId}`;
        await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
        const payload = new Uint8Array(size);
        const subject = `${stream}.x`;
        const out = await timed(ctx, async () => {
          if (window === 1) {
            await js.publish(subject, payload);
            return 1;
          }
          const acks = new Array<Promise<unknown>>(window);
          for (let i = 0; i < window; i++) acks[i] = js.publish(subject, payload);
          await Promise.all(acks);
          return window;
        });
        await jsm.streams.delete(stream);
        return out;
      } finally {
        await nc.close();
      }
    },
  };
}

/** Fills a stream with `count` messages (acked publishes, a window in flight). */
async function fill(nc: NatsConnection, stream: string, size: number, count: number): Promise<void> {
  const js = nc.jetstream();
  const payload = new Uint8Array(size);
  for (let done = 0; done < count; done += ASYNC_WINDOW) {
    const acks: Array<Promise<unknown>> = [];
    for (let i = 0; i < ASYNC_WINDOW && done + i < count; i++) acks.push(js.publish(`${stream}.x`, payload));
    await Promise.all(acks);
  }
}

/** Messages a consume run pre-fills and drains: 100 per ms of the measure window (at least 20k). */
const fillCount = (ctx: Context): number => Math.max(20_000, ctx.timing.measureMs * 100);

/** `p`, or an error when nothing arrives for `ms` (a lost message must not hang the run). */
function stalled<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`nothing arrived for ${ms} ms`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Drains `total` messages through `next` (returns how many it got); the first 10% are warmup. */
async function drain(ctx: Context, total: number, next: () => Promise<number>): Promise<Values> {
  const warm = Math.floor(total / 10);
  let n = 0;
  while (n < warm) n += await next();
  const cpu0 = ctx.serverCpu();
  const t0 = process.hrtime.bigint();
  const start = n;
  while (n < total) n += await next();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return { 'msgs/s': (n - start) / secs, 'cpu µs/msg': ((ctx.serverCpu() - cpu0) * 1e6) / (n - start) };
}

function consumeScenario(kind: 'pull' | 'push'): Scenario {
  return {
    name: `js-${kind}`,
    description:
      kind === 'pull'
        ? 'pull consumer (explicit acks) draining a pre-filled file stream, fetches of 256'
        : 'push consumer (ack none) draining a pre-filled file stream',
    sized: true,
    byDefault: true,
    metrics: [{ ...RATE[0]!, target: kind === 'pull' ? { ratio: 0.5, size: 128 } : undefined }, RATE[1]!],
    servers: jsServers(),
    async run(ep, size, ctx) {
      const nc = await open(ep);
      try {
        const jsm = await nc.jetstreamManager();
        const js = nc.jetstream();
        const stream = `BC${++runId}`;
        const total = fillCount(ctx);
        await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
        await fill(nc, stream, size, total);
        let values: Values;
        if (kind === 'pull') {
          await jsm.consumers.add(stream, { durable_name: 'c', ack_policy: AckPolicy.Explicit, max_ack_pending: 10_000 });
          values = await drain(ctx, total, async () => {
            let n = 0;
            for await (const m of js.fetch(stream, 'c', { batch: 256, expires: 5000 })) {
              m.ack();
              n++;
            }
            if (n === 0) throw new Error('fetch returned nothing before the stream was drained');
            return n;
          });
        } else {
          // js.subscribe answers flow control (the consumer asks for it, as nats.js's own do).
          const opts = consumerOpts().durable('c').ackNone().deliverTo(`push.${stream}`).flowControl().idleHeartbeat(1000);
          const sub = await js.subscribe(`${stream}.>`, opts);
          const it = sub[Symbol.asyncIterator]();
          values = await drain(ctx, total, async () => {
            const r = await stalled(it.next(), 10_000);
            if (r.done) throw new Error('push subscription ended');
            return 1;
          });
          sub.unsubscribe();
        }
        await jsm.streams.delete(stream);
        return values;
      } finally {
        await nc.close();
      }
    },
  };
}

function kvScenario(op: 'put' | 'get'): Scenario {
  return {
    name: `kv-${op}`,
    description: op === 'put' ? 'KV put, one at a time (round trip until the ack)' : 'KV get of 1000 keys in turn (direct get), one at a time',
    sized: true,
    byDefault: true,
    metrics: [
      { name: 'msgs/s', unit: 'msgs/s', higherIsBetter: true },
      { name: 'p50', unit: 'µs', higherIsBetter: false },
      { name: 'p99', unit: 'µs', higherIsBetter: false, target: op === 'get' ? { ratio: 2 } : undefined },
    ],
    servers: jsServers(),
    async run(ep, size, ctx) {
      const nc = await open(ep);
      try {
        const js = nc.jetstream();
        const bucket = `B${++runId}`;
        const kv = await js.views.kv(bucket, { history: 1 });
        const value = new Uint8Array(size);
        const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
        for (const k of keys) await kv.put(k, value);
        const samples: number[] = [];
        let i = 0;
        const measureStart = Date.now() + ctx.timing.warmupMs;
        const out = await timed(ctx, async () => {
          const k = keys[i++ % keys.length]!;
          const t = process.hrtime.bigint();
          if (op === 'put') await kv.put(k, value);
          else if ((await kv.get(k)) === null) throw new Error(`kv get ${k}: no entry`);
          if (Date.now() >= measureStart) samples.push(Number(process.hrtime.bigint() - t) / 1000);
          return 1;
        });
        const sorted = Float64Array.from(samples).sort();
        await (await nc.jetstreamManager()).streams.delete(`KV_${bucket}`);
        return { 'msgs/s': out['msgs/s']!, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
      } finally {
        await nc.close();
      }
    },
  };
}

export function jetstreamScenarios(): Scenario[] {
  return [
    publishScenario('js-pub-async', `JetStream publish, ${ASYNC_WINDOW} acks in flight (file storage)`, ASYNC_WINDOW),
    publishScenario('js-pub-sync', 'JetStream publish, awaiting each ack (file storage)', 1),
    consumeScenario('pull'),
    consumeScenario('push'),
    kvScenario('put'),
    kvScenario('get'),
  ];
}
