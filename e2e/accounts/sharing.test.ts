// Accounts as tenants, the shared suite: the same config file runs on the reference
// nats-server and on the broker, official nats.js clients do the same things on both, and
// what each client receives must be the same (with the reference's answers pinned as well).
import { connect, type Msg, type NatsConnection, type Subscription } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBoth, startServer, type RunningServer, type ServerKind } from '@switchboard/testing';

const CONFIG = `
accounts {
  A: {
    users: [ { user: a, password: a } ]
    exports: [
      { stream: "news.>" }
      { stream: "private.>", accounts: [C] }
      { service: "help" }
      { service: "calc.*", accounts: [B] }
      { service: "feed", response: stream }
      { service: "per.*.svc", account_token_position: 2 }
      { service: "svc.>" }
    ]
  }
  B: {
    users: [ { user: b, password: b } ]
    imports: [
      { stream: { account: A, subject: "news.>" }, prefix: "a" }
      { service: { account: A, subject: "help" } }
      { service: { account: A, subject: "calc.*" }, to: "math.*" }
      { service: { account: A, subject: "feed" } }
      { service: { account: A, subject: "per.B.svc" }, to: "mine" }
      { service: { account: A, subject: "svc.>" } }
    ]
  }
  C: {
    users: [ { user: c, password: c } ]
    imports: [
      { stream: { account: A, subject: "private.x" }, to: "px" }
      { stream: { account: A, subject: "news.*" } }
    ]
  }
}
`;

const KINDS: ServerKind[] = ['nats-server', 'broker'];
let servers: Record<ServerKind, RunningServer> | undefined;

beforeAll(async () => {
  servers = await startBoth({ config: CONFIG });
}, 60_000);
afterAll(async () => {
  await Promise.all(Object.values(servers ?? {}).map((s) => s.stop()));
});

async function users(kind: ServerKind): Promise<Record<'a' | 'b' | 'c', NatsConnection>> {
  const port = servers![kind].port;
  const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((u) => connect({ port, user: u, pass: u, reconnect: false })));
  return { a: a!, b: b!, c: c! };
}
async function closeAll(conns: Record<string, NatsConnection>): Promise<void> {
  await Promise.all(Object.values(conns).map((c) => c.close()));
}

/** Collects `subject payload` lines until a message with payload "END" arrives. */
async function collect(sub: Subscription): Promise<string[]> {
  const out: string[] = [];
  for await (const m of sub) {
    const text = new TextDecoder().decode(m.data);
    if (text === 'END') break;
    out.push(m.reply ? `${m.subject} ${text} reply=${m.reply}` : `${m.subject} ${text}`);
  }
  return out;
}

/** Runs one scenario on both servers; returns each one's observation. */
async function both<T>(scenario: (kind: ServerKind) => Promise<T>): Promise<{ reference: T; broker: T }> {
  const reference = await scenario('nats-server');
  const broker = await scenario('broker');
  return { reference, broker };
}

