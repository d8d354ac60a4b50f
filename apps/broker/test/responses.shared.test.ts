// allow_responses (nats-server's response permissions), for config-file users and user JWTs,
// against nats-server and the broker started from the same config file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOperator, noPings, operatorConfig, rawAs, RawClient, startServer, user, waitFor, type RunningServer, type ServerKind } from '@switchboard/testing';

const CONFIG = [
  'authorization {',
  '  users: [',
  '    { user: svc, password: s, permissions: { subscribe: "svc.>", allow_responses: true } }',
  '    { user: svc2, password: s, permissions: { publish: "log.>", subscribe: "svc.>", allow_responses: { max: 2, expires: "1m" } } }',
  '    { user: cli, password: c }',
  '  ]',
  '}',
  '',
].join('\n');

async function login(port: number, user: string, pass: string): Promise<RawClient> {
  const c = await RawClient.open(port);
  await c.waitFor('\r\n');
  c.data = '';
  c.send(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, protocol: 1, user, pass })}\r\nPING\r\n`);
  await c.waitFor('PONG\r\n');
  c.data = '';
  return c;
}

const pongs = (c: RawClient, n: number) => waitFor(() => (c.data.match(/PONG\r\n/g) ?? []).length >= n, 5_000, `${n} PONGs`);

describe.each<ServerKind>(['nats-server', 'broker'])('allow_responses against %s', (kind) => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await startServer(kind, { config: CONFIG });
  }, 30_000);
  afterAll(() => srv?.stop());

  it('allow_responses: true lets a service answer each request once, and nothing else', async () => {
    const svc = await login(srv.port, 'svc', 's');
    const cli = await login(srv.port, 'cli', 'c');
    svc.send('SUB svc.echo 1\r\nPING\r\n');
    await pongs(svc, 1);
    cli.send('SUB reply.1 9\r\nPUB svc.echo reply.1 2\r\nhi\r\nPING\r\n');
    await svc.waitFor('MSG svc.echo 1 reply.1 2\r\nhi\r\n');
    svc.data = '';
    svc.send('PUB reply.1 3\r\none\r\nPUB reply.1 3\r\ntwo\r\nPUB other 1\r\nx\r\nPING\r\n');
    await pongs(svc, 1);
    await cli.waitFor('MSG reply.1 9 3\r\none\r\n');
    expect(noPings(svc.data)).toBe(`-ERR 'Permissions Violation for Publish to "reply.1"'\r\n-ERR 'Permissions Violation for Publish to "other"'\r\nPONG\r\n`);
    cli.send('PING\r\n');
    await pongs(cli, 2);
    expect(cli.data).not.toContain('two');
    svc.destroy();
    cli.destroy();
  });

  it('allow_responses { max: 2 } with a publish allow list', async () => {
    const svc = await login(srv.port, 'svc2', 's');
    const cli = await login(srv.port, 'cli', 'c');
    svc.send('SUB svc.> 1\r\nPING\r\n');
    await pongs(svc, 1);
    cli.send('SUB r.2 9\r\nPUB svc.x r.2 1\r\nq\r\nPING\r\n');
    await svc.waitFor('MSG svc.x 1 r.2 1\r\nq\r\n');
    svc.data = '';
    svc.send('PUB r.2 1\r\na\r\nPUB r.2 1\r\nb\r\nPUB r.2 1\r\nc\r\nPUB log.x 1\r\nl\r\nPING\r\n');
    await pongs(svc, 1);
    expect(noPings(svc.data)).toBe(`-ERR 'Permissions Violation for Publish to "r.2"'\r\nPONG\r\n`);
    await cli.waitFor('MSG r.2 9 1\r\nb\r\n');
    svc.destroy();
    cli.destroy();
  });
});

const fx = await makeOperator();
const opConfig = operatorConfig(fx);

describe.each<ServerKind>(['nats-server', 'broker'])('user JWT resp permission against %s', (kind) => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await startServer(kind, { config: opConfig });
  }, 30_000);
  afterAll(() => srv?.stop());

  it('a responder with resp {max:1} answers once', async () => {
    const svcUser = await user('svc', fx.keys.a, { sub: { allow: ['svc.>'] }, resp: { max: 1, ttl: 60_000_000_000 } });
    const svc = await rawAs(srv.port, svcUser);
    const cli = await rawAs(srv.port, fx.users.a);
    svc.data = '';
    cli.data = '';
    svc.send('SUB svc.q 1\r\nPING\r\n');
    await pongs(svc, 1);
    cli.send('SUB in.1 9\r\nPUB svc.q in.1 1\r\nq\r\nPING\r\n');
    await svc.waitFor('MSG svc.q 1 in.1 1\r\nq\r\n');
    svc.data = '';
    svc.send('PUB in.1 1\r\na\r\nPUB in.1 1\r\nb\r\nPUB elsewhere 1\r\nx\r\nPING\r\n');
    await pongs(svc, 1);
    expect(noPings(svc.data)).toBe(`-ERR 'Permissions Violation for Publish to "in.1"'\r\n-ERR 'Permissions Violation for Publish to "elsewhere"'\r\nPONG\r\n`);
    await cli.waitFor('MSG in.1 9 1\r\na\r\n');
    svc.destroy();
    cli.destroy();
  });
});
