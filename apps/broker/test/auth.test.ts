import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type Broker } from '../src/broker.js';
import { bytes, clientKinds, type Conn } from './helpers.js';
import { waitFor } from '@switchboard/testing';

let userPass: Broker;
let token: Broker;
let accounts: Broker;
let perms: Broker;
beforeAll(async () => {
  perms = await startBroker({
    host: '127.0.0.1',
    port: 0,
    users: [
      {
        user: 'limited',
        password: 'p',
        account: '',
        permissions: { publish: { allow: ['allowed.>', '_INBOX.>'] }, subscribe: { allow: ['allowed.>', '_INBOX.>'], deny: ['allowed.secret'] } },
      },
      { user: 'free', password: 'p', account: '' },
    ],
  });
  userPass = await startBroker({ host: '127.0.0.1', port: 0, username: 'alice', password: 's3cret' });
  token = await startBroker({ host: '127.0.0.1', port: 0, authorization: 'tok-123' });
  accounts = await startBroker({
    host: '127.0.0.1',
    port: 0,
    accounts: [{ name: 'A' }, { name: 'B' }],
    users: [
      { user: 'a1', password: 'pa', account: 'A' },
      { user: 'a2', password: 'pa', account: 'A' },
      { user: 'b1', password: 'pb', account: 'B' },
    ],
  });
});
afterAll(async () => {
  await Promise.all([userPass.close(), token.close(), accounts.close(), perms.close()]);
});

describe.each(clientKinds)('authentication with $name', (kind) => {
  const conns: Conn[] = [];
  const open = async (b: Broker, opts: Record<string, unknown>) => {
    const nc = await kind.connect({ servers: `127.0.0.1:${b.port}`, reconnect: false, ...opts });
    conns.push(nc);
    return nc;
  };
  afterAll(async () => {
    await Promise.all(conns.map((c) => (c.isClosed() ? undefined : c.close())));
  });
  const refused = (b: Broker, opts: Record<string, unknown>) =>
    open(b, opts).then(
      () => 'connected',
      (e: Error) => e.message,
    );

  it('accepts the right user and password', async () => {
    const nc = await open(userPass, { user: 'alice', pass: 's3cret' });
    await nc.flush();
  });

  it('refuses a wrong password and missing credentials with Authorization Violation', async () => {
    expect(await refused(userPass, { user: 'alice', pass: 'nope' })).toMatch(/authorization violation/i);
    expect(await refused(userPass, {})).toMatch(/authorization violation/i);
  });

  it('accepts the right token and refuses a wrong one', async () => {
    const nc = await open(token, { token: 'tok-123' });
    await nc.flush();
    expect(await refused(token, { token: 'bad' })).toMatch(/authorization violation/i);
  });

  it('enforces permissions: publish and subscribe violations are reported, denied subjects not delivered', async () => {
    const errors: string[] = [];
    const nc = await open(perms, { user: 'limited', pass: 'p' });
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type !== 'error') continue;
        // v3 reports { error }, v2 { data } holding an Error.
        const e = (s as { error?: unknown; data?: unknown }).error ?? (s as { data?: unknown }).data;
        errors.push(e instanceof Error ? e.message : String(e));
      }
    })();
    const free = await open(perms, { user: 'free', pass: 'p' });
    const got: string[] = [];
    nc.subscribe('allowed.>', { callback: (_e, m) => got.push(m.subject) });
    nc.subscribe('forbidden', { callback: () => {} });
    nc.publish('forbidden.pub', bytes('x'));
    await nc.flush();
    free.publish('allowed.secret', bytes('hidden'));
    free.publish('allowed.open', bytes('seen'));
    await waitFor(() => got.includes('allowed.open'), 5_000, 'allowed message');
    expect(got).toEqual(['allowed.open']);
    await waitFor(() => errors.length >= 2, 5_000, `two permission errors, got ${errors}`);
    // v3 keeps the server's text; v2 reduces it to a code (the exact bytes are checked by e2e/differential).
    const all = errors.join('\n');
    expect(all).toMatch(/Permissions Violation for Subscription to "forbidden"|PERMISSIONS_VIOLATION/i);
    expect(all).toMatch(/Permissions Violation for Publish to "forbidden.pub"|PERMISSIONS_VIOLATION\n.*PERMISSIONS_VIOLATION/i);
  });

  it('isolates accounts: users of A talk to each other, B sees nothing', async () => {
    const a1 = await open(accounts, { user: 'a1', pass: 'pa' });
    const a2 = await open(accounts, { user: 'a2', pass: 'pa' });
    const b1 = await open(accounts, { user: 'b1', pass: 'pb' });
    const inB: string[] = [];
    const inA: string[] = [];
    b1.subscribe('shared.>', { callback: (_e, m) => inB.push(m.subject) });
    a2.subscribe('shared.>', { callback: (_e, m) => inA.push(m.subject) });
    await b1.flush();
    await a2.flush();
    a1.publish('shared.x', bytes('for A'));
    b1.publish('shared.y', bytes('for B'));
    await b1.flush();
    await a1.flush();
    // A marker published after the others: once it arrives, earlier cross-account leaks would have too.
    a1.publish('shared.end', bytes(''));
    b1.publish('shared.end', bytes(''));
    await waitFor(() => inA.includes('shared.end') && inB.includes('shared.end'), 5_000, 'markers');
    expect(inA).toEqual(['shared.x', 'shared.end']);
    expect(inB).toEqual(['shared.y', 'shared.end']);
  });
});
