// Exports and imports between JWT accounts in operator mode: the same config (MEMORY resolver,
// preloaded accounts) starts nats-server and the broker, and every case runs against both.
import { encodeAccount, encodeActivation, encodeOperator } from '@nats-io/jwt';
import { createAccount, createOperator } from '@nats-io/nkeys';
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, text } from './helpers.js';
import { startServer, UNLIMITED, user, waitFor, type RunningServer, type ServerKind } from '@switchboard/testing';

const operator = createOperator();
const sys = createAccount();
const a = createAccount();
const b = createAccount();
const c = createAccount();
const d = createAccount();
const A = a.getPublicKey();
const B = b.getPublicKey();
// A imports from B too: loading either account must not loop.
const aImports = [{ name: 'from-b', subject: 'b.>', account: B, type: 'stream' as const }];

const aExports: Array<{ name: string; subject: string; type: 'stream' | 'service'; token_req?: boolean }> = [
  { name: 'stream', subject: 'a.>', type: 'stream' },
  { name: 'service', subject: 'svc.a', type: 'service' },
  { name: 'private', subject: 'priv.>', type: 'stream', token_req: true },
];
const accountJwt = {
  sys: await encodeAccount('SYS', sys, { limits: UNLIMITED }, { signer: operator }),
  a: await encodeAccount('A', a, { limits: UNLIMITED, exports: aExports, imports: aImports }, { signer: operator }),
  b: await encodeAccount(
    'B',
    b,
    {
      limits: UNLIMITED,
      exports: [{ name: 'b', subject: 'b.>', type: 'stream' }],
      imports: [
        { name: 'stream', subject: 'a.>', account: A, type: 'stream', to: 'from-a' },
        { name: 'service', subject: 'svc.a', account: A, type: 'service', local_subject: 'b.svc' },
        {
          name: 'private',
          subject: 'priv.>',
          account: A,
          type: 'stream',
          to: 'from-a',
          token: await encodeActivation('priv', b, a, 'stream', { subject: 'priv.>' }),
        },
      ],
    },
    { signer: operator },
  ),
  // C imports the private stream without an activation, and nothing else.
  c: await encodeAccount(
    'C',
    c,
    { limits: UNLIMITED, imports: [{ name: 'private', subject: 'priv.>', account: A, type: 'stream', to: 'from-a' }] },
    { signer: operator },
  ),
  // D presents B's activation: the account JWT itself is invalid.
  d: await encodeAccount(
    'D',
    d,
    {
      limits: UNLIMITED,
      imports: [
        { name: 'private', subject: 'priv.>', account: A, type: 'stream', token: await encodeActivation('priv', b, a, 'stream', { subject: 'priv.>' }) },
      ],
    },
    { signer: operator },
  ),
};
const operatorJwt = await encodeOperator('OP', operator, { system_account: sys.getPublicKey() });
const users = { sys: await user('sys', sys), a: await user('a', a), b: await user('b', b), c: await user('c', c), d: await user('d', d) };
const config = [
  `operator: ${operatorJwt}`,
  `system_account: ${sys.getPublicKey()}`,
  'resolver: MEMORY',
  'resolver_preload: {',
  `  ${sys.getPublicKey()}: ${accountJwt.sys}`,
  `  ${A}: ${accountJwt.a}`,
  `  ${b.getPublicKey()}: ${accountJwt.b}`,
  `  ${c.getPublicKey()}: ${accountJwt.c}`,
  `  ${d.getPublicKey()}: ${accountJwt.d}`,
  '}',
  '',
].join('\n');

/** Subjects a connection received on `subject`, collected as they come (until `stop`). */
function collect(nc: NatsConnection, subject: string): { got: string[]; stop(): void } {
  const got: string[] = [];
  const sub = nc.subscribe(subject, { callback: (_e, m) => got.push(`${m.subject}:${text(m.data)}`) });
  return { got, stop: () => sub.unsubscribe() };
}

