import { describe, expect, it } from 'vitest';
import { type AckInfo, ackKind, formatGoDuration, nakDelayNs, parseAckSubject, parseGoDuration, parsePullRequest } from '../../src/consumer/index.js';
import { enc } from './harness.js';

describe('ack subjects and bodies', () => {
  it('reads the 9-token ack subject', () => {
    const ai: AckInfo = { deliveries: 0, sseq: 0, dseq: 0 };
    expect(parseAckSubject('$JS.ACK.ORDERS.c1.2.17.9.1700000000000000000.5', ai)).toBe(true);
    expect(ai).toEqual({ deliveries: 2, sseq: 17, dseq: 9 });
    expect(parseAckSubject('$JS.ACK.ORDERS.c1.2.17.9.1700000000000000000', ai)).toBe(false);
    expect(parseAckSubject('$JS.ACK.ORDERS.c1.2.17.9.1.2.3', ai)).toBe(false);
    expect(parseAckSubject('foo.bar', ai)).toBe(false);
    expect(parseAckSubject('$JS.ACK.S.c.x.1.2.3.4', ai)).toBe(true);
    expect(ai.deliveries).toBe(-1);
  });

  it('tells ack kinds as processAck does', () => {
    expect(ackKind(enc(''))).toBe('ack');
    expect(ackKind(enc('+ACK'))).toBe('ack');
    expect(ackKind(enc('+OK'))).toBe('ack');
    expect(ackKind(enc('-NAK'))).toBe('nak');
    expect(ackKind(enc('-NAK {"delay":5}'))).toBe('nak');
    expect(ackKind(enc('+WPI'))).toBe('progress');
    expect(ackKind(enc('+NXT {"batch":2}'))).toBe('next');
    expect(ackKind(enc('+TERM'))).toBe('term');
    expect(ackKind(enc('+TERM reason'))).toBe('unknown');
    expect(ackKind(enc('hello'))).toBe('unknown');
  });

  it('reads NAK delays as Go durations or JSON', () => {
    expect(nakDelayNs(enc('-NAK'))).toBeUndefined();
    expect(nakDelayNs(enc('-NAK 5s'))).toBe(5e9);
    expect(nakDelayNs(enc('-NAK 1m30s'))).toBe(90e9);
    expect(nakDelayNs(enc('-NAK 1.5ms'))).toBe(1.5e6);
    expect(nakDelayNs(enc('-NAK {"delay":2000000000}'))).toBe(2e9);
    expect(nakDelayNs(enc('-NAK bogus'))).toBeUndefined();
    expect(parseGoDuration('300ms')).toBe(300e6);
    expect(parseGoDuration('1h2m3.5s')).toBe(3723.5e9);
    expect(parseGoDuration('5')).toBeUndefined();
    expect(formatGoDuration(90e9)).toBe('1m30s');
    expect(formatGoDuration(500e6)).toBe('500ms');
    expect(formatGoDuration(5e9)).toBe('5s');
  });

  it('parses pull requests as nextReqFromMsg', () => {
    expect(parsePullRequest(enc(''))).toEqual({ batch: 1, expiresNs: 0, maxBytes: 0, noWait: false, hbNs: 0 });
    expect(parsePullRequest(enc('7'))).toMatchObject({ batch: 7 });
    expect(parsePullRequest(enc('{"batch":10,"expires":5000000000,"no_wait":true,"max_bytes":100}'))).toEqual({
      batch: 10,
      expiresNs: 5e9,
      maxBytes: 100,
      noWait: true,
      hbNs: 0,
    });
    expect(parsePullRequest(enc('{"batch":1,"expires":1000000000,"idle_heartbeat":600000000}'))).toEqual({ error: 'heartbeat value too large' });
    expect('error' in parsePullRequest(enc('{"batch":'))).toBe(true);
  });
});
