// The leafnodes block: what it sets, the files `nats-server -t` accepts are accepted, and bad
// input is refused with nats-server's words (checked against `nats-server -t` on the same file);
// the cross-checks nats-server makes at start (accounts a leaf names) refuse to start, as there.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@switchboard/config';
import { optionsFromConfig } from '@switchboard/server';
import { NATS_SERVER_BIN, REPO_ROOT, TSX_NODE_ARGS } from '@switchboard/testing';
import { natsServerVerdict, ourVerdict } from './config-verdict.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-leafconf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BROKER_MAIN = join(REPO_ROOT, 'apps/broker/src/main.ts');

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('leafnodes config block', () => {
  it('maps the accept side and the remotes', () => {
    const { options } = optionsFromConfig(
      parseConfig(`
        accounts { A: {}, B: {} }
        leafnodes {
          listen: "127.0.0.1:7433"
          advertise: "leaf.example.com:7433"
          reconnect: 3
          authorization { user: leaf, password: s3cret, account: A, timeout: 1.5 }
          remotes: [
            { urls: ["nats-leaf://u:p@hub1:7422", "nats-leaf://hub2:7422"], credentials: "/x/leaf.creds", account: B,
              deny_imports: "secret.>", deny_exports: ["private.*", "audit"], no_randomize: true }
            { url: "nats-leaf://hub3", hub: true }
          ]
        }
      `),
    );
    const ln = options.leafnodes;
    expect(ln).toMatchObject({
      host: '127.0.0.1',
      port: 7433,
      advertise: 'leaf.example.com:7433',
      reconnectInterval: 3000,
      username: 'leaf',
      password: 's3cret',
      account: 'A',
      authTimeout: 1500,
    });
    expect(ln.remotes).toEqual([
      {
        urls: ['nats-leaf://u:p@hub1:7422', 'nats-leaf://hub2:7422'],
        credentials: '/x/leaf.creds',
        account: 'B',
        denyImports: ['secret.>'],
        denyExports: ['private.*', 'audit'],
        tls: null,
        hub: false,
        noRandomize: true,
      },
      { urls: ['nats-leaf://hub3'], credentials: '', account: '', denyImports: [], denyExports: [], tls: null, hub: true, noRandomize: false },
    ]);
  });

  it('defaults: no leaf listener, no remotes, 1 s between reconnects', () => {
    const ln = optionsFromConfig(parseConfig('port: 4222')).options.leafnodes;
    expect(ln).toMatchObject({ port: 0, remotes: [], reconnectInterval: 1000, users: [] });
  });

  const good: [string, string][] = [
    [
      'accept side with users bound to accounts',
      'accounts { A: {} }\nleafnodes { port: 7422, authorization { users: [ {user: a, password: b, account: A}, {user: c, password: d} ] } }',
    ],
    ['accept side with a single user', 'accounts { A: {} }\nleafnodes { port: 7422, authorization { user: a, password: b, account: A } }'],
    [
      'remotes with every key',
      'accounts { A: {} }\nleafnodes { listen: "127.0.0.1:7422", advertise: "x:1", no_advertise: true, reconnect: 2, remotes: [ { urls: ["nats-leaf://u:p@127.0.0.1:7422", "nats://h:1"], credentials: "/tmp/x.creds", account: A, deny_imports: "foo", deny_exports: ["bar.>", "baz"] } ] }',
    ],
    ['leaf as an alias', 'leaf { port: 7422 }'],
    ['a remote naming an account -t does not check', 'leafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:7422", account: "NOPE" } ] }'],
  ];
  for (const [name, text] of good) {
    it(`accepts ${name}, as nats-server -t does`, () => {
      const file = write('good.conf', text);
      expect(natsServerVerdict(file)).toEqual({ ok: true, reason: '' });
      expect(ourVerdict(file)).toEqual({ ok: true, reason: '' });
    });
  }

  const bad: [string, string][] = [
    ['an unknown field', 'leafnodes { port: 7422, bogus: 1 }'],
    ['an unknown remote field', 'leafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:7422", bogus: 1 } ] }'],
    ['a single user and a users array', 'leafnodes { authorization { user: a, password: b, users: [ {user: c, password: d} ] } }'],
    ['a duplicate user', 'leafnodes { authorization { users: [ {user: c, password: d}, {user: c, password: e} ] } }'],
    ['remotes that are not a list', 'leafnodes { remotes: "x" }'],
    ['a url that is a number', 'leafnodes { remotes: [ { urls: 5 } ] }'],
    ['deny_imports that is a number', 'leafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:7422", deny_imports: 5 } ] }'],
    ['an invalid deny subject', 'leafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:7422", deny_imports: ["foo..bar"] } ] }'],
    ['a block that is not a map', 'leafnodes: 5'],
    ['a minimum version below 2.8.0', 'leafnodes { min_version: "2.7.0" }'],
  ];
  for (const [name, text] of bad) {
    it(`refuses ${name} with nats-server's reason`, () => {
      const file = write('bad.conf', text);
      const theirs = natsServerVerdict(file);
      expect(theirs.ok).toBe(false);
      expect(ourVerdict(file)).toEqual(theirs);
    });
  }

  it('refuses at start (not at -t) an account the leafnodes block names that does not exist, as nats-server', () => {
    for (const [text, reason] of [
      ['leafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:7422", account: "NOPE" } ] }', 'cannot find local account "NOPE" specified in leafnode remote'],
      [
        'leafnodes { authorization { users: [ {user: c, password: d, account: ZZZ} ] } }',
        'cannot find local account "ZZZ" specified in leafnode authorization',
      ],
    ] as const) {
      const file = write('start.conf', `port: -1\n${text}\n`);
      const theirs = spawnSync(NATS_SERVER_BIN, ['-c', file], { encoding: 'utf8', timeout: 10_000 });
      expect(theirs.stderr.trim()).toBe(`nats-server: ${reason}`);
      const mine = spawnSync(process.execPath, [...TSX_NODE_ARGS, BROKER_MAIN, '-c', file], { encoding: 'utf8', timeout: 30_000, cwd: REPO_ROOT });
      expect(mine.status).toBe(1);
      expect(mine.stderr.trim()).toBe(`broker: ${reason}`);
    }
  });
});
