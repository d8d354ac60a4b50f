import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  canConnect,
  makeOperator,
  NATS_SERVER_BIN,
  operatorConfig,
  rawAs,
  RawClient,
  rawConnect,
  sign,
  startBoth,
  startServer,
  type ServerKind,
} from '../src/index.js';

describe('NATS_SERVER_BIN', () => {
  it('is the reference nats-server unless the environment names another', () => {
    expect(NATS_SERVER_BIN).toBe(process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server');
  });

  it('is honoured by startServer (a process with another binary fails with its name)', () => {
    const script = `import { startNatsServer } from '@switchboard/testing'; await startNatsServer().then(() => process.exit(0), (e) => { console.log(String(e.message)); process.exit(3); });`;
    const r = spawnSync(process.execPath, ['--conditions=@switchboard/source', '--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, NATS_SERVER_BIN: '/nonexistent/nats-server' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(3);
    expect(r.stdout).toContain('/nonexistent/nats-server');
  });
});

describe.each<ServerKind>(['nats-server', 'broker'])('startServer(%s)', (kind) => {
  it('starts on a free port, greets with INFO, answers PING; stop() ends it and removes its directory', async () => {
    const s = await startServer(kind, { config: 'max_payload: 100\n' });
    expect(s.url).toBe(`nats://127.0.0.1:${s.port}`);
    expect(existsSync(s.dir)).toBe(true);
    const c = await RawClient.open(s.port);
    await c.waitFor('\r\n');
    expect(c.data).toMatch(/^INFO \{.*"max_payload":100[,}].*\r\n$/);
    c.send('CONNECT {"verbose":false}\r\nPING\r\n');
    await c.waitFor('PONG\r\n');
    c.destroy();
    await s.stop();
    expect(existsSync(s.dir)).toBe(false);
    expect(await canConnect(s.port)).toBe(false);
  }, 40_000);

  it('fails with the server log when the config is refused', async () => {
    await expect(startServer(kind, { config: 'max_payload: "lots"\n' })).rejects.toThrow(new RegExp(`${kind} exited .* before it was ready`, 's'));
  }, 40_000);

  it('runs operator mode from the fixture: a user of account A connects, a forged one is refused', async () => {
    const fx = await makeOperator();
    const s = await startServer(kind, { config: operatorConfig(fx) });
    try {
      const a = await rawAs(s.port, fx.users.a);
      expect(a.data).toContain('PONG\r\n');
      a.destroy();
      const forged = await rawConnect(s.port, (n) => ({ jwt: fx.users.forged.jwt, sig: sign(fx.users.forged.key, n) }));
      await forged.waitFor("-ERR 'Authorization Violation'\r\n");
      await forged.waitClosed();
    } finally {
      await s.stop();
    }
  }, 40_000);
});

describe('RawClient', () => {
  it('keeps every byte in bytes()/text() across resets of data, and writes in chunks', async () => {
    const s = await startServer('nats-server');
    try {
      const c = await RawClient.open(s.port);
      await c.waitFor('\r\n');
      const info = c.data;
      c.data = '';
      await c.write(Buffer.from('CONNECT {"verbose":true}\r\nPING\r\n'), 3);
      await c.waitFor('PONG\r\n');
      expect(c.data).toBe('+OK\r\nPONG\r\n');
      expect(c.text()).toBe(`${info}+OK\r\nPONG\r\n`);
      expect(await c.until(() => c.closed, 20)).toBe(false);
      c.send('BOGUS\r\n');
      await c.waitClosed();
      expect(c.data).toContain("-ERR 'Unknown Protocol Operation'");
    } finally {
      await s.stop();
    }
  });
});

describe('startBoth', () => {
  it('starts both kinds from one config, and refuses as a whole when one refuses it', async () => {
    const both = await startBoth({ config: 'max_payload: 100\n' });
    try {
      expect(both['nats-server'].kind).toBe('nats-server');
      expect(both.broker.kind).toBe('broker');
      expect(both.broker.port).not.toBe(both['nats-server'].port);
    } finally {
      await Promise.all([both['nats-server'].stop(), both.broker.stop()]);
    }
    await expect(startBoth({ config: 'max_payload: "lots"\n' })).rejects.toThrow(/exited .* before it was ready/s);
  }, 60_000);
});
