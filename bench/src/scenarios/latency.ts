import type { Scenario } from '../scenario.js';
import { RoleThread } from '../spawn.js';
import { percentile } from '../stats.js';

const SUBJECT = 'bench.req';

/**
 * One responder thread echoing requests, one requester thread timing round trips with
 * process.hrtime.bigint(): `concurrency` requests in flight (1 = sequential).
 */
export function latency(name: string, concurrency: number, byDefault: boolean): Scenario {
  return {
    name,
    description: concurrency === 1 ? 'request/reply round trip, one request at a time' : `request/reply round trip, ${concurrency} requests in flight`,
    sized: true,
    byDefault,
    metrics: [
      { name: 'p50', unit: 'µs', higherIsBetter: false },
      { name: 'p99', unit: 'µs', higherIsBetter: false, target: { ratio: 2 } },
      { name: 'p99.9', unit: 'µs', higherIsBetter: false },
    ],
    async run(ep, size, ctx) {
      const responder = new RoleThread({ role: 'responder', ep, subject: SUBJECT });
      const requester = new RoleThread({
        role: 'requester',
        ep,
        subject: SUBJECT,
        size,
        concurrency,
        warmupMs: ctx.timing.warmupMs,
        measureMs: ctx.timing.measureMs,
        maxSamples: 1_000_000,
      });
      try {
        await Promise.all([responder.next('ready'), requester.next('ready')]);
        requester.send({ type: 'start' });
        const { micros, count } = await requester.next('samples', ctx.timing.warmupMs + ctx.timing.measureMs + 15_000);
        if (count === 0) throw new Error('no reply received');
        const sorted = micros.sort();
        return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), 'p99.9': percentile(sorted, 99.9) };
      } finally {
        await Promise.all([responder.stop(), requester.stop()]);
      }
    },
  };
}
