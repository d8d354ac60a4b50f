import { createAccount } from '@nats-io/nkeys';
import { jwtActivations, type Account } from '@switchboard/accounts';
import { parseConfig } from '@switchboard/config';
import { encode, newAccountClaims, newActivationClaims } from '@switchboard/nats-jwt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeOptions, optionsFromConfig, Server, updateExportsImports, type Subscription } from '../src/index.js';
import { FakeTransport } from './fake-transport.js';

const SHARING = `
accounts {
  A: {
    users: [ { user: a, password: a } ]
    exports: [
      { stream: "news.>" }
      { stream: "private.>", accounts: [C] }
      { service: "help" }
      { service: "feed.*", response: stream, threshold: "50ms" }
      { service: "chunks", response: chunked }
    ]
  }
  B: {
    users: [ { user: b, password: b } ]
    imports: [
      { stream: { account: A, subject: "news.>" }, prefix: "a" }
      { service: { account: A, subject: "help" } }
      { service: { account: A, subject: "feed.*" }, to: "myfeed.*" }
      { service: { account: A, subject: "chunks" } }
    ]
  }
  C: {
    users: [ { user: c, password: c } ]
    imports: [ { stream: { account: A, subject: "private.x" }, to: "px" } ]
  }
}
`;

function setup(text = SHARING) {
  const server = new Server(optionsFromConfig(parseConfig(text), { pingInterval: 60_000 }).options);
  const connect = (user: string, headers = true) => {
    const t = new FakeTransport();
    server.accept(t);
    t.send(`CONNECT {"verbose":false,"pedantic":false,"headers":${headers},"user":"${user}","pass":"${user}"}\r\n`);
    t.fresh();
    return t;
  };
  return { server, connect };
}

/** The subject of each MSG/HMSG line written, with its reply. */
function msgLines(text: string): string[] {
  return [...text.matchAll(/^(H?)MSG ([^\r]*)\r\n/gm)].map((m) => {
    const parts = m[2]!.split(' ');
    const withReply = parts.length === (m[1] ? 5 : 4);
    return withReply ? `${parts[0]} ${parts[2]}` : parts[0]!;
  });
}

