import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JetStream, applyAccountLimits, jsLimitsFromConfig } from '@switchboard/jetstream';
import { MemoryHost } from './memory-host.js';

// Each account's $JS.API requests wait in its own queue: a storm (or a slow request) in one
// account never delays another's. A test route holds account A's queue until released.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jetstream-fair-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('per-account API queues', () => {
  it("answers B at once while A's queue holds a slow request and a storm of 2000 behind it; A's come in order after", async () => {
    const host = new MemoryHost();
    let release: () => void = () => {};
    const js = new JetStream(host, {
      storeDir: root,
      apis: [
        (routes) => routes.register('$JS.API.TEST.SLOW', 'test_response', () => new Promise<object>((resolve) => (release = () => resolve({ slow: true })))),
      ],
    });
    for (const name of ['A', 'B']) await applyAccountLimits(js, name, jsLimitsFromConfig('enabled'));
    const a = host.account('A');
    const b = host.account('B');
    const slow = a.json('$JS.API.TEST.SLOW');
    const answered: number[] = [];
    const storm = Array.from({ length: 2000 }, (_, i) =>
      a.json('$JS.API.INFO', '', null).then((r) => {
        answered.push(i);
        return r;
      }),
    );
    const t0 = performance.now();
    const bInfo = await b.json('$JS.API.INFO');
    const bMs = performance.now() - t0;
    expect(bInfo.type).toBe('io.nats.jetstream.api.v1.account_info_response');
    expect(answered).toEqual([]); // A's storm still waits behind its slow request
    release();
    expect(await slow).toMatchObject({ slow: true });
    await Promise.all(storm);
    expect(answered).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    // The slow request and the storm (an INFO reply counts itself after it is built).
    expect((await a.json('$JS.API.INFO')).api.total).toBe(2001);
    expect(bMs).toBeLessThan(1000);
    await js.stop();
  }, 30_000);
});
