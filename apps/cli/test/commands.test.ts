// Every command, in-process, against the contract stand-in (contract-server.ts).
import { rmSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { decode, parseCreds } from '@switchboard/nats-jwt';
import { buildProgram } from '@switchboard/cli';
import { CONTRACT_TOKEN } from './contract-server.js';
import { cli, useContractServer } from './helpers.js';

const ctx = useContractServer();

const run = (args: string[], e = ctx.env, stdin = '') => cli(args, e, ctx.dir.path, stdin);

describe('login, logout, signup', () => {
  it('login checks the token, then stores URL and token 0600', async () => {
    const home = { HOME: ctx.dir.path };
    const r = await run(['login', '--api', ctx.server.url, '--token', CONTRACT_TOKEN], home);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/^logged in to http:\/\/127\.0\.0\.1:\d+ \(operator contract-op\)/);
    const path = join(ctx.dir.path, '.config/switchboard/config.json');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ api: ctx.server.url, token: CONTRACT_TOKEN });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    // the stored login is used without flags or environment
    expect((await run(['accounts', 'list', '--json'], home)).code).toBe(0);
    expect((await run(['logout'], home)).out).toMatch(/^logged out/);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ api: ctx.server.url });
    const after = await run(['accounts', 'list'], home);
    expect(after.code).toBe(2);
    expect(after.err).toMatch(/^error: not logged in/);
  });

  it('login reads the token from standard input with --token -', async () => {
    const r = await run(['login', '--api', ctx.server.url, '--token', '-'], { SWITCHBOARD_CONFIG: join(ctx.dir.path, 'c.json') }, CONTRACT_TOKEN + '\n');
    expect(r.code).toBe(0);
    expect(JSON.parse(await readFile(join(ctx.dir.path, 'c.json'), 'utf8')).token).toBe(CONTRACT_TOKEN);
  });

  it('login reads the token from --token-file (relative to where the command was typed), never from the command line', async () => {
    await writeFile(join(ctx.dir.path, 'admin-token'), CONTRACT_TOKEN + '\n', { mode: 0o600 });
    const config = { SWITCHBOARD_CONFIG: join(ctx.dir.path, 'c.json') };
    const r = await run(['login', '--api', ctx.server.url, '--token-file', 'admin-token'], config);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(await readFile(join(ctx.dir.path, 'c.json'), 'utf8')).token).toBe(CONTRACT_TOKEN);
    const missing = await run(['login', '--api', ctx.server.url, '--token-file', 'nope'], config);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(`error: --token-file: cannot read ${join(ctx.dir.path, 'nope')}: ENOENT\n`);
    const both = await run(['login', '--api', ctx.server.url, '--token-file', 'admin-token', '--token', 'x'], config);
    expect(both.code).toBe(2);
    expect(both.err).toBe('error: pass --token or --token-file, not both\n');
  });

  it('login with a bad token stores nothing and shows the server message', async () => {
    const r = await run(['login', '--api', ctx.server.url, '--token', 'wrong'], { HOME: ctx.dir.path });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: 401 Unauthorized: invalid or revoked token/);
    await expect(stat(join(ctx.dir.path, '.config/switchboard/config.json'))).rejects.toThrow();
  });

  it('signup sends no token, stores the new one and prints the tenant', async () => {
    const r = await run(['signup', '--api', ctx.server.url, '--email', 'a@example.com', '--org', 'Acme', '--json'], { HOME: ctx.dir.path });
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out);
    expect(body.tenant).toMatchObject({ name: 'Acme', email: 'a@example.com' });
    expect(body.token).toBe('signup-token-123');
    const req = ctx.server.requests.findLast((q) => q.url === '/v1/signup')!;
    expect(req.authorization).toBeUndefined();
    expect(JSON.parse(req.body)).toEqual({ email: 'a@example.com', organization: 'Acme' });
    expect(JSON.parse(await readFile(join(ctx.dir.path, '.config/switchboard/config.json'), 'utf8'))).toEqual({
      api: ctx.server.url,
      token: 'signup-token-123',
    });
    const human = await run(['signup', '--api', ctx.server.url, '--email', 'b@example.com', '--org', 'Beta'], { HOME: ctx.dir.path });
    expect(human.out).toMatch(/^api token +stored in .*config\.json$/m);
    expect(human.out).not.toContain('signup-token-123');
  });

  it('signup of a taken email fails with the server message and --no-save stores nothing', async () => {
    const r = await run(['signup', '--api', ctx.server.url, '--email', 'taken@example.com', '--org', 'X', '--no-save'], { HOME: ctx.dir.path });
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toBe('error: 409 Conflict: a tenant with this email already exists\n');
    const shown = await run(['signup', '--api', ctx.server.url, '--email', 'c@example.com', '--org', 'C', '--no-save'], { HOME: ctx.dir.path });
    expect(shown.out).toMatch(/^api token +signup-token-123$/m);
    await expect(stat(join(ctx.dir.path, '.config/switchboard/config.json'))).rejects.toThrow();
  });
});