describe.each<ServerKind>(['nats-server', 'broker'])('JWT account exports/imports against %s', (kind) => {
  let srv: RunningServer;
  let ncA: NatsConnection;
  let ncB: NatsConnection;
  let ncC: NatsConnection;
  beforeAll(async () => {
    srv = await startServer(kind, { config });
    // B connects first: A is loaded only as B's exporter.
    ncB = await asUser(srv.port, users.b);
    ncA = await asUser(srv.port, users.a);
    ncC = await asUser(srv.port, users.c);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([ncA?.close(), ncB?.close(), ncC?.close()]);
    await srv?.stop();
  });

  /** A publishes `msgs`; once A's and then the receivers' round trips are done, all deliveries are in. */
  async function publishFromA(msgs: Array<[string, string]>): Promise<void> {
    for (const [s, d] of msgs) ncA.publish(s, d);
    await ncA.flush();
    await Promise.all([ncB.flush(), ncC.flush()]);
  }

  it("B receives A's public stream under its prefix and the private one with its activation; C, without one, nothing", async () => {
    const gotB = collect(ncB, 'from-a.>');
    const gotBplain = collect(ncB, 'a.>');
    const gotC = collect(ncC, '>');
    await Promise.all([ncB.flush(), ncC.flush()]);
    await publishFromA([
      ['a.one', '1'],
      ['priv.x', '2'],
      ['other', '3'],
    ]);
    for (const g of [gotB, gotBplain, gotC]) g.stop();
    expect(gotB.got).toEqual(['from-a.a.one:1', 'from-a.priv.x:2']);
    expect(gotBplain.got).toEqual([]);
    expect(gotC.got).toEqual([]);
    if (kind === 'broker') {
      // The broker says which imports it left out (nats-server logs a line of its own).
      const skipped = (subject: string) =>
        `account ${c.getPublicKey()} stream import "${subject}" from ${A} skipped: Error adding stream import "${subject}": stream import not authorized`;
      await waitFor(() => srv.log().includes(skipped('priv.>')), 5_000, 'refused imports logged');
    }
  });

  it("a user of an account holding another account's activation is refused", async () => {
    await expect(asUser(srv.port, users.d)).rejects.toThrow(/Authorization Violation/);
  });

  it("the import cycle works both ways: A receives B's stream", async () => {
    const gotA = collect(ncA, 'b.>');
    await ncA.flush();
    ncB.publish('b.one', '6');
    await ncB.flush();
    await ncA.flush();
    gotA.stop();
    expect(gotA.got).toEqual(['b.one:6']);
  });

  it("B's request on its local subject reaches A's responder; C cannot call it", async () => {
    ncA.subscribe('svc.a', { callback: (_e, m) => m.respond(new TextEncoder().encode(`A got ${m.subject}:${text(m.data)}`)) });
    await ncA.flush();
    const r = await ncB.request('b.svc', new TextEncoder().encode('hi'), { timeout: 3_000 });
    expect(text(r.data)).toBe('A got svc.a:hi');
    await expect(ncC.request('svc.a', new TextEncoder().encode('hi'), { timeout: 1_000 })).rejects.toThrow(/503|no responders/i);
    await expect(ncB.request('svc.a', new TextEncoder().encode('hi'), { timeout: 1_000 })).rejects.toThrow(/503|no responders/i);
  });

  it("a live update of A's JWT without the stream export stops B's flow", async () => {
    const gotB = collect(ncB, 'from-a.>');
    await ncB.flush();
    const ncSys = await asUser(srv.port, users.sys);
    const jwt = await encodeAccount(
      'A',
      a,
      { limits: UNLIMITED, exports: aExports.filter((e) => e.subject !== 'a.>'), imports: aImports },
      { signer: operator },
    );
    const r = JSON.parse(text((await ncSys.request(`$SYS.REQ.ACCOUNT.${A}.CLAIMS.UPDATE`, new TextEncoder().encode(jwt), { timeout: 3_000 })).data));
    await ncSys.close();
    expect(r.data).toMatchObject({ account: A, code: 200, message: 'jwt updated' });
    await publishFromA([
      ['a.two', '4'],
      ['priv.y', '5'],
    ]);
    expect(gotB.got).toEqual(['from-a.priv.y:5']);
  });
});
