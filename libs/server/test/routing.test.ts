import { describe, expect, it } from 'vitest';
import { makeOptions, Server, type ServerOptions } from '../src/index.js';
import { FakeTransport } from './fake-transport.js';

function setup(opts: Partial<ServerOptions> = {}) {
  const server = new Server(makeOptions({ pingInterval: 60_000, ...opts }));
  const connect = (json = '{"verbose":false,"pedantic":false,"headers":true}') => {
    const t = new FakeTransport();
    const client = server.accept(t)!;
    t.send(`CONNECT ${json}\r\n`);
    t.fresh();
    return { t, client };
  };
  return { server, connect };
}

describe('routing with a fake transport', () => {
  it('sends INFO first with nats-server fields and a trailing space', () => {
    const { server } = setup();
    const t = new FakeTransport();
    server.accept(t);
    const line = t.text();
    expect(line.endsWith(' \r\n')).toBe(true);
    const info = JSON.parse(line.slice(5, -3));
    expect(Object.keys(info)).toEqual([
      'server_id',
      'server_name',
      'version',
      'proto',
      'go',
      'host',
      'port',
      'headers',
      'max_payload',
      'client_id',
      'client_ip',
    ]);
    expect(info.client_ip).toBe('10.0.0.1');
    server.shutdown();
  });

  it('writes MSG with and without reply, byte for byte', () => {
    const { server, connect } = setup();
    const sub = connect();
    const pub = connect();
    sub.t.send('SUB foo 7\r\n');
    pub.t.send('PUB foo 5\r\nhello\r\nPUB foo bar 2\r\nhi\r\n');
    expect(sub.t.fresh()).toBe('MSG foo 7 5\r\nhello\r\nMSG foo 7 bar 2\r\nhi\r\n');
    server.shutdown();
  });

  it('batches all deliveries of one read chunk into one write per client', () => {
    const { server, connect } = setup();
    const sub = connect();
    const pub = connect();
    sub.t.send('SUB foo 1\r\nSUB foo 2\r\n');
    const before = sub.t.writes;
    pub.t.send('PUB foo 1\r\na\r\n'.repeat(50));
    expect(sub.t.writes - before).toBe(1);
    expect(sub.t.fresh().split('MSG foo').length - 1).toBe(100);
    server.shutdown();
  });

  it('delivers HMSG to header clients and strips headers for others', () => {
    const { server, connect } = setup();
    const withH = connect();
    const without = connect('{"verbose":false,"headers":false}');
    withH.t.send('SUB h 1\r\n');
    without.t.send('SUB h 1\r\n');
    withH.t.send('HPUB h r 12 14\r\nNATS/1.0\r\n\r\nhi\r\n');
    expect(withH.t.fresh()).toBe('HMSG h 1 r 12 14\r\nNATS/1.0\r\n\r\nhi\r\n');
    expect(without.t.fresh()).toBe('MSG h 1 r 2\r\nhi\r\n');
    server.shutdown();
  });

  it('gives each queue group one copy and spreads over members', () => {
    const { server, connect } = setup();
    const a = connect();
    const b = connect();
    const pub = connect();
    a.t.send('SUB q g1 1\r\nSUB q g2 2\r\n');
    b.t.send('SUB q g1 1\r\n');
    pub.t.send('PUB q 1\r\nx\r\n'.repeat(400));
    const aMsgs = a.t.fresh().split('MSG q ');
    const inA = (sid: string) => aMsgs.filter((m) => m.startsWith(`${sid} `)).length;
    const g1InB = b.t.fresh().split('MSG q ').length - 1;
    expect(inA('2')).toBe(400); // g2 has one member: it gets all
    expect(inA('1') + g1InB).toBe(400); // g1 splits its copy between members
    expect(inA('1')).toBeGreaterThan(0);
    expect(g1InB).toBeGreaterThan(0);
    server.shutdown();
  });

  it('auto-unsubscribes at max and removes the subscription from the account', () => {
    const { server, connect } = setup();
    const c = connect();
    c.t.send('SUB m 1\r\nUNSUB 1 2\r\n');
    c.t.send('PUB m 1\r\na\r\nPUB m 1\r\nb\r\nPUB m 1\r\nc\r\n');
    expect(c.t.fresh()).toBe('MSG m 1 1\r\na\r\nMSG m 1 1\r\nb\r\n');
    expect(server.globalAccount.sublist.count()).toBe(0);
    expect(c.client.subs.size).toBe(0);
    server.shutdown();
  });

  it('answers a request without responders with a 503 HMSG on the reply subscription', () => {
    const { server, connect } = setup();
    const c = connect('{"verbose":false,"headers":true,"no_responders":true}');
    c.t.send('SUB _INBOX.x 9\r\nPUB nobody _INBOX.x 2\r\nhi\r\n');
    expect(c.t.fresh()).toBe('HMSG _INBOX.x 9 16 16\r\nNATS/1.0 503\r\n\r\n\r\n');
    server.shutdown();
  });

  it('keeps accounts isolated', () => {
    const { server, connect } = setup({
      users: [
        { user: 'a', password: 'a', account: 'A' },
        { user: 'b', password: 'b', account: 'B' },
      ],
      accounts: [{ name: 'A' }, { name: 'B' }],
    });
    const a = connect('{"verbose":false,"user":"a","pass":"a"}');
    const b = connect('{"verbose":false,"user":"b","pass":"b"}');
    a.t.send('SUB s 1\r\n');
    b.t.send('SUB s 1\r\nPUB s 1\r\nb\r\n');
    a.t.send('PING\r\n');
    expect(a.t.fresh()).toBe('PONG\r\n');
    expect(b.t.fresh()).toBe('MSG s 1 1\r\nb\r\n');
    expect(a.client.account.name).toBe('A');
    server.shutdown();
  });

  it('ignores operations after a fatal error in the same chunk', () => {
    const { server, connect } = setup({ maxPayload: 4 });
    const pub = connect();
    const sub = connect();
    sub.t.send('SUB x 1\r\n');
    pub.t.send('PUB x 10\r\n0123456789\r\nPUB x 1\r\na\r\n');
    expect(pub.t.fresh()).toBe("-ERR 'Maximum Payload Violation'\r\n");
    expect(pub.t.ended).toBe(true);
    expect(sub.t.fresh()).toBe('');
    server.shutdown();
  });

  it('cuts a slow consumer once pending bytes pass max_pending, without hurting the producer', () => {
    const { server, connect } = setup({ maxPending: 64 * 1024, maxPayload: 1024 });
    const slow = connect();
    const pub = connect();
    slow.t.send('SUB big 1\r\n');
    slow.t.stalled = true;
    const payload = 'x'.repeat(1000);
    for (let i = 0; i < 100 && !slow.client.closed; i++) pub.t.send(`PUB big 1000\r\n${payload}\r\n`);
    expect(slow.client.closed).toBe(true);
    expect(slow.client.closeReason).toBe('Slow Consumer (Pending Bytes)');
    expect(slow.t.destroyed).toBe(true);
    expect(server.slowConsumers).toBe(1);
    expect(pub.client.closed).toBe(false);
    server.shutdown();
  });

  it('requires CONNECT with credentials when auth is on', () => {
    const { server } = setup({ username: 'u', password: 'p' });
    const t = new FakeTransport();
    server.accept(t);
    expect(t.fresh()).toContain('"auth_required":true');
    t.send('SUB x 1\r\n');
    expect(t.fresh()).toBe("-ERR 'Authorization Violation'\r\n");
    expect(t.ended).toBe(true);
    server.shutdown();
  });
});

