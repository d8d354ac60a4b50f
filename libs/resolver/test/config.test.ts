import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '@switchboard/config';
import { decode, type OperatorClaims } from '@switchboard/nats-jwt';
import { createResolver, parseResolverConfig, DirResolver, MemoryResolver, UrlResolver } from '../src/index.js';
import { NATS_SERVER_BIN } from '@switchboard/testing';
import { createAccount, makeOperator, tempDir } from './helpers.js';

const op = makeOperator();
const acct = createAccount();
const key = acct.getPublicKey();
const jwt = op.issue(acct);
const tmp = tempDir();
afterAll(() => tmp.remove());

const parse = (text: string, opts: Parameters<typeof parseResolverConfig>[1] = {}) => parseResolverConfig(parseConfig(text), opts);

/** The reason nats-server 2.9 gives for a config (`-t` checks it and exits), or undefined when it accepts it. */
function natsServerReason(text: string): string | undefined {
  const file = join(tmp.dir, `t${Math.random().toString(36).slice(2)}.conf`);
  writeFileSync(file, text);
  const r = spawnSync(NATS_SERVER_BIN, ['-t', '-c', file], { encoding: 'utf8', timeout: 10_000 });
  if (r.status === 0) return undefined;
  const m = /^nats-server: (?:[^:]*:\d+:\d+: )?(.*)$/m.exec(r.stderr + r.stdout);
  return m?.[1]?.trim() ?? r.stderr + r.stdout;
}

function ourReason(text: string): string | undefined {
  try {
    parse(text);
    return undefined;
  } catch (e) {
    if (e instanceof ConfigError) return e.reason;
    throw e;
  }
}

describe('parseResolverConfig: accepted forms', () => {
  it('MEMORY, MEM, any case, with resolver_preload', () => {
    for (const v of ['MEMORY', 'MEM', 'mem', ' Memory ']) {
      const r = parse(`resolver: "${v}"\nresolver_preload { ${key}: "${jwt}" }`);
      expect(r.resolver).toEqual({ type: 'MEMORY', preload: { [key]: jwt } });
      expect(r.warnings).toEqual([]);
    }
    expect(parse('account_resolver: MEMORY').resolver?.type).toBe('MEMORY');
    expect(parse('ACCOUNTS_RESOLVER: MEMORY').resolver?.type).toBe('MEMORY');
  });

  it('URL(...) with and without quotes inside, plus the Switchboard resolver_cache_dir', () => {
    for (const text of [
      'resolver: URL(http://127.0.0.1:9090/jwt/v1/accounts/)',
      'resolver: "URL(\\"http://127.0.0.1:9090/jwt/v1/accounts/\\")"',
      'resolver: "url( http://127.0.0.1:9090/jwt/v1/accounts/ )"',
    ]) {
      expect(parse(text).resolver, text).toEqual({ type: 'URL', url: 'http://127.0.0.1:9090/jwt/v1/accounts/', cacheDir: undefined });
    }
    const r = parse('resolver: URL(https://cp.example/jwt/v1/accounts/)\nresolver_cache_dir: "/var/lib/switchboard/accounts"');
    expect(r.resolver).toEqual({ type: 'URL', url: 'https://cp.example/jwt/v1/accounts/', cacheDir: '/var/lib/switchboard/accounts' });
    expect(r.warnings).toEqual([]);
    expect(parse('resolver: URL(http://h/)', { defaultCacheDir: '/data/resolver' }).resolver).toMatchObject({ cacheDir: '/data/resolver' });
    expect(parse('resolver: URL(http://h/)').warnings[0]).toMatch(/kept in memory only/);
  });

  it('the map form: full and cache directories', () => {
    const dir = join(tmp.dir, 'jwt');
    expect(parse(`resolver { type: full, dir: "${dir}", allow_delete: false, interval: "2m", timeout: "1.9s" }`).resolver).toEqual({
      type: 'FULL',
      dir,
      preload: {},
    });
    const c = parse(`resolver { type: CACHE, dir: "${dir}", ttl: "1h", limit: 100 }\nresolver_preload { ${key}: "${jwt}" }`);
    expect(c.resolver).toEqual({ type: 'CACHE', dir, preload: { [key]: jwt } });
    expect(c.warnings[0]).toMatch(/not applied/);
  });

  it("without a resolver, the single operator's account_server_url + /accounts (as nats-server)", () => {
    const claims = (url?: string) => {
      const o = makeOperator(url === undefined ? {} : { accountServerUrl: url });
      return decode(o.jwt).claims as OperatorClaims;
    };
    expect(parse('', { operators: [claims('http://cp.example:8080/jwt/v1')] }).resolver).toEqual({
      type: 'URL',
      url: 'http://cp.example:8080/jwt/v1/accounts',
      cacheDir: undefined,
    });
    expect(() => parse('', { operators: [claims()] })).toThrow('operators require an account resolver to be configured');
    expect(parse('resolver: MEM', { operators: [claims('http://x/')] }).resolver?.type).toBe('MEMORY');
    expect(parse('').resolver).toBeUndefined();
  });
});

