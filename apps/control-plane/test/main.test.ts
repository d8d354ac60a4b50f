// main.ts as a real process (swc-node, as `npm start` runs it): start, serve, stop on SIGTERM; clear port-in-use error.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type FreshDatabase } from '@switchboard/db';
import { generateMasterKey } from '@switchboard/secrets';
import { BullPropagationQueue, redisConnection } from '@switchboard/propagation';
import { freePort, startControlPlaneProcess } from '@switchboard/testing';

function run(env: Record<string, string>, args: string[] = []): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const c = startControlPlaneProcess(args, env);
  return { child: c.proc, output: c.output, exit: c.exited };
}

function listen(port = 0): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

describe('main.ts', { timeout: 90_000 }, () => {
  let fresh: FreshDatabase;
  // One master key for every process of this database (the seeds are sealed with it).
  const masterKey = generateMasterKey().toString('base64');
  const env = () => ({ DATABASE_URL: fresh.url, HOST: '127.0.0.1', SWITCHBOARD_MASTER_KEY: masterKey });

  beforeAll(async () => {
    fresh = await freshDatabase();
  });
  afterAll(async () => {
    await fresh?.drop();
  });

  it('migrates, listens on PORT, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const p = run({ ...env(), PORT: String(port) });
    try {
      const deadline = Date.now() + 80_000;
      let status = 0;
      while (Date.now() < deadline && p.child.exitCode === null) {
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.status,
          () => 0,
        );
        if (status) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(status, p.output()).toBeGreaterThan(0); // 200, or 503 if Redis is down on this machine
      expect(p.output()).toContain(`applied `);
      expect(p.output()).toContain(`listening on http://127.0.0.1:${port}`);
      // First start on an empty database: the operator admin token, once, on stdout.
      const first = /SWITCHBOARD_OPERATOR_ADMIN_TOKEN=(\S+)/.exec(p.output())?.[1];
      expect(first).toBeTruthy();
      const operator = (token: string) =>
        fetch(`http://127.0.0.1:${port}/v1/operator`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
      expect(await operator(first!)).toBe(200);
      // `admin-token` mints another one against the same database.
      const mint = run(env(), ['admin-token']);
      expect(await mint.exit, mint.output()).toBe(0);
      const minted = mint.output().trim().split('\n').at(-1)!;
      expect(minted).not.toBe(first);
      expect(await operator(minted)).toBe(200);
      expect(mint.output()).not.toContain('SWITCHBOARD_OPERATOR_ADMIN_TOKEN=');
      p.child.kill('SIGTERM');
      expect(await p.exit).toBe(0);
    } finally {
      p.child.kill('SIGKILL');
    }
  });

  it('with REDIS_URL set, queues account JWT changes on the BullMQ queue the worker consumes', async () => {
    const port = await freePort();
    const prefix = `sbtest${randomBytes(4).toString('hex')}`;
    const p = run({ ...env(), PORT: String(port), REDIS_URL: 'redis://127.0.0.1:6379', QUEUE_PREFIX: prefix });
    const connection = redisConnection('redis://127.0.0.1:6379');
    const queue = new BullPropagationQueue({ connection, prefix });
    try {
      const deadline = Date.now() + 80_000;
      let signup: Response | undefined;
      while (Date.now() < deadline && p.child.exitCode === null && !signup) {
        signup = await fetch(`http://127.0.0.1:${port}/v1/signup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'q@queue.example', organization: 'Queue' }),
        }).catch(() => undefined);
        if (!signup) await new Promise((r) => setTimeout(r, 100));
      }
      expect(signup?.status, p.output()).toBe(201);
      const account = ((await signup!.json()) as { account: { publicKey: string } }).account.publicKey;
      const jobs = await queue.queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed']);
      expect(jobs.map((j) => j.data.account)).toContain(account);
      p.child.kill('SIGTERM');
      expect(await p.exit).toBe(0);
    } finally {
      p.child.kill('SIGKILL');
      await queue.queue.obliterate({ force: true });
      await queue.dead.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  });

  it('exits with a clear message when the port is taken', async () => {
    const held = await listen();
    const { port } = held.address() as net.AddressInfo;
    try {
      const p = run({ ...env(), PORT: String(port) });
      expect(await p.exit).toBe(1);
      expect(p.output()).toContain(`control-plane: port ${port} is already in use on 127.0.0.1: stop the other process or set PORT`);
    } finally {
      held.close();
    }
  });
});