describe('protocol trace (-V)', () => {
  it('logs inbound and outbound operations and redacts secrets', () => {
    const lines: string[] = [];
    const logger = { debug: false, trace: true, log: (level: string, m: string) => lines.push(`[${level}] ${m}`) };
    const server = new Server(makeOptions({ pingInterval: 60_000 }), { logger });
    const t = new FakeTransport();
    server.accept(t);
    t.send('CONNECT {"verbose":false,"user":"u","pass":"hunter2"}\r\nSUB a 1\r\nPUB a 2\r\nhi\r\n');
    const trc = lines.filter((l) => l.startsWith('[TRC]'));
    expect(trc.some((l) => l.includes('<<- [CONNECT') && l.includes('"pass":"[REDACTED]"'))).toBe(true);
    expect(lines.join('\n')).not.toContain('hunter2');
    expect(trc.some((l) => l.endsWith('<<- [PUB a 2]'))).toBe(true);
    expect(trc.some((l) => l.endsWith('->> [MSG a 1 2]'))).toBe(true);
    server.shutdown();
  });
});

describe('auth details', () => {
  it("lets a client without credentials in as no_auth_user, in that user's account", () => {
    const server = new Server(
      makeOptions({ users: [{ user: 'guest', password: 'g', account: 'PUBLIC' }], accounts: [{ name: 'PUBLIC' }], noAuthUser: 'guest' }),
    );
    const t = new FakeTransport();
    const c = server.accept(t)!;
    // nats-server clears auth_required in INFO when a no_auth_user exists.
    expect(t.fresh()).not.toContain('auth_required');
    t.send('SUB s 1\r\nPING\r\n');
    expect(t.fresh()).toBe('+OK\r\nPONG\r\n');
    expect(c.account.name).toBe('PUBLIC');
    expect(server.lookupAccount('PUBLIC')!.sublist.count()).toBe(1);
    server.shutdown();
  });

  it('refuses subscriptions beyond max_subscriptions without closing', () => {
    const server = new Server(makeOptions({ maxSubscriptions: 1 }));
    const t = new FakeTransport();
    server.accept(t);
    t.send('CONNECT {"verbose":false}\r\nSUB a 1\r\nSUB b 2\r\nPING\r\n');
    expect(t.text()).toContain("-ERR 'maximum subscriptions exceeded'\r\nPONG\r\n");
    expect(t.ended).toBe(false);
    server.shutdown();
  });
});

