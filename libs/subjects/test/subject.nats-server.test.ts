import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidPublishSubject, isValidQueueName, isValidSubject } from '../src/index.js';
import { queueCases, subjectCases } from './cases.js';

// Differential test: the same subjects through the real nats-server with a pedantic client.
// A raw socket is used because the official clients validate subjects before sending.

const NATS_SERVER = '/usr/sbin/nats-server';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as net.AddressInfo).port;
  srv.close();
  await once(srv, 'close');
  return port;
}

/** A pedantic protocol connection that collects everything the server sends. */
class RawClient {
  private buf = '';
  private waiters: (() => void)[] = [];
  private constructor(private readonly sock: net.Socket) {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      this.buf += d;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async connect(port: number): Promise<RawClient> {
    const c = new RawClient(net.connect(port, '127.0.0.1'));
    await c.until((b) => b.includes('\r\n'));
    c.sock.write('CONNECT {"pedantic":true,"verbose":false}\r\n');
    return c;
  }

  /** Sends `cmd` followed by PING and returns what the server sent up to the PONG. */
  async roundTrip(cmd: string): Promise<string> {
    this.buf = '';
    this.sock.write(`${cmd}PING\r\n`);
    await this.until((b) => b.includes('PONG\r\n'));
    return this.buf;
  }

  private async until(pred: (b: string) => boolean): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!pred(this.buf)) {
      if (this.sock.destroyed) throw new Error(`connection closed, got ${JSON.stringify(this.buf)}`);
      if (Date.now() > deadline) throw new Error(`timed out, got ${JSON.stringify(this.buf)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  close(): void {
    this.sock.destroy();
  }
}

let server: ChildProcess;
let port: number;

beforeAll(async () => {
  port = await freePort();
  server = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    // A port taken by someone else in the meantime makes our server exit: fail clearly.
    if (server.exitCode !== null) throw new Error(`nats-server exited with ${server.exitCode}`);
    if (ok) break;
    if (Date.now() > deadline) throw new Error('nats-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
});

afterAll(() => {
  server?.kill();
});

describe('validation agrees with nats-server (pedantic)', () => {
  it('SUB subjects', async () => {
    const c = await RawClient.connect(port);
    try {
      let sid = 1;
      for (const { subject } of subjectCases) {
        const reply = await c.roundTrip(`SUB ${subject} ${sid++}\r\n`);
        const serverAccepts = !reply.includes("-ERR 'Invalid Subject'");
        expect({ subject, valid: isValidSubject(subject) }).toEqual({ subject, valid: serverAccepts });
      }
    } finally {
      c.close();
    }
  });

  it('PUB subjects', async () => {
    const c = await RawClient.connect(port);
    try {
      for (const { subject } of subjectCases) {
        const reply = await c.roundTrip(`PUB ${subject} 0\r\n\r\n`);
        const serverAccepts = !reply.includes("-ERR 'Invalid Publish Subject'");
        expect({ subject, valid: isValidPublishSubject(subject) }).toEqual({ subject, valid: serverAccepts });
      }
    } finally {
      c.close();
    }
  });

  it('queue names', async () => {
    const c = await RawClient.connect(port);
    try {
      let sid = 1;
      for (const { queue } of queueCases.filter((q) => isValidQueueName(q.queue))) {
        const reply = await c.roundTrip(`SUB foo ${queue} ${sid++}\r\n`);
        expect({ queue, reply }).toEqual({ queue, reply: 'PONG\r\n' });
      }
    } finally {
      c.close();
    }
  });
});
