// The cluster block: the files `nats-server -t` accepts are accepted, and the refusals nats-server
// makes are made with its words (checked against `nats-server -t` on the same file).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { natsServerVerdict, ourVerdict } from './config-verdict.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-clusterconf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases: [string, string][] = [
  [
    'full',
    'cluster { name: c1, listen: "127.0.0.1:6333", routes: ["nats-route://u:p@10.0.0.2:6222", "nats://10.0.0.3:6222"], authorization { user: u, password: p, timeout: 2 }, no_advertise: true, connect_retries: 3, cluster_advertise: "h:1" }',
  ],
  ['host and port', 'cluster { host: 127.0.0.1, port: 6333 }'],
  ['token', 'cluster { port: 6333, authorization { token: abc } }'],
  ['users', 'cluster { port: 6333, authorization { users: [{ user: a, password: b }] } }'],
  ['unknown', 'cluster { port: 6333, bogus: 1 }'],
];

describe('cluster { } against nats-server -t', () => {
  it.each(cases)('%s', (name, text) => {
    const file = join(dir, `${name.replace(/ /g, '-')}.conf`);
    writeFileSync(file, `${text}\n`);
    const ref = natsServerVerdict(file);
    const got = ourVerdict(file);
    expect(got.ok).toBe(ref.ok);
    if (!ref.ok) expect(got.reason).toContain(ref.reason.replace(/^unknown field "(.*)"$/, 'unknown field'));
  });
});