describe('accounts as tenants: same config, same deliveries on nats-server and the broker', () => {
  it('stream imports: prefix, mapping, private export to named accounts; nothing flows back', async () => {
    const { reference, broker } = await both(async (kind) => {
      const u = await users(kind);
      const inB = collect(u.b.subscribe('>'));
      const inC = collect(u.c.subscribe('>'));
      const inA = collect(u.a.subscribe('news.>'));
      await Promise.all([u.b.flush(), u.c.flush(), u.a.flush()]);
      u.b.publish('news.fake', 'from-b');
      u.b.publish('a.news.fake', 'from-b');
      u.c.publish('news.fake', 'from-c');
      await Promise.all([u.b.flush(), u.c.flush()]);
      for (const s of ['news.a', 'news.a.b', 'private.x', 'private.y', 'other']) u.a.publish(s, 'from-a');
      // A stream import passes the reply subject through untouched.
      u.a.publish('news.r', 'from-a', { reply: 'back.here' });
      // The end marker reaches every subscriber through the imports: B as a.news.end, C as news.end.
      u.a.publish('news.end', 'END');
      const seen = { A: await inA, B: await inB, C: await inC };
      await closeAll(u);
      return seen;
    });
    expect(reference).toEqual({
      A: ['news.a from-a', 'news.a.b from-a', 'news.r from-a reply=back.here'],
      B: ['news.fake from-b', 'a.news.fake from-b', 'a.news.a from-a', 'a.news.a.b from-a', 'a.news.r from-a reply=back.here'],
      C: ['news.fake from-c', 'news.a from-a', 'px from-a', 'news.r from-a reply=back.here'],
    });
    expect(broker).toEqual(reference);
  }, 30_000);

  it('service imports: request/reply across accounts, subject mapping, requester info, token position', async () => {
    const { reference, broker } = await both(async (kind) => {
      const u = await users(kind);
      const seen: string[] = [];
      const answer = (m: Msg) => {
        const info = JSON.parse(m.headers?.get('Nats-Request-Info') || '{}') as { acc?: string };
        seen.push(`${m.subject} reply=${m.reply?.startsWith('_R_.') ? '_R_' : m.reply} acc=${info.acc}`);
        m.respond(`re:${m.subject}`);
      };
      u.a.subscribe('help', { callback: (_e, m) => answer(m) });
      u.a.subscribe('calc.*', { callback: (_e, m) => answer(m) });
      u.a.subscribe('per.*.svc', { callback: (_e, m) => answer(m) });
      u.a.subscribe('svc.>', { callback: (_e, m) => answer(m) });
      await u.a.flush();
      const replies: string[] = [];
      for (const s of ['help', 'math.add', 'mine', 'svc.x.y']) {
        const r = await u.b.request(s, 'q', { timeout: 5_000 });
        replies.push(new TextDecoder().decode(r.data));
      }
      await closeAll(u);
      return { seen, replies };
    });
    expect(reference).toEqual({
      seen: ['help reply=_R_ acc=B', 'calc.add reply=_R_ acc=B', 'per.B.svc reply=_R_ acc=B', 'svc.x.y reply=_R_ acc=B'],
      replies: ['re:help', 're:calc.add', 're:per.B.svc', 're:svc.x.y'],
    });
    expect(broker).toEqual(reference);
  }, 30_000);

  it('response types: one reply for a singleton service, many for a stream service', async () => {
    const { reference, broker } = await both(async (kind) => {
      const u = await users(kind);
      const respond = (m: Msg) => {
        for (const n of ['1', '2', '3']) m.respond(n);
        // Ends the collection: published after the replies by the same connection.
        u.a.publish('news.done', 'END');
      };
      u.a.subscribe('help', { callback: (_e, m) => respond(m) });
      u.a.subscribe('feed', { callback: (_e, m) => respond(m) });
      await u.a.flush();
      const out: Record<string, string[]> = {};
      for (const s of ['help', 'feed']) {
        const inbox = `_INBOX.${s}`;
        const sub = u.b.subscribe('>');
        const got = collect(sub);
        await u.b.flush();
        u.b.publish(s, 'q', { reply: inbox });
        out[s] = (await got).filter((l) => l.startsWith(inbox));
        sub.unsubscribe();
      }
      await closeAll(u);
      return out;
    });
    expect(reference).toEqual({ help: ['_INBOX.help 1'], feed: ['_INBOX.feed 1', '_INBOX.feed 2', '_INBOX.feed 3'] });
    expect(broker).toEqual(reference);
  }, 30_000);

  it('queue groups of an importer get each imported message once', async () => {
    const { reference, broker } = await both(async (kind) => {
      const u = await users(kind);
      const counts = [0, 0];
      u.b.subscribe('a.news.>', { queue: 'q', callback: () => counts[0]!++ });
      u.b.subscribe('a.news.*', { queue: 'q', callback: () => counts[1]!++ });
      // Same connection: when the marker arrives, every earlier delivery to b has too.
      const done = collect(u.b.subscribe('a.news.end'));
      await u.b.flush();
      for (let i = 0; i < 20; i++) u.a.publish(`news.${i}`, 'x');
      u.a.publish('news.end', 'END');
      await done;
      await closeAll(u);
      // One queue name is one group, whatever the subjects: the split is random, the sum is not.
      return counts[0]! + counts[1]!;
    });
    expect(reference).toBe(21);
    expect(broker).toBe(reference);
  }, 30_000);

  it('a service import with nobody answering: both servers leave the request unanswered', async () => {
    const { reference, broker } = await both(async (kind) => {
      const u = await users(kind);
      // Nobody in A listens on "help": the import itself takes the request (no 503 no-responders).
      const r = await u.b.request('help', 'q', { timeout: 300 }).then(
        () => 'answered',
        (e: { code?: string }) => String(e.code),
      );
      await closeAll(u);
      return r;
    });
    expect(reference).toBe('TIMEOUT');
    expect(broker).toBe(reference);
  }, 30_000);
});

