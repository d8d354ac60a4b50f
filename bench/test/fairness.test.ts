import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const RATE = 10_000; // FAIR_RATE_MSGS in bench/src/scenarios/fairness.ts

interface JsonRow {
  scenario: string;
  metric: string;
  broker: number | null;
  errors: { broker?: string };
}

describe('npm run bench --scenario fairness (short mode, broker only)', () => {
  it("reports B's latency in all four conditions, and the live rate limit holds A near its rate", async () => {
    const argv = [
      '--conditions=@switchboard/source',
      '--import',
      'tsx',
      'bench/src/main.ts',
      '--json',
      '--broker-source',
      '--servers',
      'broker',
      '--scenario',
      'fairness',
      '--rounds',
      '1',
      '--warmup',
      '100',
      '--measure',
      '400',
    ];
    const rows = await new Promise<JsonRow[]>((resolve, reject) => {
      execFile(process.execPath, argv, { cwd: REPO, timeout: 40_000 }, (err, stdout, stderr) => {
        if (err) return reject(new Error(`${err.message}\n${stderr}`));
        resolve((JSON.parse(stdout) as { rows: JsonRow[] }).rows);
      });
    });
    const v = (metric: string): number => {
      const row = rows.find((r) => r.scenario === 'fairness' && r.metric === metric);
      expect(row?.errors.broker, metric).toBeUndefined();
      return row!.broker!;
    };
    for (const c of ['idle', 'flood', 'limited idle', 'limited flood']) {
      expect(v(`${c} p50`)).toBeGreaterThan(0);
      expect(v(`${c} p50`)).toBeLessThanOrEqual(v(`${c} p99`));
    }
    // The bucket bounds A's average: its rate plus a burst and a read chunk over the window.
    expect(v('A limited')).toBeLessThan(2 * RATE);
    expect(v('A limited')).toBeGreaterThan(0);
    expect(v('A flood')).toBeGreaterThan(3 * RATE);
  }, 60_000);
});
