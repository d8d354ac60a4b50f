import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface JsonRow {
  scenario: string;
  size: number;
  metric: string;
  nats: number | null;
  broker: number | null;
  generatorMax: number | null;
  errors: { nats?: string; broker?: string; generator?: string };
}

/** Runs the real CLI (servers, worker threads, sockets) in a short mode against nats-server only. */
function bench(args: string[]): Promise<{ rows: JsonRow[]; meta: { natsServer: string; broker: string } }> {
  const argv = ['--conditions=@switchboard/source', '--import', 'tsx', 'bench/src/main.ts', '--json', ...args];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, argv, { cwd: REPO, timeout: 25_000 }, (err, stdout, stderr) => {
      if (err) return reject(Object.assign(new Error(`${err.message}\n${stderr}`), { exitCode: err.code }));
      resolve(JSON.parse(stdout));
    });
  });
}

describe('npm run bench (short mode, nats-server only)', () => {
  it('measures 1→1 throughput, its generator ceiling and request latency percentiles', async () => {
    const { rows, meta } = await bench([
      '--servers',
      'nats',
      '--scenario',
      'pubsub,request',
      '--size',
      '128',
      '--rounds',
      '1',
      '--warmup',
      '100',
      '--measure',
      '500',
    ]);
    expect(meta.natsServer).toMatch(/^v2\./);
    expect(meta.broker).toBe('not requested');

    const pubsub = rows.find((r) => r.scenario === 'pubsub')!;
    expect(pubsub.errors.nats).toBeUndefined();
    expect(pubsub.nats).toBeGreaterThan(0);
    expect(pubsub.generatorMax).toBeGreaterThan(0);
    expect(pubsub.broker).toBeNull();
    const cpu = rows.find((r) => r.scenario === 'pubsub' && r.metric === 'cpu')!;
    expect(cpu.nats).toBeGreaterThan(0); // nats-server's own CPU time per message, from /proc
    expect(cpu.generatorMax).toBeGreaterThan(0);

    const p = (name: string): number => rows.find((r) => r.scenario === 'request' && r.metric === name)!.nats!;
    expect(p('p50')).toBeGreaterThan(0);
    expect(p('p50')).toBeLessThanOrEqual(p('p99'));
    expect(p('p99')).toBeLessThanOrEqual(p('p99.9'));
  });

  it('fails a cell whose deliveries do not match what was published, naming the difference', async () => {
    // Fixture: 4 plain subscribers declared as one delivery per message, as a broken queue group would behave.
    const { rows } = await bench([
      '--servers',
      'nats',
      '--plugin',
      'bench/test/fixtures/miscounted.ts',
      '--scenario',
      'miscounted',
      '--size',
      '16',
      '--rounds',
      '1',
      '--no-ceiling',
      '--warmup',
      '50',
      '--measure',
      '250',
    ]);
    const row = rows.find((r) => r.scenario === 'miscounted' && r.metric === 'msgs/s')!;
    expect(row.nats).toBeNull();
    expect(row.errors.nats).toMatch(/^extra deliveries: \d+ published × 1 = \d+ expected, \d+ received$/);
  });

  it('rejects an unknown scenario with a usage message and exit code 2', async () => {
    const err = await bench(['--scenario', 'nope']).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error & { exitCode: unknown }).exitCode).toBe(2);
    expect((err as Error).message).toContain("unknown 'nope'");
  });
});
