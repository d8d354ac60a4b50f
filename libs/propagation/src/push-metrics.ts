// The propagation metrics, defined once for both places a worker runs: inside the control plane
// (npm start) and standalone (apps/worker, METRICS_PORT), so one dashboard reads both deployments.
// Names follow Prometheus' conventions: `switchboard_` prefix, unit in the name, counters end in `_total`.
import type { QueueCounts } from '@switchboard/issuer';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { PushObserver } from './observed-pusher.js';

/** Push latency by result and the failures, registered on `registry`; hand it to ObservedPusher. */
export class PushMetrics implements PushObserver {
  private readonly pushes: Histogram<'result'>;
  private readonly failures: Counter;

  constructor(registry: Registry) {
    this.pushes = new Histogram({
      name: 'switchboard_propagation_push_duration_seconds',
      help: 'Account JWT pushes to one broker (claims update request to reply), by result ok or failed',
      labelNames: ['result'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'switchboard_propagation_push_failures_total',
      help: 'Account JWT pushes a broker refused or did not answer (each is retried with backoff until the job is dead-lettered)',
      registers: [registry],
    });
  }

  pushed(seconds: number, ok: boolean): void {
    this.pushes.observe({ result: ok ? 'ok' : 'failed' }, seconds);
    if (!ok) this.failures.inc();
  }
}

/**
 * Gauges of the queue's jobs by state and of its dead letters, read from `counts` at each scrape.
 * `counts` answers undefined when it cannot tell (no queue yet, queue unreachable): the gauges are then empty.
 */
export function registerQueueGauges(registry: Registry, counts: () => Promise<QueueCounts | undefined>): void {
  new Gauge({
    name: 'switchboard_propagation_jobs',
    help: 'Account JWT propagation jobs by state: waiting, active (running), retrying (waiting out a backoff)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const c = await counts();
      if (c) for (const state of ['waiting', 'active', 'retrying'] as const) this.set({ state }, c[state]);
    },
  });
  new Gauge({
    name: 'switchboard_propagation_dead_letters',
    help: 'Propagation jobs that failed their last attempt and wait for a replay (POST /v1/propagation/replay)',
    registers: [registry],
    async collect() {
      this.reset();
      const c = await counts();
      if (c) this.set(c.dead);
    },
  });
}
