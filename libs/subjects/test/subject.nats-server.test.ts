import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, startNatsServer, type RunningServer } from '@switchboard/testing';
import { isValidPublishSubject, isValidQueueName, isValidSubject } from '../src/index.js';
import { queueCases, subjectCases } from './cases.js';

// Differential test: the same subjects through the real nats-server with a pedantic client.
// A raw socket is used because the official clients validate subjects before sending.

/** A pedantic protocol connection. */
async function pedantic(port: number): Promise<RawClient> {
  const c = await RawClient.open(port);
  await c.waitFor('\r\n');
  c.send('CONNECT {"pedantic":true,"verbose":false}\r\n');
  return c;
}

/** Sends `cmd` followed by PING and returns what the server sent up to the PONG. */
async function roundTrip(c: RawClient, cmd: string): Promise<string> {
  c.data = '';
  c.send(`${cmd}PING\r\n`);
  await c.waitFor('PONG\r\n');
  return c.data;
}

let server: RunningServer;

beforeAll(async () => {
  server = await startNatsServer();
});

afterAll(async () => {
  await server?.stop();
});

describe('validation agrees with nats-server (pedantic)', () => {
  it('SUB subjects', async () => {
    const c = await pedantic(server.port);
    try {
      let sid = 1;
      for (const { subject } of subjectCases) {
        const reply = await roundTrip(c, `SUB ${subject} ${sid++}\r\n`);
        const serverAccepts = !reply.includes("-ERR 'Invalid Subject'");
        expect({ subject, valid: isValidSubject(subject) }).toEqual({ subject, valid: serverAccepts });
      }
    } finally {
      c.destroy();
    }
  });

  it('PUB subjects', async () => {
    const c = await pedantic(server.port);
    try {
      for (const { subject } of subjectCases) {
        const reply = await roundTrip(c, `PUB ${subject} 0\r\n\r\n`);
        const serverAccepts = !reply.includes("-ERR 'Invalid Publish Subject'");
        expect({ subject, valid: isValidPublishSubject(subject) }).toEqual({ subject, valid: serverAccepts });
      }
    } finally {
      c.destroy();
    }
  });

  it('queue names', async () => {
    const c = await pedantic(server.port);
    try {
      let sid = 1;
      for (const { queue } of queueCases.filter((q) => isValidQueueName(q.queue))) {
        const reply = await roundTrip(c, `SUB foo ${queue} ${sid++}\r\n`);
        expect({ queue, reply }).toEqual({ queue, reply: 'PONG\r\n' });
      }
    } finally {
      c.destroy();
    }
  });
});