describe('accounts as tenants: configs both servers refuse', () => {
  const refused: [string, string][] = [
    [
      'accounts {\n A: { exports: [ { stream: "x.>", accounts: [C] } ] }\n B: { imports: [ { stream: { account: A, subject: "x.>" } } ] }\n C: {}\n}\n',
      'Error adding stream import "x.>": stream import not authorized',
    ],
    [
      'accounts {\n A: { exports: [ { service: "x.>" } ], imports: [ { service: { account: B, subject: "y.>" }, to: "x.>" } ] }\n B: { exports: [ { service: "y.>" } ], imports: [ { service: { account: A, subject: "x.>" }, to: "y.>" } ] }\n}\n',
      'import forms a cycle',
    ],
    ['accounts {\n A: { exports: [ { stream: "x", response: singleton } ] }\n}\n', 'Detected response directive on non-service'],
    ['accounts {\n B: { imports: [ { service: { account: D, subject: "x" } } ] }\n}\n', '"D" account not defined for service import'],
  ];
  for (const [config, reason] of refused) {
    it(`refuses: ${reason}`, async () => {
      for (const kind of KINDS) {
        const err = await startServer(kind, { config }).then(
          async (s) => {
            await s.stop();
            return '';
          },
          (e: Error) => e.message,
        );
        expect(err, `${kind} should refuse the config`).toContain(reason);
      }
    }, 60_000);
  }
});

describe('accounts as tenants: chained service imports', () => {
  const CHAIN = `
accounts {
  A: { users: [ { user: a, password: a } ], imports: [ { service: { account: B, subject: "x" } } ] }
  B: { users: [ { user: b, password: b } ], exports: [ { service: "x" } ], imports: [ { service: { account: C, subject: "deep" }, to: "x" } ] }
  C: { users: [ { user: c, password: c } ], exports: [ { service: "deep" } ] }
}
`;
  it('a request passes through B into C, the requester info names both, the reply comes back', async () => {
    const observe = async (kind: ServerKind) => {
      const h = await startServer(kind, { config: CHAIN });
      try {
        const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((u) => connect({ port: h.port, user: u, pass: u, reconnect: false })));
        const seen: string[] = [];
        const info = (m: Msg) => m.headers?.get('Nats-Request-Info').replace(/"rtt":\d+/, '"rtt":N');
        c!.subscribe('deep', { callback: (_e, m) => (seen.push(`C ${m.subject} ${info(m)}`), m.respond('from-c')) });
        b!.subscribe('x', { callback: (_e, m) => seen.push(`B ${m.subject} ${info(m)}`) });
        await Promise.all([b!.flush(), c!.flush()]);
        const r = await a!.request('x', 'q', { timeout: 5_000 });
        // B's own subscriber saw the request too: flushing b after the reply makes sure it arrived.
        await b!.flush();
        seen.push(`A ${new TextDecoder().decode(r.data)}`);
        await Promise.all([a!.close(), b!.close(), c!.close()]);
        return seen.sort();
      } finally {
        await h.stop();
      }
    };
    const reference = await observe('nats-server');
    expect(reference).toEqual(['A from-c', 'B x {"acc":"A","rtt":N}', 'C deep {"acc":"A","svc":"B","rtt":N}']);
    expect(await observe('broker')).toEqual(reference);
  }, 60_000);
});