describe('exports and imports between config accounts', () => {
  afterEach(() => vi.useRealTimers());

  it('stream import: exporter messages reach importers under the prefix, nothing flows back', () => {
    const { server, connect } = setup();
    const a = connect('a');
    const b = connect('b');
    const c = connect('c');
    b.send('SUB a.news.> 1\r\nSUB news.> 2\r\n');
    c.send('SUB > 1\r\n');
    a.send('SUB news.> 9\r\nPUB news.today 1\r\nx\r\nPUB private.x 1\r\ny\r\nPUB private.z 1\r\nz\r\n');
    expect(msgLines(b.fresh())).toEqual(['a.news.today']);
    expect(msgLines(c.fresh())).toEqual(['px']);
    a.fresh();
    b.send('PUB news.fake 1\r\nx\r\nPUB a.news.fake 1\r\nx\r\n');
    expect(a.fresh()).toBe('');
    server.shutdown();
  });

  it('shadow subscriptions follow unsubscribe and disconnect', () => {
    const { server, connect } = setup();
    const a = connect('a');
    const b = connect('b');
    const accA = server.accounts.get('A')!;
    const before = accA.sublist.count();
    b.send('SUB a.> 1\r\nSUB a.news.x 2\r\n');
    expect(accA.sublist.count()).toBe(before + 2);
    b.send('UNSUB 1\r\n');
    expect(accA.sublist.count()).toBe(before + 1);
    a.send('PUB news.x 1\r\nx\r\n');
    expect(msgLines(b.fresh())).toEqual(['a.news.x']);
    b.sink!.onClose();
    expect(accA.sublist.count()).toBe(before);
    server.shutdown();
  });

  it("the server's internal subscriptions get stream imports too (a JetStream link's deliveries), shadows gone with them", async () => {
    const { server, connect } = setup();
    const a = connect('a');
    const accA = server.accounts.get('A')!;
    const before = accA.sublist.count();
    const ib = server.internalClient(server.accounts.get('B')!);
    const got: string[] = [];
    const sub = ib.subscribeMsg('a.news.>', '', (subject, reply, _h, data) => got.push(`${subject} ${reply} ${data.toString()}`));
    expect(accA.sublist.count()).toBe(before + 1);
    a.send('PUB news.x r 2\r\nhi\r\n');
    // A delivery routed on one subject and shown with another (a consumer's) crosses too.
    server.internalClient(accA).publishMsg('news.deliver', 'orders.1', '$JS.ACK.S.C.1.1.1.0.0', null, Buffer.from('m'));
    expect(got).toEqual(['a.news.x r hi', 'orders.1 $JS.ACK.S.C.1.1.1.0.0 m']);
    ib.unsubscribe(sub);
    expect(accA.sublist.count()).toBe(before);
    server.shutdown();
  });

  it("an internal reply made while the request is routed through a service import gets back (after it, as nats-server's send queue)", async () => {
    const { server, connect } = setup();
    const ia = server.internalClient(server.accounts.get('A')!);
    ia.subscribeMsg('help', '', (_s, reply) => ia.publishMsg(reply, reply, '', null, Buffer.from('answer')));
    const b = connect('b');
    b.send('SUB _INBOX.> 5\r\nPUB help _INBOX.1 3\r\nhey\r\n');
    await new Promise((r) => setImmediate(r)); // the reply goes out after the request's routing, written at the turn's end
    expect(msgLines(b.fresh())).toEqual(['_INBOX.1']);
    server.shutdown();
  });

  it('service import: the exporter sees a mapped reply, one response gets back (singleton)', () => {
    const { server, connect } = setup();
    const a = connect('a', false);
    const b = connect('b');
    a.send('SUB help 1\r\n');
    b.send('SUB _INBOX.> 5\r\nPUB help _INBOX.1 3\r\nhey\r\n');
    const [req] = msgLines(a.fresh());
    const reply = req!.split(' ')[1]!;
    expect(reply).toMatch(/^_R_\.[0-9A-Za-z]{6}\.[0-9A-Za-z]{6}$/);
    a.send(`PUB ${reply} 2\r\nok\r\nPUB ${reply} 5\r\nagain\r\n`);
    expect(msgLines(b.fresh())).toEqual(['_INBOX.1']);
    expect(server.accounts.get('A')!.responses!.size).toBe(0);
    server.shutdown();
  });

  it('service import carries Nats-Request-Info to a headers responder', () => {
    const { server, connect } = setup();
    const a = connect('a');
    const b = connect('b');
    a.send('SUB help 1\r\n');
    b.send('PUB help 2\r\nhi\r\n');
    const out = a.fresh();
    expect(out).toMatch(/^HMSG help 1 \d+ \d+\r\nNATS\/1.0\r\nNats-Request-Info: \{"acc":"B","rtt":\d+\}\r\n\r\nhi\r\n$/);
    server.shutdown();
  });

  it('stream responses flow until an empty message; mapped subjects follow the import', () => {
    const { server, connect } = setup();
    const a = connect('a', false);
    const b = connect('b');
    a.send('SUB feed.* 1\r\n');
    b.send('SUB in 1\r\nPUB myfeed.q in 0\r\n\r\n');
    const [req] = msgLines(a.fresh());
    expect(req!.split(' ')[0]).toBe('feed.q');
    const reply = req!.split(' ')[1]!;
    a.send(`PUB ${reply} 1\r\n1\r\nPUB ${reply} 1\r\n2\r\nPUB ${reply} 0\r\n\r\nPUB ${reply} 1\r\n3\r\n`);
    expect(msgLines(b.fresh())).toEqual(['in', 'in', 'in']);
    server.shutdown();
  });

  it('stream responses expire after the response threshold', () => {
    vi.useFakeTimers();
    const { server, connect } = setup();
    const a = connect('a', false);
    const b = connect('b');
    a.send('SUB feed.* 1\r\n');
    b.send('SUB in 1\r\nPUB myfeed.q in 0\r\n\r\n');
    const reply = msgLines(a.fresh())[0]!.split(' ')[1]!;
    expect(server.accounts.get('A')!.responses!.size).toBe(1);
    vi.advanceTimersByTime(200);
    expect(server.accounts.get('A')!.responses!.size).toBe(0);
    a.send(`PUB ${reply} 1\r\nx\r\n`);
    expect(b.fresh()).toBe('');
    server.shutdown();
  });

  it('a request nobody in the exporter takes leaves no mapping behind', () => {
    const { server, connect } = setup();
    const b = connect('b');
    b.send('SUB _INBOX.> 1\r\nPUB help _INBOX.1 0\r\n\r\n');
    expect(server.accounts.get('A')!.responses?.size ?? 0).toBe(0);
    server.shutdown();
  });

  it('messages that came through a service import do not leave through stream exports', () => {
    const text = `accounts {
      A: { users: [ { user: a, password: a } ], exports: [ { service: "news.req" }, { stream: "news.>" } ] }
      B: { users: [ { user: b, password: b } ], imports: [ { service: { account: A, subject: "news.req" } } ] }
      C: { users: [ { user: c, password: c } ], imports: [ { stream: { account: A, subject: "news.>" } } ] }
    }`;
    const { server, connect } = setup(text);
    const a = connect('a');
    const b = connect('b');
    const c = connect('c');
    a.send('SUB news.> 1\r\n');
    c.send('SUB news.> 1\r\n');
    b.send('PUB news.req 1\r\nx\r\n');
    expect(msgLines(a.fresh())).toEqual(['news.req']);
    expect(c.fresh()).toBe('');
    a.send('PUB news.req 1\r\nx\r\n');
    expect(msgLines(c.fresh())).toEqual(['news.req']);
    server.shutdown();
  });

  it('clients may not publish with a reserved reply subject', () => {
    const { server, connect } = setup();
    const b = connect('b');
    b.send('PUB help _R_.abcdef.ghijkl 0\r\n\r\n');
    expect(b.fresh()).toBe(`-ERR 'Permissions Violation for Publish with Reply of "_R_.abcdef.ghijkl"'\r\n`);
    server.shutdown();
  });

  it('config errors carry nats-server texts', () => {
    const bad = (accounts: string) => () => optionsFromConfig(parseConfig(`accounts {\n${accounts.replace(/ ([A-Z]): \{/g, '\n$1: {')}\n}`));
    expect(
      bad(
        'A: { exports: [ { stream: "x.>", accounts: [B] } ] } B: { imports: [ { stream: { account: A, subject: "x.>" } } ] } C: { imports: [ { stream: { account: A, subject: "x.>" } } ] }',
      ),
    ).toThrow('Error adding stream import "x.>": stream import not authorized');
    expect(bad('A: { exports: [ { stream: "x", response: singleton } ] }')).toThrow('Detected response directive on non-service');
    expect(bad('B: { imports: [ { service: { account: D, subject: "x" } } ] }')).toThrow('"D" account not defined for service import');
    expect(bad('A: { exports: [ { stream: "x" } ] } B: { imports: [ { stream: { account: A, subject: "x" }, prefix: p, to: q } ] }')).toThrow(
      "Stream import can not have a 'prefix' and a 'to' property",
    );
    expect(bad('A: { exports: [ { service: "x", response: sometimes } ] }')).toThrow('Unknown response type: "sometimes"');
    expect(bad('A: { exports: "x" }')).toThrow('Exports should be an array, got string');
  });

  it('works for accounts made in code (makeOptions) too', () => {
    const server = new Server(
      makeOptions({
        pingInterval: 60_000,
        users: [
          { user: 'a', password: 'a', account: 'A' },
          { user: 'b', password: 'b', account: 'B' },
        ],
        accounts: [
          { name: 'A', exports: [{ type: 'stream', subject: 'x' }] },
          { name: 'B', imports: [{ type: 'stream', account: 'A', subject: 'x' }] },
        ],
      }),
    );
    expect(server.accounts.get('B')!.streamImports).toHaveLength(1);
    server.shutdown();
  });
});

