import { describe, expect, it } from 'vitest';
import { parsePrometheus, sampleValue } from '../src/index.js';

describe('parsePrometheus', () => {
  it('reads families, labels (escaped) and histogram series', () => {
    const m = parsePrometheus(
      [
        '# HELP jobs_total Jobs done',
        '# TYPE jobs_total counter',
        'jobs_total{queue="a\\"b",kind="x\\ny"} 3',
        '# HELP took_seconds How long',
        '# TYPE took_seconds histogram',
        'took_seconds_bucket{le="0.1"} 1',
        'took_seconds_bucket{le="+Inf"} 2',
        'took_seconds_sum 0.35',
        '# HELP lag_seconds Lag',
        '# TYPE lag_seconds gauge',
        'lag_seconds Nan',
        'took_seconds_count 2',
        '',
      ].join('\n'),
    );
    expect(sampleValue(m, 'jobs_total', { queue: 'a"b', kind: 'x\ny' })).toBe(3);
    expect(sampleValue(m, 'took_seconds_count')).toBe(2);
    expect(m.get('took_seconds')?.samples).toHaveLength(4);
  });

  it('refuses what Prometheus or its conventions refuse', () => {
    expect(() => parsePrometheus('# HELP jobs Jobs\n# TYPE jobs counter\njobs 1\n')).toThrow(/does not end in _total/);
    expect(() => parsePrometheus('# TYPE up gauge\nup 1\n')).toThrow(/no HELP/);
    expect(() => parsePrometheus('up 1\n')).toThrow(/without a TYPE/);
    expect(() => parsePrometheus('# HELP up x\n# TYPE up gauge\nup one\n')).toThrow(/not a number/);
    expect(() => parsePrometheus('# HELP up x\n# TYPE up gauge\nup{a=b} 1\n')).toThrow(/bad labels/);
  });
});
