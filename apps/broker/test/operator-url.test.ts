// resolver: URL(...) with the broker's disk cache: accounts are fetched over HTTP on first use,
// and a restarted broker still serves them while the resolver is down.
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeOperator, rawAs, rawConnect, sign, startServer, type RunningServer } from '@switchboard/testing';

const fx = await makeOperator();
const served = new Map<string, string>([
  [fx.keys.sys.getPublicKey(), fx.accountJwt.sys],
  [fx.keys.a.getPublicKey(), fx.accountJwt.a],
]);
const asked: string[] = [];

function startResolver(): Promise<HttpServer> {
  const http = createServer((req, res) => {
    const key = (req.url ?? '').split('/').pop() ?? '';
    asked.push(key);
    const jwt = served.get(key);
    res.writeHead(jwt ? 200 : 404, { 'content-type': 'application/jwt' });
    res.end(jwt ?? '');
  });
  return new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(http)));
}

describe('operator mode with a URL resolver and its disk cache (broker)', () => {
  const running: RunningServer[] = [];
  afterAll(async () => {
    for (const r of running) await r.stop();
  });

  it('fetches accounts on first use, and serves them from disk after a restart with the resolver down', async () => {
    const http = await startResolver();
    const port = (http.address() as AddressInfo).port;
    const cacheDir = mkdtempSync(join(tmpdir(), 'sb-jwt-cache-'));
    const config = [
      `operator: ${fx.operatorJwt}`,
      `system_account: ${fx.keys.sys.getPublicKey()}`,
      `resolver: URL(http://127.0.0.1:${port}/jwt/v1/accounts/)`,
      `resolver_cache_dir: "${cacheDir}"`,
      '',
    ].join('\n');
    const first = await startServer('broker', { config });
    running.push(first);
    const a = await rawAs(first.port, fx.users.a);
    expect(asked).toContain(fx.keys.a.getPublicKey());
    a.destroy();
    // An account the resolver does not know is refused.
    const lost = await rawConnect(first.port, (n) => ({ jwt: fx.users.c1.jwt, sig: sign(fx.users.c1.key, n) }));
    await lost.waitFor("-ERR 'Authorization Violation'\r\n");
    expect(readdirSync(cacheDir).length).toBeGreaterThan(0);
    await first.stop();

    await new Promise<void>((resolve) => http.close(() => resolve()));
    const second = await startServer('broker', { config });
    running.push(second);
    const again = await rawAs(second.port, fx.users.a);
    expect(again.data).toContain('PONG');
    again.destroy();
    await second.stop();
  }, 60_000);
});
