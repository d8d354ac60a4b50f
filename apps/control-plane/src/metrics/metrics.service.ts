// Prometheus metrics on a registry of this app instance (not prom-client's global one), so
// several apps in one process (tests) do not collide. Names follow Prometheus' conventions:
// `switchboard_` prefix, the unit in the name, counters end in `_total`.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '@switchboard/db';
import { isInspectable, type PropagationQueue, type QueueCounts } from '@switchboard/issuer';
import { PushMetrics, registerQueueGauges, type PushObserver } from '@switchboard/propagation';
import { DATABASE, PROPAGATION } from '../tokens.js';
import { apiEvent, isChange } from './api-events.js';
import { EntityCounter } from './entity-counts.js';

@Injectable()
export class MetricsService implements PushObserver {
  readonly registry = new Registry();
  private readonly log = new Logger('Metrics');
  private readonly entities: EntityCounter;
  private readonly requests = new Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly signups = new Counter({
    name: 'switchboard_signups_total',
    help: 'Tenants signed up through this instance: channel api (POST /v1/signup), console (POST /v1/session/signup), operator (POST /v1/tenants)',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  private readonly credentials = new Counter({
    name: 'switchboard_user_credentials_issued_total',
    help: 'User JWTs issued by this instance (POST /v1/accounts/:id/users answered 2xx)',
    registers: [this.registry],
  });
  private readonly revocations = new Counter({
    name: 'switchboard_revocations_total',
    help: 'Revocations made through this instance: a user, an account signing key, or a tenant suspension (all its users)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly pushes = new PushMetrics(this.registry);

  constructor(@Inject(DATABASE) db: Database, @Inject(PROPAGATION) queue: PropagationQueue) {
    this.entities = new EntityCounter(db.prisma);
    // Every label value from the start, so a rate() over the first event sees it rise from 0.
    for (const channel of ['api', 'console', 'operator']) this.signups.inc({ channel }, 0);
    for (const kind of ['user', 'signing_key', 'tenant_suspension']) this.revocations.inc({ kind }, 0);
    collectDefaultMetrics({ register: this.registry });
    const entities = this.entities;
    const log = this.log;
    new Gauge({
      name: 'switchboard_tenants',
      help: 'Tenants by status (active, suspended)',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const c = await entities.get().catch((e: unknown) => void log.warn(`counting tenants: ${(e as Error).message}`));
        if (c) for (const [status, n] of Object.entries(c.tenants)) this.set({ status }, n);
      },
    });
    new Gauge({
      name: 'switchboard_accounts',
      help: 'NATS accounts of all tenants (the system account included)',
      registers: [this.registry],
      async collect() {
        this.reset();
        const c = await entities.get().catch(() => undefined);
        if (c) this.set(c.accounts);
      },
    });
    new Gauge({
      name: 'switchboard_users',
      help: 'NATS users whose JWT was issued here, by state (active, revoked)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const c = await entities.get().catch(() => undefined);
        if (c) for (const [state, n] of Object.entries(c.users)) this.set({ state }, n);
      },
    });
    // The queue's own counts (Redis for BullMQ: one round trip per scrape, shared by both gauges); absent without a queue to ask.
    if (isInspectable(queue)) {
      let counting: Promise<QueueCounts | undefined> | null = null;
      const counts = () =>
        (counting ??= queue
          .counts()
          .catch((e: unknown) => void log.warn(`propagation queue counts: ${(e as Error).message}`))
          .finally(() => (counting = null)));
      registerQueueGauges(this.registry, counts);
    }
  }

  /** PushObserver: the worker in this process reports each push. */
  pushed(seconds: number, ok: boolean): void {
    this.pushes.pushed(seconds, ok);
  }

  /** Times every request; the label is the route template, so ids in paths cannot explode cardinality. */
  instrument(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? '(unmatched)';
      const status = reply.statusCode;
      this.requests.observe({ method: req.method, route, status_code: String(status) }, reply.elapsedTime / 1000);
      if (!isChange(req.method, status)) return;
      this.entities.changed();
      const e = apiEvent(req, route, status);
      if (e?.counter === 'signups') this.signups.inc({ channel: e.channel });
      else if (e?.counter === 'credentials') this.credentials.inc();
      else if (e?.counter === 'revocations') this.revocations.inc({ kind: e.kind });
    });
  }
}