describe('parseResolverConfig: refusals, with nats-server 2.9 texts', () => {
  const dir = join(tmp.dir, 'd');
  const cases = [
    'resolver: FOO',
    'resolver: 5',
    'resolver: true',
    'resolver { type: full }',
    `resolver { type: full, dir: "${dir}", ttl: "1m" }`,
    `resolver { type: cache, dir: "${dir}", interval: "1m" }`,
    `resolver { type: cache, dir: "${dir}", allow_delete: true }`,
    `resolver { type: other, dir: "${dir}" }`,
    `resolver { type: full, dir: "${dir}", ttl: "soon" }`,
    'resolver_preload: 5',
    'resolver_preload { ABC: 5 }',
    'resolver_preload { ABC: "xyz" }',
    `resolver: MEM\nresolver_preload { ${key}: "${op.jwt}" }`,
  ];
  for (const text of cases) {
    it(JSON.stringify(text.slice(0, 70)), () => {
      const ours = ourReason(text);
      expect(ours).toBeDefined();
      expect(ours).toBe(natsServerReason(text));
    });
  }

  it('a path that is not a directory', () => {
    const file = join(tmp.dir, 'plain');
    writeFileSync(file, 'x');
    const text = `resolver { type: full, dir: "${file}" }`;
    expect(ourReason(text)).toBe('dir needs to point to an accessible directory');
    expect(natsServerReason(text)).toBe('dir needs to point to an accessible directory');
  });

  it('URL with preloads (nats-server refuses at startup with this text)', () => {
    expect(ourReason(`resolver: URL(http://h/)\nresolver_preload { ${key}: "${jwt}" }`)).toBe(
      'resolver preloads only available for writeable resolver types MEM/DIR/CACHE_DIR',
    );
    expect(ourReason('resolver: URL(http://h/)\nresolver_preload { }')).toBeUndefined();
  });

  it('stricter than nats-server where it only fails later', () => {
    expect(ourReason('resolver: "URL()"')).toMatch(/error parsing account resolver/);
    expect(ourReason('resolver: "URL(ftp://x/)"')).toMatch(/must be http or https/);
    expect(ourReason('resolver: "URL(http://member.example/)x"')).toMatch(/error parsing account resolver/);
    // nats-server's unanchored MEM pattern would take this for a memory resolver.
    expect(parse('resolver: URL(http://memory.example/)').resolver?.type).toBe('URL');
    expect(ourReason('resolver_tls { ca_file: "x" }')).toMatch(/resolver_tls: not supported/);
    expect(ourReason('resolver_cache_dir: 5')).toMatch(/resolver_cache_dir/);
  });
});

describe('createResolver', () => {
  it('builds the resolver a config describes', async () => {
    const mem = createResolver(parse(`resolver: MEM\nresolver_preload { ${key}: "${jwt}" }`).resolver!, { trust: op.trust });
    expect(mem).toBeInstanceOf(MemoryResolver);
    expect(await mem.fetch(key)).toBe(jwt);
    const url = createResolver(parse('resolver: URL(http://127.0.0.1:1/a)').resolver!, { trust: op.trust, url: { timeoutMs: 500 } });
    expect(url).toBeInstanceOf(UrlResolver);
    expect((url as UrlResolver).base).toBe('http://127.0.0.1:1/a/');
    const d = createResolver(parse(`resolver { type: cache, dir: "${join(tmp.dir, 'c')}" }`).resolver!, { trust: op.trust });
    expect(d).toBeInstanceOf(DirResolver);
    expect(d.kind).toBe('CACHE');
    for (const r of [mem, url, d]) await r.close();
  });
});
