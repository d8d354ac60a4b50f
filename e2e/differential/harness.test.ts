// The harness's own parts that decide when a step is over and what gets compared.
import { describe, expect, it } from 'vitest';
import { RawClient, startServer } from '@switchboard/testing';
import { cases, CONFIG } from './cases.js';
import { countPongs, normaliseInfo, runCase } from './transcript.js';

describe('countPongs', () => {
  it('counts PONG lines but not PONG inside MSG and HMSG payloads', () => {
    const stream = Buffer.from('PONG\r\nMSG a 1 6\r\nPONG\r\n\r\nHMSG a 1 12 18\r\nNATS/1.0\r\n\r\nPONG\r\n\r\n+OK\r\nPONG\r\n');
    expect(countPongs(stream)).toBe(2);
  });

  it('ignores an unfinished line', () => {
    expect(countPongs(Buffer.from('PONG\r\nPON'))).toBe(1);
  });
});

describe('normaliseInfo', () => {
  it('keeps the key set and comparable values, masks ids and addresses', () => {
    const a = normaliseInfo('INFO {"server_id":"A","port":1,"max_payload":64,"proto":1,"client_id":3,"nonce":"x"}');
    const b = normaliseInfo('INFO {"nonce":"y","client_id":9,"proto":1,"max_payload":64,"port":2,"server_id":"B"}');
    expect(a).toBe(b);
    expect(a).toBe('INFO {"client_id":"*","max_payload":64,"nonce":"*","port":"*","proto":1,"server_id":"*"}');
    expect(normaliseInfo('INFO {"max_payload":65}')).not.toBe(normaliseInfo('INFO {"max_payload":64}'));
    expect(normaliseInfo('INFO {"proto":1,"headers":true}')).not.toBe(normaliseInfo('INFO {"proto":1}'));
  });

  it('keeps the separators around the JSON', () => {
    expect(normaliseInfo('INFO {"proto":1} ')).toBe('INFO {"proto":1} ');
    expect(normaliseInfo('INFO {"proto":1}')).not.toBe(normaliseInfo('INFO {"proto":1} '));
  });

  it('leaves a malformed INFO as it is', () => {
    expect(normaliseInfo('INFO {oops')).toBe('INFO {oops');
  });
});

describe('against nats-server alone', () => {
  it('starts, greets with INFO, and stops', async () => {
    const s = await startServer('nats-server');
    try {
      const c = await RawClient.open(s.port);
      expect(await c.until(() => c.text().includes('\r\n'), 5_000)).toBe(true);
      expect(c.text()).toMatch(/^INFO \{.*\} \r\n$/);
      c.destroy();
    } finally {
      await s.stop();
    }
    await expect(RawClient.open(s.port)).rejects.toThrow();
  });

  it('gives the same transcript twice for every default-config case', async () => {
    const s = await startServer('nats-server');
    try {
      for (const c of cases.filter((x) => x.config === undefined)) {
        expect(await runCase(c, s.port), c.name).toBe(await runCase(c, s.port));
      }
    } finally {
      await s.stop();
    }
  });

  it('tells two differently configured servers apart', async () => {
    const [plain, limited] = await Promise.all([startServer('nats-server'), startServer('nats-server', { config: CONFIG.limits })]);
    try {
      const c = cases.find((x) => x.name === 'limits: payload at the limit is accepted')!;
      const a = await runCase({ ...c, steps: [...c.steps, { send: 'PUB foo 65\r\n' + 'p'.repeat(65) + '\r\n' }] }, plain.port);
      const b = await runCase({ ...c, steps: [...c.steps, { send: 'PUB foo 65\r\n' + 'p'.repeat(65) + '\r\n' }] }, limited.port);
      expect(a).not.toBe(b);
      expect(b).toContain("-ERR 'Maximum Payload Violation'");
      expect(a).toContain('"max_payload":1048576');
    } finally {
      await Promise.all([plain.stop(), limited.stop()]);
    }
  });
});