describe('live updates of exports and imports (account JWT changes)', () => {
  it('an export withdrawn stops an importer at once; given back, it flows again', () => {
    const { server, connect } = setup();
    const a = connect('a');
    const b = connect('b');
    b.send('SUB a.news.> 1\r\n');
    const accA = server.accounts.get('A')!;
    const exports = [...accA.streamExports.values()];
    const refused: string[] = [];
    updateExportsImports(server, accA, { exports: [] }, undefined, (imp, err) => refused.push(`${imp.subject}: ${err.message}`));
    expect(refused).toContain('news.>: Error adding stream import "news.>": stream import not authorized');
    a.send('PUB news.x 1\r\nx\r\n');
    expect(b.fresh()).toBe('');
    updateExportsImports(server, accA, { exports: exports.map((e) => ({ type: 'stream' as const, subject: e.subject })) });
    a.send('PUB news.y 1\r\ny\r\n');
    expect(msgLines(b.fresh())).toEqual(['a.news.y']);
    server.shutdown();
  });

  it('a token-required export takes an import only with a valid activation from the exporter', () => {
    // Operator mode names accounts by their public keys.
    const exporterKey = createAccount();
    const importerKey = createAccount();
    const [A, B] = [exporterKey.getPublicKey(), importerKey.getPublicKey()];
    const server = new Server(
      makeOptions({
        pingInterval: 60_000,
        users: [
          { user: 'a', password: 'a', account: A },
          { user: 'b', password: 'b', account: B },
        ],
        accounts: [{ name: A }, { name: B }],
      }),
    );
    const connect = (user: string) => {
      const t = new FakeTransport();
      server.accept(t);
      t.send(`CONNECT {"verbose":false,"headers":false,"user":"${user}","pass":"${user}"}\r\n`);
      t.fresh();
      return t;
    };
    const exporterClaims = newAccountClaims(A);
    exporterClaims.nats.exports = [{ type: 'service', subject: 'vip', token_req: true }];
    const verify = jwtActivations<Account<Subscription>>((n) => (n === A ? exporterClaims : undefined));
    updateExportsImports(server, server.accounts.get(A)!, { exports: exporterClaims.nats.exports }, verify);
    const token = encode(newActivationClaims(B, 'vip', 'service'), exporterKey);
    const forged = encode(newActivationClaims(B, 'vip', 'service'), createAccount());
    const refused: string[] = [];
    const accB = server.accounts.get(B)!;
    updateExportsImports(server, accB, { imports: [{ type: 'service', account: A, subject: 'vip', token: forged }] }, verify, (_i, e) =>
      refused.push(e.message),
    );
    updateExportsImports(server, accB, { imports: [{ type: 'service', account: A, subject: 'vip' }] }, verify, (_i, e) => refused.push(e.message));
    expect(refused).toEqual([
      'Error adding service import "vip": service import not authorized',
      'Error adding service import "vip": service import not authorized',
    ]);
    expect(accB.serviceImports).toBeNull();
    updateExportsImports(server, accB, { imports: [{ type: 'service', account: A, subject: 'vip', token }] }, verify);
    const a = connect('a');
    const b = connect('b');
    a.send('SUB vip 1\r\n');
    b.send('PUB vip 2\r\nhi\r\n');
    expect(msgLines(a.fresh())).toEqual(['vip']);
    // The exporter revokes the importer's activations: the import goes at once.
    exporterClaims.nats.exports = [{ type: 'service', subject: 'vip', token_req: true, revocations: { [B]: Math.floor(Date.now() / 1000) + 60 } }];
    const revoked: string[] = [];
    updateExportsImports(server, server.accounts.get(A)!, { exports: exporterClaims.nats.exports }, verify, (_i, e) => revoked.push(e.message));
    expect(revoked).toEqual(['Error adding service import "vip": service import not authorized']);
    b.send('PUB vip 2\r\nhi\r\n');
    expect(a.fresh()).toBe('');
    server.shutdown();
  });
});
