// The jetstream block, store_dir and an account's jetstream: files `nats-server -t` accepts are
// accepted here, and bad ones are refused by both (nats-server's words where they are the same).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfigFile } from '@switchboard/config';
import { optionsFromConfig } from '@switchboard/server';
import { NATS_SERVER_BIN } from '@switchboard/testing';

const dir = mkdtempSync(join(tmpdir(), 'sb-jsconf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function natsServerTest(file: string): { ok: boolean; reason: string } {
  try {
    execFileSync(NATS_SERVER_BIN, ['-t', '-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, reason: '' };
  } catch (err) {
    const text = String((err as { stderr: Buffer }).stderr).trim();
    return { ok: false, reason: /:\d+:\d+: (.*)/.exec(text)?.[1] ?? text };
  }
}

function ours(file: string): { ok: boolean; reason: string } {
  try {
    optionsFromConfig(parseConfigFile(file));
    return { ok: true, reason: '' };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { ok: false, reason: err.reason };
  }
}

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
      expect(natsServerTest(file)).toEqual({ ok: true, reason: '' });
      expect(ours(file)).toEqual({ ok: true, reason: '' });
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
      const ref = natsServerTest(file);
      expect(ref.ok).toBe(false);
      const got = ours(file);
      expect(got.ok).toBe(false);
      expect(ref.reason.replace(/^nats-server: /, '')).toBe(got.reason);
    });
  }

  it('sync_interval (a nats-server 2.10 key) is ours only', () => {
    const file = write('jetstream { sync_interval: always }');
    expect(ours(file).ok).toBe(true);
  });
});