describe('flow control', () => {
  it('pauses a producer while its consumer is over half of max_pending, resumes on drain', () => {
    const server = new Server(makeOptions({ pingInterval: 60_000, maxPending: 10_000, maxPayload: 1_000 }));
    const mk = () => {
      const t = new FakeTransport();
      const c = server.accept(t)!;
      t.send('CONNECT {"verbose":false}\r\n');
      return { t, c };
    };
    const consumer = mk();
    const producer = mk();
    consumer.t.send('SUB s 1\r\n');
    consumer.t.stalled = true;
    const body = 'y'.repeat(900);
    // Chunk 1 fills the consumer's transport past 5000 bytes; chunk 2 meets the backlog.
    producer.t.send(`PUB s 900\r\n${body}\r\n`.repeat(6));
    producer.t.send(`PUB s 900\r\n${body}\r\n`);
    expect(producer.t.paused).toBe(true);
    expect(consumer.c.closed).toBe(false);
    consumer.t.writableLength = 0;
    consumer.t.sink!.onDrain();
    expect(producer.t.paused).toBe(false);
    server.shutdown();
  });

  it('resumes a paused producer after the stall time even if the consumer never drains', async () => {
    const server = new Server(makeOptions({ pingInterval: 60_000, maxPending: 10_000, maxPayload: 1_000 }));
    const consumer = new FakeTransport();
    server.accept(consumer);
    consumer.send('CONNECT {"verbose":false}\r\nSUB s 1\r\n');
    consumer.stalled = true;
    const producer = new FakeTransport();
    server.accept(producer);
    producer.send('CONNECT {"verbose":false}\r\n');
    producer.send(`PUB s 900\r\n${'y'.repeat(900)}\r\n`.repeat(7));
    producer.send('PUB s 1\r\nx\r\n');
    expect(producer.paused).toBe(true);
    const deadline = Date.now() + 5_000;
    while (producer.paused && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(producer.paused).toBe(false);
    server.shutdown();
  });
});

describe('write deadline', () => {
  it('cuts a client whose transport accepts no bytes for longer than write_deadline', async () => {
    const server = new Server(makeOptions({ pingInterval: 60_000, writeDeadline: 100 }));
    const t = new FakeTransport();
    const c = server.accept(t)!;
    t.send('CONNECT {"verbose":false}\r\nSUB s 1\r\n');
    t.stalled = true;
    t.highWater = 0;
    t.send('PUB s 1\r\nx\r\n'); // the write is refused: the deadline clock starts
    const deadline = Date.now() + 5_000;
    while (!c.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(c.closeReason).toBe('Slow Consumer (Write Deadline)');
    expect(server.slowConsumers).toBe(1);
    server.shutdown();
  });
});

describe('lame duck', () => {
  it('sends INFO with ldm:true only to protocol-1 clients past their first PONG, then closes everyone', async () => {
    const server = new Server(makeOptions({ pingInterval: 60_000, lameDuckGracePeriod: 20, lameDuckDuration: 60 }));
    const modern = new FakeTransport();
    server.accept(modern);
    modern.send('CONNECT {"verbose":false,"protocol":1}\r\nPING\r\n');
    const old = new FakeTransport();
    server.accept(old);
    old.send('CONNECT {"verbose":false,"protocol":0}\r\nPING\r\n');
    modern.fresh();
    old.fresh();
    const done = server.lameDuck();
    const info = modern.fresh();
    expect(info.startsWith('INFO ')).toBe(true);
    expect(JSON.parse(info.slice(5, -3)).ldm).toBe(true);
    expect(old.fresh()).toBe('');
    await done;
    expect(server.clients.size).toBe(0);
    expect(modern.ended && old.ended).toBe(true);
  });
});

describe('fault isolation', () => {
  it('an exception inside a handler closes that connection only', () => {
    const lines: string[] = [];
    const logger = { debug: false, trace: false, log: (_l: string, m: string) => lines.push(m) };
    const exploding = {
      canPublish(): boolean {
        throw new Error('permissions exploded');
      },
    };
    const authenticator = {
      required: true,
      nonceRequired: false,
      authenticate: (o: { user: string }) => ({ account: '$G', user: o.user, permissions: (o.user === 'boom' ? exploding : null) as never }),
      anonymous: () => null,
    };
    const server = new Server(makeOptions({ pingInterval: 60_000 }), { logger, authenticator });
    const bad = new FakeTransport();
    const badClient = server.accept(bad)!;
    const good = new FakeTransport();
    server.accept(good);
    good.send('CONNECT {"verbose":false,"user":"ok"}\r\n');
    bad.send('CONNECT {"verbose":false,"user":"boom"}\r\n');
    expect(() => bad.send('PUB x 1\r\na\r\n')).not.toThrow();
    expect(badClient.closed).toBe(true);
    expect(lines.some((l) => l.includes('permissions exploded'))).toBe(true);
    good.send('PING\r\n');
    expect(good.text().endsWith('PONG\r\n')).toBe(true);
    server.shutdown();
  });

  it('an authenticator that throws is an Authorization Violation', () => {
    const authenticator = {
      required: true,
      nonceRequired: false,
      authenticate: () => {
        throw new Error('bug');
      },
      anonymous: () => null,
    };
    const server = new Server(makeOptions({ pingInterval: 60_000 }), { authenticator });
    const t = new FakeTransport();
    server.accept(t);
    t.send('CONNECT {"verbose":false}\r\nPING\r\n');
    expect(t.text()).toContain("-ERR 'Authorization Violation'\r\n");
    expect(t.ended).toBe(true);
    server.shutdown();
  });
});
