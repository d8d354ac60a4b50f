// Service latency tracking, the shared suite: the same config runs on the reference nats-server
// and on the broker; requests cross a service import whose export samples latency, and the
// ServiceLatency metrics published in the exporting account must have nats-server's shape.
import { connect, headers, type NatsConnection, type Subscription } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBoth, type RunningServer, type ServerKind } from '@switchboard/testing';

const CONFIG = `
accounts {
  A: {
    users: [ { user: a, password: a } ]
    exports: [
      { service: "svc.>", latency: { sampling: 100, subject: "latency.svc" } }
      { service: "hdr.>", latency: { sampling: headers, subject: "latency.hdr" } }
      { service: "share.>", latency: "latency.share" }
    ]
  }
  B: {
    users: [ { user: b, password: b } ]
    imports: [
      { service: { account: A, subject: "svc.>" } }
      { service: { account: A, subject: "hdr.>" } }
      { service: { account: A, subject: "share.>" }, share: true }
    ]
  }
}
`;
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

let servers: Record<ServerKind, RunningServer> | undefined;
beforeAll(async () => {
  servers = await startBoth({ config: CONFIG });
}, 60_000);
afterAll(async () => {
  await Promise.all(Object.values(servers ?? {}).map((s) => s.stop()));
});

type Metric = Record<string, unknown> & { requestor: Record<string, unknown>; responder: Record<string, unknown> };

async function pair(kind: ServerKind): Promise<{ a: NatsConnection; b: NatsConnection }> {
  const port = servers![kind].port;
  const [a, b] = await Promise.all(['a', 'b'].map((u) => connect({ port, user: u, pass: u, reconnect: false })));
  a!.subscribe('*.>', { callback: (_e, m) => m.respond(`re:${m.subject}`) });
  await a!.flush();
  return { a: a!, b: b! };
}

/** The next `n` metrics on a subscription, parsed. */
async function next(sub: Subscription, n: number): Promise<Metric[]> {
  const out: Metric[] = [];
  for await (const m of sub) {
    out.push(JSON.parse(new TextDecoder().decode(m.data)) as Metric);
    if (out.length === n) break;
  }
  return out;
}

/** Checks one metric's values; returns its shape (sorted keys of it and of its parts). */
function shape(m: Metric, requestorAcc: string): Record<string, string[]> {
  expect(m.type).toBe('io.nats.server.metric.v1.service_latency');
  expect(m.status).toBe(200);
  expect(m.id).toMatch(/^[0-9A-Za-z]{22}$/);
  expect(m.requestor.acc).toBe(requestorAcc);
  expect(m.responder.acc).toBe('A');
  expect(m.requestor.rtt).toBeGreaterThan(0);
  expect(m.responder.rtt).toBeGreaterThan(0);
  expect(m.total).toBeGreaterThan(0);
  expect(m.service).toBeGreaterThanOrEqual(0);
  expect(m.system).toBeGreaterThan(0);
  expect(Number.isInteger(m.total) && Number.isInteger(m.service) && Number.isInteger(m.system)).toBe(true);
  const start = Date.parse(m.start as string);
  const stamp = Date.parse(m.timestamp as string);
  expect(start).toBeLessThanOrEqual(stamp);
  // Both clocks are this machine's: the metric is about a request made within the last minute.
  expect(Math.abs(Date.now() - stamp)).toBeLessThan(60_000);
  return { metric: Object.keys(m).sort(), requestor: Object.keys(m.requestor).sort(), responder: Object.keys(m.responder).sort() };
}

async function both<T>(scenario: (kind: ServerKind) => Promise<T>): Promise<{ reference: T; broker: T }> {
  return { reference: await scenario('nats-server'), broker: await scenario('broker') };
}

describe('service latency: same config, same metrics on nats-server and the broker', () => {
  it('sampling 100: one metric per request on the results subject, in the exporting account', async () => {
    const { reference, broker } = await both(async (kind) => {
      const { a, b } = await pair(kind);
      const metrics = a.subscribe('latency.svc');
      // The requesting account sees nothing of it.
      const inB = b.subscribe('latency.>');
      await Promise.all([a.flush(), b.flush()]);
      for (let i = 0; i < 3; i++) expect(new TextDecoder().decode((await b.request(`svc.${i}`, 'q')).data)).toBe(`re:svc.${i}`);
      const got = await next(metrics, 3);
      await b.flush();
      expect(inB.getProcessed()).toBe(0);
      expect(new Set(got.map((m) => m.id)).size).toBe(3);
      const shapes = got.map((m) => shape(m, 'B'));
      // Not shared: the requestor is only its account and RTT.
      expect(shapes[0]!.requestor).toEqual(['acc', 'rtt']);
      await Promise.all([a.close(), b.close()]);
      return shapes;
    });
    expect(reference[0]!.metric).toEqual(['id', 'requestor', 'responder', 'service', 'start', 'status', 'system', 'timestamp', 'total', 'type']);
    expect(broker).toEqual(reference);
  }, 30_000);

  it('sampling "headers": only requests with a sampled trace header, which the metric carries', async () => {
    const { reference, broker } = await both(async (kind) => {
      const { a, b } = await pair(kind);
      const metrics = a.subscribe('latency.hdr');
      await a.flush();
      await b.request('hdr.plain', 'q');
      const unsampled = headers();
      unsampled.set('traceparent', TRACEPARENT.replace(/-01$/, '-00'));
      await b.request('hdr.off', 'q', { headers: unsampled, timeout: 5_000 });
      const h = headers();
      h.set('traceparent', TRACEPARENT);
      await b.request('hdr.on', 'q', { headers: h, timeout: 5_000 });
      // Metrics go out in order: had either earlier request been sampled, it would come first.
      const [m] = await next(metrics, 1);
      const s = shape(m!, 'B');
      await Promise.all([a.close(), b.close()]);
      return { s, header: m!.header };
    });
    expect(reference.header).toEqual({ Traceparent: [TRACEPARENT] });
    expect(broker).toEqual(reference);
  }, 30_000);

  it("a shared import puts the requestor's client info in the metric; the string form samples all", async () => {
    const { reference, broker } = await both(async (kind) => {
      const { a, b } = await pair(kind);
      const metrics = a.subscribe('latency.share');
      await a.flush();
      await b.request('share.x', 'q');
      const [m] = await next(metrics, 1);
      const s = shape(m!, 'B');
      expect(m!.requestor.user).toBe('b');
      await Promise.all([a.close(), b.close()]);
      return s;
    });
    expect(broker).toEqual(reference);
  }, 30_000);
});