describe('accounts', () => {
  it('lists every page as a table and as JSON', async () => {
    ctx.server.addAccount(`extra-${Date.now()}`);
    ctx.server.addAccount(`more-${Date.now()}`);
    const json = await run(['accounts', 'list', '--json']);
    const items = JSON.parse(json.out) as Array<{ name: string }>;
    expect(items.map((a) => a.name)).toEqual(ctx.server.accounts.map((a) => a.name));
    expect(items.length).toBeGreaterThan(ctx.server.pageSize);
    const table = await run(['accounts', 'list']);
    expect(table.out.split('\n')[0]).toMatch(/^ID +NAME +PUBLIC KEY +CREATED$/);
    expect(table.out.trim().split('\n')).toHaveLength(ctx.server.accounts.length + 1);
  });

  it('creates, shows by name, and reports a conflict', async () => {
    const name = `acct-${Date.now()}`;
    const created = JSON.parse((await run(['accounts', 'create', name, '--json'])).out);
    expect(created.name).toBe(name);
    const shown = await run(['accounts', 'show', name]);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`id          ${created.id}`);
    expect(shown.out).toMatch(/limits\n  conn  10\n  subs  1000/);
    const again = await run(['accounts', 'create', name]);
    expect(again.code).toBe(1);
    expect(again.err).toBe('error: 409 Conflict: already exists\n  {"fields":["name"]}\n');
  });

  it('a missing account by id is the server 404; by name a local not-found', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const r = await run(['accounts', 'show', id]);
    expect(r).toMatchObject({ code: 1, err: `error: 404 Not Found: account ${id} not found\n` });
    expect((await run(['accounts', 'show', 'nope'])).err).toBe('error: account "nope" not found\n');
  });
});

