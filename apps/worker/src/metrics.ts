// /metrics of a standalone worker (METRICS_PORT): the pushes it made and the queue it serves, in
// Prometheus' text format, with the names the control plane uses when the worker runs inside it
// (npm start), so one dashboard reads both deployments.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { QueueCounts } from '@switchboard/issuer';
import { PushMetrics, registerQueueGauges, type PushObserver } from '@switchboard/propagation';
import { collectDefaultMetrics, Registry } from 'prom-client';

export class WorkerMetrics implements PushObserver {
  readonly registry = new Registry();
  private server: Server | null = null;
  private counts: (() => Promise<QueueCounts>) | null = null;
  private readonly pushes = new PushMetrics(this.registry);

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    registerQueueGauges(this.registry, async () => this.counts?.().catch(() => undefined));
  }

  pushed(seconds: number, ok: boolean): void {
    this.pushes.pushed(seconds, ok);
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
