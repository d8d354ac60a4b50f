import { describe, expect, it } from 'vitest';
import { makeOptions, Server, type AuthResult, type Authenticator, type ConnectOptions } from '../src/index.js';
import { FakeTransport } from './fake-transport.js';

/** An authenticator whose answers the test releases by hand, like a resolver fetching a JWT. */
class DeferredAuth implements Authenticator {
  readonly required = true;
  readonly nonceRequired = true;
  pending: { opts: ConnectOptions; nonce: string; resolve: (r: AuthResult | null) => void; reject: (e: Error) => void }[] = [];
  authenticate(opts: ConnectOptions, nonce: string): Promise<AuthResult | null> {
    return new Promise((resolve, reject) => this.pending.push({ opts, nonce, resolve, reject }));
  }
  anonymous(): null {
    return null;
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe('asynchronous authentication', () => {
  it('holds the operations after CONNECT until the answer, then runs them in order', async () => {
    const auth = new DeferredAuth();
    const server = new Server(makeOptions({ pingInterval: 60_000 }), { authenticator: auth });
    const t = new FakeTransport();
    server.accept(t);
    const info = JSON.parse(t.fresh().slice(5, -3));
    expect(info.nonce).toMatch(/^[A-Za-z0-9_-]{15}$/);
    t.send('CONNECT {"verbose":false,"jwt":"J","sig":"S"}\r\nSUB acct.x 1\r\nPUB acct.x 2\r\nhi\r\nPING\r\n');
    expect(t.paused).toBe(true);
    expect(t.fresh()).toBe('');
    expect(auth.pending[0]!.nonce).toBe(info.nonce);
    expect(auth.pending[0]!.opts.jwt).toBe('J');
    auth.pending[0]!.resolve({ account: 'ACCT_PUBKEY', user: 'UKEY', permissions: null });
    await tick();
    expect(t.fresh()).toBe('MSG acct.x 1 2\r\nhi\r\nPONG\r\n');
    expect(t.paused).toBe(false);
    expect(server.lookupAccount('ACCT_PUBKEY')!.sublist.count()).toBe(1);
    server.shutdown();
  });

  it('a rejected or negative answer is an Authorization Violation', async () => {
    const auth = new DeferredAuth();
    const server = new Server(makeOptions({ pingInterval: 60_000 }), { authenticator: auth });
    const a = new FakeTransport();
    const b = new FakeTransport();
    server.accept(a);
    server.accept(b);
    a.send('CONNECT {"verbose":false}\r\nPING\r\n');
    b.send('CONNECT {"verbose":false}\r\nPING\r\n');
    auth.pending[0]!.resolve(null);
    auth.pending[1]!.reject(new Error('resolver down'));
    await tick();
    for (const t of [a, b]) {
      expect(t.text()).toContain("-ERR 'Authorization Violation'\r\n");
      expect(t.text()).not.toContain('PONG');
      expect(t.ended).toBe(true);
    }
    server.shutdown();
  });

  it('an answer that never comes ends in Authentication Timeout', async () => {
    const auth = new DeferredAuth();
    const server = new Server(makeOptions({ pingInterval: 60_000, authTimeout: 50 }), { authenticator: auth });
    const t = new FakeTransport();
    const c = server.accept(t)!;
    t.send('CONNECT {"verbose":false}\r\nPING\r\n');
    const deadline = Date.now() + 5_000;
    while (!c.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(t.text()).toContain("-ERR 'Authentication Timeout'\r\n");
    auth.pending[0]!.resolve({ account: 'A', user: 'u', permissions: null }); // too late: ignored
    await tick();
    expect(t.text()).not.toContain('PONG');
    server.shutdown();
  });
});
