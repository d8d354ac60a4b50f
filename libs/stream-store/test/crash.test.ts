/**
 * SIGKILL a real process that appends and reports acks; every acked message (and the last
 * reported consumer state) must be there after reopen, with its content, in both sync modes.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openFileStore } from '@switchboard/stream-store';
import { crashPayload, crashSubject } from './crash-data.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-store-crash-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface Round {
  acked: number;
  consumer: number;
  started: number;
}

/** Start the child, let it ack a random number of messages, SIGKILL it at a random moment. */
function crashRound(dir: string, sync: string, mode: string): Promise<Round> {
  const child = spawn(process.execPath, ['--conditions=@switchboard/source', '--import', 'tsx', path.join(here, 'crash-child.ts'), dir, sync, mode], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killAfter = 200 + Math.floor(Math.random() * 3000);
  const round: Round = { acked: 0, consumer: 0, started: -1 };
  let stderr = '';
  let rest = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        const [k, v] = line.split(' ');
        if (k === 'READY') round.started = Number(v);
        else if (k === 'A') round.acked = Math.max(round.acked, Number(v));
        else if (k === 'C') round.consumer = Math.max(round.consumer, Number(v));
      }
      if (round.acked >= round.started + killAfter && child.exitCode === null && !child.killed) {
        // Land the kill at a random point of the next batches, not right after an ack.
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 5);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(round);
      else reject(new Error(`child exited ${code} ${signal}: ${stderr}`));
    });
  });
}

describe('crash: SIGKILL while appending', () => {
  for (const sync of ['interval', 'always']) {
    it(`every acked message survives reopen (sync ${sync})`, async () => {
      const dir = path.join(root, `plain-${sync}`);
      let before = 0;
      for (let r = 0; r < 3; r++) {
        const round = await crashRound(dir, sync, 'plain');
        expect(round.started).toBe(before);
        expect(round.acked).toBeGreaterThan(before);
        const s = openFileStore({ dir, log: () => {} });
        const st = s.state();
        expect(st.lastSeq).toBeGreaterThanOrEqual(round.acked);
        expect(st.msgs).toBe(st.lastSeq); // nothing removed: no gaps
        for (let seq = 1; seq <= round.acked; seq++) {
          const m = s.load(seq);
          expect(m?.subject).toBe(crashSubject(seq, 'plain'));
          expect(Buffer.compare(Buffer.from(m!.data), crashPayload(seq))).toBe(0);
        }
        expect(s.consumer('crash').state().delivered.stream).toBeGreaterThanOrEqual(round.consumer);
        before = st.lastSeq;
        await s.close();
      }
    }, 120_000);
  }

  it('a KV-like stream (max_msgs_per_subject 1) keeps the last acked value of every key', async () => {
    const dir = path.join(root, 'kv');
    for (let r = 0; r < 3; r++) {
      const round = await crashRound(dir, 'interval', 'kv');
      const s = openFileStore({ dir, limits: { maxMsgsPerSubject: 1 }, log: () => {} });
      const st = s.state();
      expect(st.lastSeq).toBeGreaterThanOrEqual(round.acked);
      expect(st.msgs).toBe(st.numSubjects);
      for (let k = 0; k < 50; k++) {
        const want = round.acked - ((((round.acked - k) % 50) + 50) % 50); // last acked seq of key k
        if (want < 1) continue;
        const m = s.loadLast(crashSubject(want, 'kv'))!;
        expect(m.seq).toBeGreaterThanOrEqual(want); // that value or a later one
        expect(Buffer.compare(Buffer.from(m.data), crashPayload(m.seq))).toBe(0);
      }
      await s.close();
    }
  }, 120_000);
});
