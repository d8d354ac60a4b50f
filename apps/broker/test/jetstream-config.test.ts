// The jetstream block, store_dir and an account's jetstream: files `nats-server -t` accepts are
// accepted here, and bad ones are refused by both (nats-server's words where they are the same).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { natsServerVerdict, ourVerdict } from './config-verdict.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-jsconf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function write(text: string): string {
  const file = join(dir, `c${n++}.conf`);
  writeFileSync(file, text);
  return file;
}

describe('jetstream config', () => {
  const accepted: [string, string][] = [
    ['the block', `jetstream { store_dir: "${dir}/a", max_memory_store: 1G, max_file_store: 10G, domain: hub }`],
    ['enabled / disabled', 'jetstream: enabled'],
    ['a bool', 'jetstream: false'],
    ['top-level store_dir', `store_dir: "${dir}/b"\njetstream: true`],
    ['aliases', `jetstream { store: "${dir}/c", max_mem: 1M, max_file: "1G", enabled: false }`],
    [
      'accounts',
      'jetstream: enabled\naccounts { A: { jetstream: enabled, users: [{user: a, password: a}] }, B: { jetstream { max_mem: 1M, max_file: 1G, max_streams: 10, max_consumers: 100, max_bytes_required: true } }, C: {} }',
    ],
  ];
  for (const [name, text] of accepted) {
    it(`accepts ${name}, as nats-server -t does`, () => {
      const file = write(text);
      expect(natsServerVerdict(file)).toEqual({ ok: true, reason: '' });
      expect(ourVerdict(file)).toEqual({ ok: true, reason: '' });
    });
  }

  const refused: [string, string][] = [
    ['a duplicate store_dir', `store_dir: "${dir}/d"\njetstream { store_dir: "${dir}/e" }`],
    ['a bad string', 'jetstream: maybe'],
    ['a bad account value', 'accounts { A: { jetstream: maybe } }'],
  ];
  for (const [name, text] of refused) {
    it(`refuses ${name}, as nats-server -t does`, () => {
      const file = write(text);
      const ref = natsServerVerdict(file);
      expect(ref.ok).toBe(false);
      const got = ourVerdict(file);
      expect(got.ok).toBe(false);
      expect(ref.reason.replace(/^nats-server: /, '')).toBe(got.reason);
    });
  }

  it('sync_interval (a nats-server 2.10 key) is ours only', () => {
    const file = write('jetstream { sync_interval: always }');
    expect(ourVerdict(file).ok).toBe(true);
  });
});
