import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type Broker } from '../src/broker.js';
import { bytes, clientKinds, take, text, type Conn } from './helpers.js';
import { waitFor } from '@switchboard/testing';

let broker: Broker;
beforeAll(async () => {
  broker = await startBroker({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await broker.close();
});

describe.each(clientKinds)('core messaging with $name', (kind) => {
  const conns: Conn[] = [];
  const open = async (opts: Record<string, unknown> = {}): Promise<Conn> => {
    const nc = await kind.connect({ servers: `127.0.0.1:${broker.port}`, ...opts });
    conns.push(nc);
    return nc;
  };
  afterAll(async () => {
    await Promise.all(conns.map((c) => (c.isClosed() ? undefined : c.close())));
  });

  it('publishes to a subscriber', async () => {
    const nc = await open();
    const sub = nc.subscribe('greet');
    nc.publish('greet', bytes('hello'));
    const [m] = await take(sub, 1);
    expect(m!.subject).toBe('greet');
    expect(text(m!.data)).toBe('hello');
  });

  it('matches * and > wildcards and not unrelated subjects', async () => {
    const nc = await open();
    const star = nc.subscribe('w.*.x');
    const gt = nc.subscribe('w.>');
    for (const s of ['w.a.x', 'w.b.y', 'v.a.x', 'w.c.x']) nc.publish(s, bytes(s));
    const a = await take(star, 2);
    expect(a.map((m) => m.subject)).toEqual(['w.a.x', 'w.c.x']);
    const b = await take(gt, 3);
    expect(b.map((m) => m.subject)).toEqual(['w.a.x', 'w.b.y', 'w.c.x']);
  });

  it('delivers each message to one member of a queue group', async () => {
    const nc = await open();
    const other = await open();
    let a = 0;
    let b = 0;
    let plain = 0;
    nc.subscribe('work', { queue: 'q', callback: () => a++ });
    other.subscribe('work', { queue: 'q', callback: () => b++ });
    other.subscribe('work', { callback: () => plain++ });
    await nc.flush();
    await other.flush();
    for (let i = 0; i < 200; i++) nc.publish('work', bytes(String(i)));
    await waitFor(() => a + b === 200 && plain === 200, 5_000, 'queue deliveries');
    expect(a + b).toBe(200);
    // Random spread: both members get work (probability of a miss is 2^-199).
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
  });

  it('answers a request through a responder', async () => {
    const nc = await open();
    nc.subscribe('svc.echo', { callback: (_e, m) => m.respond(bytes(`re:${text(m.data)}`)) });
    await nc.flush();
    const r = await nc.request('svc.echo', bytes('ping'), { timeout: 2_000 });
    expect(text(r.data)).toBe('re:ping');
  });

  it('carries headers end to end', async () => {
    const nc = await open();
    const sub = nc.subscribe('hdr');
    const h = kind.headers();
    h.set('X-Trace', 'abc');
    nc.publish('hdr', bytes('body'), { headers: h });
    const [m] = await take(sub, 1);
    expect(m!.headers?.get('X-Trace')).toBe('abc');
    expect(text(m!.data)).toBe('body');
  });

  it('rejects a request nobody listens to with no-responders (503)', async () => {
    const nc = await open();
    const err = await nc.request('nobody.home', bytes('x'), { timeout: 2_000 }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err).not.toBeNull();
    expect(`${err!.message} ${(err as { code?: string }).code ?? ''}`).toMatch(/503|no responders/i);
  });

  it('unsubscribes after max messages', async () => {
    const nc = await open();
    const sub = nc.subscribe('limited');
    sub.unsubscribe(3);
    for (let i = 0; i < 10; i++) nc.publish('limited', bytes(String(i)));
    await nc.flush();
    const got: string[] = [];
    for await (const m of sub) got.push(text(m.data));
    expect(got).toEqual(['0', '1', '2']);
    const subsz = broker.server.globalAccount.sublist.all().filter((s) => s.subject === 'limited');
    expect(subsz).toHaveLength(0);
  });

  it('does not echo to the publisher with echo:false', async () => {
    const nc = await open({ noEcho: true });
    const watcher = await open();
    let own = 0;
    nc.subscribe('echo.t', { callback: () => own++ });
    const sub = watcher.subscribe('echo.t');
    await nc.flush();
    await watcher.flush();
    nc.publish('echo.t', bytes('1'));
    await take(sub, 1);
    await nc.flush();
    expect(own).toBe(0);
  });

  it('drains: pending messages are handled before close', async () => {
    const nc = await open();
    const pub = await open();
    let n = 0;
    nc.subscribe('drain.t', { callback: () => n++ });
    await nc.flush();
    for (let i = 0; i < 100; i++) pub.publish('drain.t', bytes('x'));
    await pub.flush();
    await waitFor(() => n > 0, 5_000, 'first message');
    await nc.drain();
    expect(n).toBe(100);
    expect(nc.isClosed()).toBe(true);
  });
});