describe('users', () => {
  it('create sends only the public key and writes a 0600 .creds for it', async () => {
    const r = await run([
      'users',
      'create',
      'alice',
      '--account',
      'main',
      '--pub',
      'orders.>',
      '--pub',
      'x',
      '--deny-sub',
      'secret.>',
      '--expires',
      '24h',
      '--out',
      'alice.creds',
      '--json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.out);
    const req = ctx.server.requests.findLast((q) => q.method === 'POST' && q.url.endsWith('/users'))!;
    const body = JSON.parse(req.body);
    expect(body).toEqual({
      name: 'alice',
      publicKey: shown.publicKey,
      permissions: { pub: { allow: ['orders.>', 'x'] }, sub: { deny: ['secret.>'] } },
      expiresIn: '24h',
    });
    const path = join(ctx.dir.path, 'alice.creds');
    expect(shown.creds).toBe(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const creds = parseCreds(await readFile(path, 'utf8'));
    expect(decode(creds.jwt).claims.sub).toBe(shown.publicKey);
    // the seed went nowhere but the file
    for (const q of ctx.server.requests) expect(q.body + q.url).not.toContain(creds.seed);
    expect(r.out).not.toContain(creds.seed);
  });

  it('checks that --out can be written before creating the user (missing folder, a directory)', async () => {
    const before = ctx.server.requests.length;
    const noDir = await run(['users', 'create', 'carol', '--account', 'main', '--out', 'no/such/dir/carol.creds']);
    expect(noDir.code).toBe(1);
    expect(noDir.err).toBe(`error: cannot write ${join(ctx.dir.path, 'no/such/dir/carol.creds')}: ENOENT\n`);
    const isDir = await run(['users', 'create', 'carol', '--account', 'main', '--out', '.', '--force']);
    expect(isDir.code).toBe(1);
    expect(isDir.err).toBe(`error: ${ctx.dir.path} is a directory\n`);
    // nothing reached the ctx.server, and no probe file was left behind
    expect(ctx.server.requests.length).toBe(before);
    expect((await readdir(ctx.dir.path)).filter((f) => f.includes('probe'))).toEqual([]);
  });

  it('refuses to overwrite without --force, before creating anything', async () => {
    await writeFile(join(ctx.dir.path, 'bob.creds'), 'keep me');
    const before = ctx.server.requests.length;
    const r = await run(['users', 'create', 'bob', '--out', 'bob.creds']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`error: ${join(ctx.dir.path, 'bob.creds')} already exists: pass --force to overwrite it\n`);
    expect(ctx.server.requests.length).toBe(before);
    expect(await readFile(join(ctx.dir.path, 'bob.creds'), 'utf8')).toBe('keep me');
    const forced = await run(['users', 'create', 'bob', '--account', 'main', '--out', 'bob.creds', '--force']);
    expect(forced.code).toBe(0);
    expect(parseCreds(await readFile(join(ctx.dir.path, 'bob.creds'), 'utf8')).jwt).toBeTruthy();
    expect((await stat(join(ctx.dir.path, 'bob.creds'))).mode & 0o777).toBe(0o600);
  });

  it('says which user to revoke when the .creds cannot be written after the user was created', async () => {
    // The folder passes the check before the request, then disappears while the server creates the user.
    await mkdir(join(ctx.dir.path, 'no/such/dir'), { recursive: true });
    ctx.server.onUserCreate = () => rmSync(join(ctx.dir.path, 'no'), { recursive: true });
    const r = await run(['users', 'create', 'frank', '--account', 'main', '--out', 'no/such/dir/frank.creds']).finally(
      () => (ctx.server.onUserCreate = undefined),
    );
    expect(r.code).toBe(1);
    const created = ctx.server.users.get(ctx.server.accounts[0]!.id)!.find((u) => u.name === 'frank')!;
    expect(r.err).toBe(
      `error: cannot write ${join(ctx.dir.path, 'no/such/dir/frank.creds')}: ENOENT\n` +
        `user ${created.id} was created but its seed is lost: revoke it with \`switchboard users revoke ${created.id} --account ${ctx.server.accounts[0]!.id}\`\n`,
    );
  });

  it('asks for --account when there are several', async () => {
    ctx.server.addAccount(`second-${Date.now()}`);
    const r = await run(['users', 'create', 'carol', '--out', 'c.creds']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: you have \d+ accounts: choose one with --account <id\|name> \(main, /);
  });

  it('--out is required (usage error)', async () => {
    const r = await run(['users', 'create', 'dave']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/required option '--out <file>' not specified/);
  });

  it('lists and revokes by name', async () => {
    await run(['users', 'create', 'erin', '--account', 'main', '--out', 'erin.creds']);
    const list = JSON.parse((await run(['users', 'list', '--account', 'main', '--json'])).out) as Array<{ name: string; revokedAt: string | null }>;
    expect(list.find((u) => u.name === 'erin')?.revokedAt).toBeNull();
    const rev = await run(['users', 'revoke', 'erin', '--account', 'main']);
    expect(rev.code).toBe(0);
    expect(rev.out).toMatch(/^revoked user [0-9a-f-]{36} at \d{4}-/);
    const table = (await run(['users', 'list', '--account', 'main'])).out;
    expect(table.split('\n')[0]).toMatch(/^ID +NAME +PUBLIC KEY +EXPIRES +REVOKED$/);
    expect(table.split('\n').find((l) => l.includes(' erin '))).toMatch(/never +\d{4}-/);
  });
});

describe('exports and imports', () => {
  it('add, list and rm an export', async () => {
    const add = await run(['exports', 'add', '--account', 'main', '--subject', 'orders.>', '--type', 'stream', '--token-required', '--json']);
    expect(add.code).toBe(0);
    const e = JSON.parse(add.out);
    expect(JSON.parse(ctx.server.requests.at(-1)!.body)).toEqual({ name: 'orders.all', subject: 'orders.>', type: 'stream', tokenRequired: true });
    expect((await run(['exports', 'list', '--account', 'main'])).out).toMatch(/orders\.all +stream +orders\.> +yes/);
    const rm = await run(['exports', 'rm', e.id, '--account', 'main']);
    expect(rm).toMatchObject({ code: 0, out: `removed export ${e.id}\n` });
    expect(JSON.parse((await run(['exports', 'list', '--account', 'main', '--json'])).out)).toEqual([]);
  });

  it('activate prints only the token, for piping into imports add --activation', async () => {
    await run(['exports', 'add', '--account', 'main', '--subject', 'private.>', '--type', 'stream', '--token-required']);
    const r = await run(['exports', 'activate', 'private.all', '--account', 'main', '--importer', 'AIMPORTER', '--expires', '720h']);
    expect(r).toMatchObject({ code: 0, err: '', out: 'activation-for-AIMPORTER-720h\n' });
    expect(ctx.server.requests.at(-1)!.url).toMatch(/^\/v1\/accounts\/[0-9a-f-]{36}\/exports\/[0-9a-f-]{36}\/activations$/);
  });

  it('rejects a bad --type and --account-token-position as usage errors', async () => {
    const t = await run(['exports', 'add', '--subject', 'a', '--type', 'queue']);
    expect(t.code).toBe(2);
    expect(t.err).toMatch(/argument 'queue' is invalid. Allowed choices are stream, service/);
    const p = await run(['exports', 'add', '--account', 'main', '--subject', 'a.*', '--type', 'service', '--account-token-position', 'two']);
    expect(p).toMatchObject({ code: 2, err: 'error: --account-token-position must be a positive integer\n' });
  });

  it('add, list and rm an import by name', async () => {
    const from = ctx.server.operatorKey.getPublicKey().replace(/^O/, 'A');
    const add = await run([
      'imports',
      'add',
      '--account',
      'main',
      '--from',
      from,
      '--subject',
      'prices.>',
      '--local-subject',
      'ext.prices.>',
      '--type',
      'stream',
      '--name',
      'prices',
    ]);
    expect(add.code).toBe(0);
    expect(JSON.parse(ctx.server.requests.at(-1)!.body)).toEqual({
      name: 'prices',
      account: from,
      subject: 'prices.>',
      type: 'stream',
      localSubject: 'ext.prices.>',
    });
    expect((await run(['imports', 'list', '--account', 'main'])).out).toMatch(/prices +stream +prices\.> +ext\.prices\.> +A/);
    expect((await run(['imports', 'rm', 'prices', '--account', 'main'])).code).toBe(0);
    expect((await run(['imports', 'rm', 'prices', '--account', 'main'])).err).toBe('error: import "prices" not found\n');
  });
});

describe('usage errors', () => {
  it('unknown commands and flags exit 2 with a message', async () => {
    const cmd = await run(['acounts', 'list']);
    expect(cmd.code).toBe(2);
    expect(cmd.err).toMatch(/^error: unknown command 'acounts'\n\(Did you mean accounts\?\)/);
    const flag = await run(['users', 'list', '--jsn']);
    expect(flag.code).toBe(2);
    expect(flag.err).toMatch(/^error: unknown option '--jsn'\n\(Did you mean --json\?\)/);
    const extra = await run(['accounts', 'list', 'extra']);
    expect(extra.code).toBe(2);
    expect((await run(['users'])).code).toBe(2);
  });

  it('no command has an option that the global --api/--token would swallow', () => {
    const globals = new Set(['--api', '--token']);
    const clashes: string[] = [];
    const walk = (c: Command, path: string) => {
      for (const sub of c.commands) {
        for (const o of sub.options) if (o.long && globals.has(o.long)) clashes.push(`${path} ${sub.name()} ${o.long}`);
        walk(sub, `${path} ${sub.name()}`);
      }
    };
    const program = buildProgram({ out: () => {}, err: () => {}, env: {}, cwd: '/', readStdin: async () => '' });
    walk(program, 'switchboard');
    expect(program.commands.length).toBeGreaterThan(5);
    expect(clashes).toEqual([]);
  });

  it('--help and --version exit 0 on stdout', async () => {
    const h = await run(['exports', 'add', '--help']);
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/^Usage: switchboard exports add \[options\]/);
    expect((await run(['--version'])).out).toBe('0.1.0\n');
  });
});
