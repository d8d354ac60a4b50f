// server-config's output, checked by the real nats-server: `-t` accepts it, and a server started
// with it resolves accounts from the (stand-in) control plane and lets CLI-made .creds in.
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, credsAuthenticator, type NatsConnection } from 'nats';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '@switchboard/config';
import { resolverUrl } from '../src/commands/server-config.js';
import { cli, useContractServer } from './helpers.js';
import { NATS_SERVER_BIN, startNatsServer } from '@switchboard/testing';

const ctx = useContractServer();

describe('resolverUrl', () => {
  it('completes a bare control plane URL and keeps an explicit resolver path', () => {
    expect(resolverUrl('http://cp:3000')).toBe('http://cp:3000/jwt/v1/accounts/');
    expect(resolverUrl('http://cp:3000/')).toBe('http://cp:3000/jwt/v1/accounts/');
    expect(resolverUrl('https://cp/base/jwt/v1')).toBe('https://cp/base/jwt/v1/accounts/');
    expect(resolverUrl('http://cp/jwt/v1/accounts')).toBe('http://cp/jwt/v1/accounts/');
    expect(() => resolverUrl('cp:3000')).toThrow(/must be an http/);
    expect(() => resolverUrl('nonsense')).toThrow(/must be a URL/);
  });
});

describe('server-config', () => {
  it('prints operator, system account and URL resolver (no preload: nats-server refuses it for URL)', async () => {
    const r = await cli(['server-config', '--resolver-url', ctx.server.url], ctx.env, ctx.dir.path);
    expect(r).toMatchObject({ code: 0, err: '' });
    const op = ctx.server.operator();
    const conf = parseConfig(r.out);
    expect(conf).toEqual({
      operator: op.jwt,
      system_account: op.systemAccount.publicKey,
      resolver: `URL(${ctx.server.url}/jwt/v1/accounts/)`,
    });
  });

  it('defaults to the operator account server URL', async () => {
    const r = await cli(['server-config'], ctx.env, ctx.dir.path);
    expect(parseConfig(r.out).resolver).toBe(`URL(${ctx.server.url}/jwt/v1/accounts/)`);
  });

  it('is accepted by nats-server -t', async () => {
    const path = join(ctx.dir.path, 'nats.conf');
    await writeFile(path, (await cli(['server-config'], ctx.env, ctx.dir.path)).out);
    const t = spawnSync(NATS_SERVER_BIN, ['-t', '-c', path], { encoding: 'utf8' });
    expect(t.stderr + t.stdout).toMatch(/configuration file .* is valid/);
    expect(t.status).toBe(0);
  });

  it('starts a real nats-server that admits a user made by `users create`', async () => {
    const conf = join(ctx.dir.path, 'nats.conf');
    await writeFile(conf, (await cli(['server-config'], ctx.env, ctx.dir.path)).out);
    const made = await cli(['users', 'create', 'svc', '--account', 'main', '--out', 'svc.creds'], ctx.env, ctx.dir.path);
    expect(made.code).toBe(0);
    const nats = await startNatsServer({ configFile: conf });
    let nc: NatsConnection | undefined;
    try {
      const creds = await readFile(join(ctx.dir.path, 'svc.creds'));
      nc = await connect({ servers: nats.url, authenticator: credsAuthenticator(creds), reconnect: false });
      const sub = nc.subscribe('greet', { max: 1 });
      nc.publish('greet', 'hi');
      for await (const m of sub) expect(m.string()).toBe('hi');
      expect(ctx.server.requests.some((q) => q.url === `/jwt/v1/accounts/${ctx.server.accountKey.getPublicKey()}`)).toBe(true);
    } finally {
      await nc?.close();
      await nats.stop();
    }
  });
});
