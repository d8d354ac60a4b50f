import { describe, expect, it } from 'vitest';
import { markdown, ratio, targetMet, type Meta, type Row } from '../src/report.js';
import { percentile } from '../src/stats.js';
import type { Metric } from '../src/scenario.js';

const rate: Metric = { name: 'msgs/s', unit: 'msgs/s', higherIsBetter: true, target: { ratio: 0.5, size: 128 } };
const p99: Metric = { name: 'p99', unit: 'µs', higherIsBetter: false, target: { ratio: 2 } };
const meta: Meta = {
  date: '',
  node: 'v20',
  cpu: 'cpu',
  cores: 2,
  natsServer: 'v2.9.10',
  broker: 'apps/broker',
  timing: { warmupMs: 1, measureMs: 1 },
  rounds: 1,
  placement: 'none',
};

describe('report', () => {
  it('judges throughput as broker/nats ≥ target, only at the target size', () => {
    const row: Row = { scenario: 'pubsub', size: 128, metric: rate, nats: { value: 1000 }, broker: { value: 600 } };
    expect(ratio(row)).toBeCloseTo(0.6);
    expect(targetMet(row)).toBe(true);
    expect(targetMet({ ...row, broker: { value: 400 } })).toBe(false);
    expect(targetMet({ ...row, size: 16 })).toBeUndefined();
  });

  it('judges latency as broker/nats ≤ target', () => {
    const row: Row = { scenario: 'request', size: 16, metric: p99, nats: { value: 100 }, broker: { value: 250 } };
    expect(targetMet(row)).toBe(false);
    expect(targetMet({ ...row, broker: { value: 150 } })).toBe(true);
  });

  it('shows a missing broker as n/a with the reason listed under the table', () => {
    const row: Row = { scenario: 'pubsub', size: 128, metric: rate, nats: { value: 1234567 }, broker: { error: 'not runnable: x' } };
    const text = markdown([row], meta);
    expect(text).toContain('| pubsub | 128 B | msgs/s | 1,234,567 | n/a |  |  |  |');
    expect(text).toContain('- broker: not runnable: x (pubsub 128 B)');
  });
});

describe('missing numbers', () => {
  it('lists each distinct failure once with the cells it hit, and leaves out what was not requested', () => {
    const row = (scenario: string, size: number, broker: string): Row => ({
      scenario,
      size,
      metric: rate,
      nats: { value: 1 },
      broker: { error: broker },
      generator: { error: 'not requested' },
    });
    const text = markdown([row('pub', 16, 'down'), row('pub', 128, 'down'), row('queue', 16, 'lost messages')], meta);
    expect(text).toContain('- broker: down (pub 16 B, pub 128 B)');
    expect(text).toContain('- broker: lost messages (queue 16 B)');
    expect(text).not.toContain('not requested (');
  });
});

describe('percentile', () => {
  it('takes the nearest rank of sorted samples', () => {
    const s = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(s, 50)).toBe(50);
    expect(percentile(s, 99)).toBe(99);
    expect(percentile(s, 99.9)).toBe(100);
    expect(percentile(new Float64Array([7]), 99)).toBe(7);
    expect(percentile(new Float64Array(0), 50)).toBeNaN();
  });
});
