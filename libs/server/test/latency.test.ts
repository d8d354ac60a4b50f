import { Account, latencyMetric, sample, sampledTrace, setExports, ExportImportError, HEADERS_SAMPLING, type LatencyTrack } from '@switchboard/accounts';
import { parseConfig } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { optionsFromConfig } from '../src/index.js';

const withLatency = (latency: string) =>
  optionsFromConfig(
    parseConfig(`accounts {
      A: { exports: [ { service: "svc.>", latency: ${latency} } ] }
      B: { imports: [ { service: { account: A, subject: "svc.>" } } ] }
    }`),
  ).options.accounts.find((a) => a.name === 'A')!.exports![0]!.service_latency;

describe('latency config (nats-server 2.9 syntax and errors, checked with nats-server -t)', () => {
  it('accepts a subject alone, a percentage, "N%" and headers; sampling defaults to 100', () => {
    expect(withLatency('"latency.svc"')).toEqual({ sampling: 100, results: 'latency.svc' });
    expect(withLatency('{ sampling: 50, subject: l }')).toEqual({ sampling: 50, results: 'l' });
    expect(withLatency('{ sampling: "25%", subject: l }')).toEqual({ sampling: 25, results: 'l' });
    expect(withLatency('{ sampling: headers, subject: l }')).toEqual({ sampling: 'headers', results: 'l' });
    expect(withLatency('{ subject: l, other: 1 }')).toEqual({ sampling: 100, results: 'l' });
  });

  it('refuses what nats-server refuses, with its messages', () => {
    expect(() => withLatency('{ sampling: 0, subject: l }')).toThrow('bad sampling percentage, should be 1-100');
    expect(() => withLatency('{ sampling: "101%", subject: l }')).toThrow('bad sampling percentage, should be 1-100');
    expect(() => withLatency('{ sampling: 50 }')).toThrow('Latency subject required, but missing');
    expect(() => withLatency('{ sampling: abc, subject: l }')).toThrow('Failed to parse latency sample: strconv.Atoi: parsing "abc": invalid syntax');
    expect(() => withLatency('{ sampling: true, subject: l }')).toThrow('Expected latency sample to be a string or map/struct, got bool');
    expect(() => withLatency('{ sampling: 50, subject: "l.*" }')).toThrow(
      'Error adding service latency sampling for "svc.>" on subject "l.*": invalid publish subject',
    );
  });
});

describe('JWT service_latency', () => {
  it('an export\'s service_latency becomes its latency config; "headers" and 1-100 only', () => {
    const acc = new Account('A');
    setExports(acc, [
      { type: 'service', subject: 'svc.>', service_latency: { sampling: 'headers', results: 'lat.svc' } },
      { type: 'service', subject: 'other' },
    ]);
    expect(acc.serviceExports.get('svc.>')!.latency).toEqual({ sampling: HEADERS_SAMPLING, subject: 'lat.svc' });
    expect(acc.serviceExports.get('other')!.latency).toBeUndefined();
    expect(() => setExports(acc, [{ type: 'service', subject: 's', service_latency: { sampling: 0, results: 'l' } }])).toThrow(ExportImportError);
    expect(() => setExports(acc, [{ type: 'service', subject: 's', service_latency: { sampling: 10, results: 'l.>' } }])).toThrow('invalid publish subject');
  });
});

describe('sampling', () => {
  const pct = (sampling: number) => ({ sampling, subject: 'l' });
  it('percentage: a draw below the rate samples, one at or above does not', () => {
    expect(sample(pct(100), null, () => 0.999)).toBe(true);
    expect(sample(pct(30), null, () => 0.29)).toBe(true);
    expect(sample(pct(30), null, () => 0.3)).toBeNull();
    expect(sample(pct(1), null, () => 0)).toBe(true);
    expect(sample(pct(1), null, () => 0.01)).toBeNull();
  });

  it('headers: sampled W3C, B3 and Jaeger headers; unsampled or absent ones are not', () => {
    const hdr = (lines: string) => `NATS/1.0\r\n${lines}\r\n\r\n`;
    const h = { sampling: HEADERS_SAMPLING, subject: 'l' };
    expect(sample(h, null)).toBeNull();
    expect(sample(h, hdr('X-Other: 1'))).toBeNull();
    expect(sample(h, hdr('traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'))).toEqual({
      Traceparent: ['00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
    });
    expect(sampledTrace(hdr('traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00'))).toBeNull();
    expect(sampledTrace(hdr('Uber-Trace-Id: 1:2:0:1'))).toEqual({ 'Uber-Trace-Id': ['1:2:0:1'] });
    expect(sampledTrace(hdr('Uber-Trace-Id: 1:2:0:0'))).toBeNull();
    expect(sampledTrace(hdr('b3: 80f198ee56343ba8-e457b5a2e4d86bd1-1'))).not.toBeNull();
    expect(sampledTrace(hdr('b3: 0'))).toBeNull();
    expect(sampledTrace(hdr('X-B3-TraceId: 80f198ee56343ba8\r\nX-B3-Sampled: 0'))).toBeNull();
    expect(sampledTrace(hdr('X-B3-TraceId: 80f198ee56343ba8\r\nX-B3-Sampled: 1'))).toEqual({ 'X-B3-Traceid': ['80f198ee56343ba8'], 'X-B3-Sampled': ['1'] });
  });
});

describe('latencyMetric (fake clock)', () => {
  const track: LatencyTrack = {
    config: { sampling: 100, subject: 'l' },
    startWall: Date.UTC(2026, 0, 1, 0, 0, 1),
    startMono: 1000,
    requestor: '{"acc":"B","rtt":2000000}',
    requestorRtt: 2_000_000,
    header: null,
  };
  const end = {
    id: 'x'.repeat(22),
    nowWall: Date.UTC(2026, 0, 1, 0, 0, 1, 5),
    nowMono: 1005,
    responder: '{"acc":"A","rtt":1000000}',
    responderRtt: 1_000_000,
    system: 3000,
  };

  it('service is request-to-response less the responder RTT; total adds the requestor RTT and system time', () => {
    const m = JSON.parse(latencyMetric(track, end)) as Record<string, unknown>;
    expect(Object.keys(m)).toEqual(['type', 'id', 'timestamp', 'status', 'requestor', 'responder', 'start', 'service', 'system', 'total']);
    expect(m).toMatchObject({ type: 'io.nats.server.metric.v1.service_latency', status: 200, service: 4_000_000, system: 3000, total: 7_003_000 });
    expect(m.timestamp).toBe('2026-01-01T00:00:01.005Z');
    // The request started one requestor RTT before it reached the server.
    expect(m.start).toBe('2026-01-01T00:00:00.998Z');
    expect(m.requestor).toEqual({ acc: 'B', rtt: 2000000 });
  });

  it('a responder RTT longer than the wait gives service 0, never negative; headers ride after responder', () => {
    const m = JSON.parse(latencyMetric({ ...track, header: { Traceparent: ['t'] } }, { ...end, responderRtt: 9_000_000 })) as Record<string, unknown>;
    expect(m.service).toBe(0);
    expect(Object.keys(m).slice(5, 7)).toEqual(['responder', 'header']);
    expect(m.header).toEqual({ Traceparent: ['t'] });
  });
});
