import { parseConfig } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { optionsFromConfig } from '../src/index.js';

const map = (text: string) => optionsFromConfig(parseConfig(text));

describe('optionsFromConfig', () => {
  it('reads listen, limits and durations (keys case-insensitive)', () => {
    const { options } = map(`
      LISTEN: "127.0.0.1:4333"
      http: 8333
      server_name: n1
      max_payload: 2MB
      Max_Control_Line: 8192
      max_pending: 128MB
      max_connections: 10
      ping_interval: "30s"
      ping_max: 3
      write_deadline: 5
      lame_duck_duration: "1m"
      debug: true
    `);
    expect(options).toMatchObject({
      host: '127.0.0.1',
      port: 4333,
      httpPort: 8333,
      serverName: 'n1',
      maxPayload: 2 * 1024 * 1024,
      maxControlLine: 8192,
      maxPending: 128 * 1024 * 1024,
      maxConnections: 10,
      pingInterval: 30_000,
      maxPingsOut: 3,
      writeDeadline: 5_000,
      lameDuckDuration: 60_000,
      debug: true,
    });
  });

  it('reads single-user, token and users authorization', () => {
    expect(map('authorization { user: a, password: b, timeout: 0.5 }').options).toMatchObject({
      username: 'a',
      password: 'b',
      authTimeout: 500,
    });
    expect(map('authorization { token: "t0k" }').options.authorization).toBe('t0k');
    const u = map('authorization { users: [ {user: x, password: y}, {user: z, pass: w} ] }').options.users;
    expect(u).toEqual([
      { user: 'x', password: 'y', account: '' },
      { user: 'z', password: 'w', account: '' },
    ]);
  });

  it('reads accounts with their users, and no_auth_user', () => {
    const { options } = map(`
      accounts {
        A: { users: [ {user: a, password: a} ] }
        B: { users: [ {user: b, password: b} ] }
      }
      no_auth_user: a
    `);
    expect(options.accounts.map((a) => a.name)).toEqual(['A', 'B']);
    expect(options.users).toEqual([
      { user: 'a', password: 'a', account: 'A' },
      { user: 'b', password: 'b', account: 'B' },
    ]);
    expect(options.noAuthUser).toBe('a');
  });

  it('rejects unknown fields, bad types and unsupported security settings', () => {
    expect(() => map('bogus: 1')).toThrow('unknown field "bogus"');
    expect(() => map('port: "x"')).toThrow(/port/);
    expect(() => map('authorization { token: t, users: [ {user: a, password: b} ] }')).toThrow(/token/);
    expect(map('authorization { users: [ {user: a, password: b, permissions: { allow_responses: true }} ] }').options.users[0]).toMatchObject({
      responses: { maxMsgs: 1, ttlMs: 120_000 },
      permissions: { publish: { allow: [] } },
    });
    expect(
      map('authorization { users: [ {user: a, password: b, permissions: { publish: "x", allow_responses: { max: 3, expires: "5s" } }} ] }').options.users[0],
    ).toMatchObject({
      responses: { maxMsgs: 3, ttlMs: 5_000 },
      permissions: { publish: { allow: ['x'] } },
    });
    expect(() => map('authorization { users: [ {user: a, password: b, permissions: { allow_responses: { often: 1 } }} ] }')).toThrow(/often/);
    expect(() => map('authorization { users: [ {user: a, password: b, permissions: { publish: "a..b" }} ] }')).toThrow(/invalid subject/);
    expect(() => map('no_auth_user: ghost')).toThrow(/no_auth_user/);
    expect(() => map('max_payload: 100MB\nmax_pending: 1MB')).toThrow(/max_pending/);
  });

  it('reads permissions in their string, list and allow/deny forms', () => {
    const { options } = map(`
      authorization {
        permissions: { subscribe: "_INBOX.>" }
        users: [
          { user: l, password: p, permissions: { publish: ["a.>", "b"], subscribe: "a.*" } }
          { user: d, password: p, permissions: { pub: { deny: "secret.>" }, sub: { allow: ["x", "y q"], deny: "x.secret" } } }
          { user: plain, password: p }
        ]
      }
    `);
    expect(options.users[0]!.permissions).toEqual({ publish: { allow: ['a.>', 'b'] }, subscribe: { allow: ['a.*'] } });
    expect(options.users[1]!.permissions).toEqual({
      publish: { deny: ['secret.>'] },
      subscribe: { allow: ['x', 'y q'], deny: ['x.secret'] },
    });
    expect(options.users[2]!.permissions).toBeUndefined();
    expect(options.defaultPermissions).toEqual({ subscribe: { allow: ['_INBOX.>'] } });
  });

  it('warns about blocks it accepts but ignores', () => {
    const r = map('websocket {}\ngateway { port: 7222 }');
    expect(r.warnings).toHaveLength(2);
  });

  it('reads a cluster block as nats-server does', () => {
    const r = map(
      'cluster { name: c1, listen: "127.0.0.1:6333", routes: ["nats-route://u:p@10.0.0.2:6222", "nats://10.0.0.3:6222", "nats://10.0.0.3:6222"], authorization { user: u, password: p, timeout: 2 }, no_advertise: true, connect_retries: 3, cluster_advertise: "h:1" }',
    );
    expect(r.options.cluster).toMatchObject({
      name: 'c1',
      host: '127.0.0.1',
      port: 6333,
      username: 'u',
      password: 'p',
      noAdvertise: true,
      connectRetries: 3,
      advertise: 'h:1',
    });
    expect(r.options.cluster.routes.map((x) => `${x.user}@${x.host}:${x.port}`)).toEqual(['u@10.0.0.2:6222', '@10.0.0.3:6222']);
    expect(r.warnings).toEqual(['nats://10.0.0.3:6222: Duplicate route entry detected']);
    expect(() => map('cluster { authorization { token: x } }')).toThrow('Cluster authorization does not support tokens');
    expect(() => map('cluster { bogus: 1 }')).toThrow('unknown field "bogus"');
  });

  it('reads jetstream as nats-server: the block, store_dir, sizes, account jetstream', () => {
    const r = map('jetstream { store_dir: "/tmp/x", max_memory_store: 1G, max_file_store: "2G", sync_interval: always }');
    expect(r.warnings).toEqual([]);
    expect(r.options.jetstream).toMatchObject({ enabled: true, storeDir: '/tmp/x', maxMemory: 1_000_000_000, maxStore: 2 * 1024 ** 3, syncInterval: 'always' });
    expect(map('jetstream: disabled').options.jetstream.enabled).toBe(false);
    expect(map('store_dir: "/d"\njetstream: enabled').options.jetstream).toMatchObject({ enabled: true, storeDir: '/d' });
    expect(() => map('store_dir: "/d"\njetstream { store_dir: "/e" }')).toThrow(/Duplicate 'store_dir' configuration/);
    expect(() => map('jetstream { nope: 1 }')).toThrow(/unknown field "nope"/);
    const a = map('accounts { A: { jetstream: enabled }, B: { jetstream { max_mem: 1M, max_streams: 3, max_bytes_required: true } }, C: {} }').options.accounts;
    expect(a[0]!.jetstream).toMatchObject({ enabled: true, limits: { max_memory: -1, max_streams: -1 } });
    expect(a[1]!.jetstream).toMatchObject({ enabled: true, limits: { max_memory: 1_000_000, max_streams: 3, max_bytes_required: true } });
    expect(a[2]!.jetstream).toBeUndefined();
  });
});
