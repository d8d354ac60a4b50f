// /metrics of a standalone worker (METRICS_PORT): the pushes it made and the queue it serves, in
// Prometheus' text format, with the names the control plane uses when the worker runs inside it
// (npm start), so one dashboard reads both deployments.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { QueueCounts } from '@switchboard/issuer';
import type { PushObserver } from '@switchboard/propagation';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export class WorkerMetrics implements PushObserver {
  readonly registry = new Registry();
  private server: Server | null = null;
  private counts: (() => Promise<QueueCounts>) | null = null;
  private readonly pushes = new Histogram({
    name: 'switchboard_propagation_push_duration_seconds',
    help: 'Account JWT pushes to one broker (claims update request to reply), by result ok or failed',
    labelNames: ['result'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly failures = new Counter({
    name: 'switchboard_propagation_push_failures_total',
    help: 'Account JWT pushes a broker refused or did not answer (each is retried with backoff until the job is dead-lettered)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const counts = () => this.counts?.().catch(() => undefined);
    new Gauge({
      name: 'switchboard_propagation_jobs',
      help: 'Account JWT propagation jobs by state: waiting, active (running), retrying (waiting out a backoff)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const c = await counts();
        if (c) for (const state of ['waiting', 'active', 'retrying'] as const) this.set({ state }, c[state]);
      },
    });
    new Gauge({
      name: 'switchboard_propagation_dead_letters',
      help: 'Propagation jobs that failed their last attempt and wait for a replay',
      registers: [this.registry],
      async collect() {
        this.reset();
        const c = await counts();
        if (c) this.set(c.dead);
      },
    });
  }

  pushed(seconds: number, ok: boolean): void {
    this.pushes.observe({ result: ok ? 'ok' : 'failed' }, seconds);
    if (!ok) this.failures.inc();
  }

  /** The queue whose counts the gauges report (the worker's own producer side). */
  watch(counts: () => Promise<QueueCounts>): void {
    this.counts = counts;
  }

  /** Serves GET /metrics; resolves with the port once listening. */
  async listen(port: number, host: string): Promise<number> {
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType, 'cache-control': 'no-store' }).end(text),
        (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${(e as Error).message}\n`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
