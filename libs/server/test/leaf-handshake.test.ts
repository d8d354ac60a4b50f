import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromPublic } from '@nats-io/nkeys';
import { formatCreds } from '@switchboard/nats-jwt';
import { afterAll, describe, expect, it } from 'vitest';
import { makeOperator } from '@switchboard/testing';
import { authenticateLeaf } from '../src/leaf-auth.js';
import { leafConnectInfoJson, leafConnectJson, leafInfoJson, parseHubInfo, parseLeafConnect, signWithCredentials } from '../src/leaf-handshake.js';
import { defaultLeafNodeOptions, makeRemote } from '../src/leaf-options.js';
import { LeafRemote, parseLeafUrl, type DialResult, type LeafUrl } from '../src/leaf-remote.js';
import { OpenAuthenticator, SimpleAuthenticator } from '../src/auth.js';
import { makeOptions } from '../src/options.js';
import { silentLogger } from '../src/log.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-leafhs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = {
  serverId: 'NSERVER',
  serverName: 'hub',
  host: '10.0.0.1',
  port: 7422,
  tlsRequired: false,
  tlsVerify: false,
  maxPayload: 1048576,
  cluster: '',
  leafnodeUrls: ['10.0.0.1:7422'],
};

describe('leaf handshake JSON', () => {
  it("writes the hub's first INFO in nats-server's field order", () => {
    const info = JSON.parse(leafInfoJson(base, 4, 'nonce123'));
    expect(Object.keys(info)).toEqual([
      'server_id',
      'server_name',
      'version',
      'proto',
      'go',
      'host',
      'port',
      'headers',
      'auth_required',
      'max_payload',
      'ip',
      'client_id',
      'nonce',
      'info_on_connect',
      'leafnode_urls',
    ]);
    expect(info).toMatchObject({ auth_required: true, ip: '10.0.0.1:7422', client_id: 4, nonce: 'nonce123', info_on_connect: true });
  });

  it('answers CONNECT with connect_info, the bound account and the permissions to apply', () => {
    const info = JSON.parse(leafConnectInfoJson(base, 4, 'ACC', { allow: ['in.>'] }, { deny: ['secret'] }));
    expect(Object.keys(info).slice(11)).toEqual(['client_id', 'import', 'export', 'info_on_connect', 'connect_info', 'leafnode_urls', 'remote_account']);
    expect(info).toMatchObject({ import: { allow: ['in.>'] }, export: { deny: ['secret'] }, connect_info: true, remote_account: 'ACC' });
    expect(info.nonce).toBeUndefined();
  });

  it('writes the leaf CONNECT as nats-server (omitempty fields left out) and reads it back', () => {
    const json = leafConnectJson({
      version: '2.9.10',
      jwt: '',
      sig: '',
      user: '',
      pass: '',
      tlsRequired: false,
      serverId: 'NLEAF',
      domain: '',
      name: 'leaf',
      isHub: false,
      cluster: 'leaf',
      headers: true,
      jetstream: false,
      denyPub: [],
    });
    // The bytes nats-server 2.9.10 sends (captured), ids aside.
    expect(json).toBe('{"version":"2.9.10","tls_required":false,"server_id":"NLEAF","name":"leaf","cluster":"leaf","headers":true}');
    expect(parseLeafConnect(json)).toMatchObject({ serverId: 'NLEAF', name: 'leaf', cluster: 'leaf', headers: true, lang: '', denyPub: [] });
    expect(parseLeafConnect('{"deny_pub":["a",5],"is_hub":true,"lang":"go"}')).toMatchObject({ denyPub: ['a'], isHub: true, lang: 'go' });
    expect(parseLeafConnect('nope')).toBeNull();
    expect(parseLeafConnect('[1]')).toBeNull();
  });

  it("reads a hub's INFO (unknown fields ignored, wrong types as absent)", () => {
    const h = parseHubInfo(leafConnectInfoJson(base, 9, 'A', null, { allow: ['x'] }).replace('"proto":1', '"proto":1,"extra":{"a":1}'));
    expect(h).toMatchObject({ cid: 9, connectInfo: true, remoteAccount: 'A', exports: { allow: ['x'] }, imports: null, leafnodeUrls: ['10.0.0.1:7422'] });
    expect(parseHubInfo('{"client_id":"x","leafnode_urls":5}')).toMatchObject({ cid: 0, leafnodeUrls: null });
    expect(parseHubInfo('}')).toBeNull();
  });

  it('signs the nonce with the seed of a credentials file', async () => {
    const op = await makeOperator();
    const user = op.users.a.key;
    const jwt = op.users.a.jwt;
    const file = join(dir, 'leaf.creds');
    writeFileSync(file, formatCreds(jwt, new TextDecoder().decode(user.getSeed())));
    const r = signWithCredentials(file, 'abcNONCE');
    expect(r.jwt).toBe(jwt);
    expect(fromPublic(user.getPublicKey()).verify(new TextEncoder().encode('abcNONCE'), Buffer.from(r.sig, 'base64url'))).toBe(true);
    writeFileSync(file, 'garbage');
    expect(() => signWithCredentials(file, 'n')).toThrow();
  });
});

describe('accepting a leaf: who it is', () => {
  const conn = { ip: '127.0.0.1', describe: () => 'test' };
  const lc = (p: Partial<ReturnType<typeof parseLeafConnect> & object>) => ({ ...parseLeafConnect('{}')!, ...p });

  it('the leafnodes authorization user binds to its account', () => {
    const ln = { ...defaultLeafNodeOptions(), username: 'leaf', password: 'pw', account: 'A' };
    expect(authenticateLeaf(ln, new OpenAuthenticator(), lc({ user: 'leaf', pass: 'pw' }), '', conn)).toMatchObject({ account: 'A', user: 'leaf' });
    expect(authenticateLeaf(ln, new OpenAuthenticator(), lc({ user: 'leaf', pass: 'no' }), '', conn)).toBeNull();
    expect(authenticateLeaf(ln, new OpenAuthenticator(), lc({}), '', conn)).toBeNull();
  });

  it('leafnodes users each bind to their own account (global when none)', () => {
    const ln = {
      ...defaultLeafNodeOptions(),
      users: [
        { user: 'a', password: '1', account: 'A' },
        { user: 'g', password: '2', account: '' },
      ],
    };
    expect(authenticateLeaf(ln, new OpenAuthenticator(), lc({ user: 'a', pass: '1' }), '', conn)).toMatchObject({ account: 'A' });
    expect(authenticateLeaf(ln, new OpenAuthenticator(), lc({ user: 'g', pass: '2' }), '', conn)).toMatchObject({ account: '$G' });
    expect(authenticateLeaf(ln, new OpenAuthenticator(), lc({ user: 'x', pass: '1' }), '', conn)).toBeNull();
  });

  it("without leaf users: the server's users (with their permissions), or the leaf account for a bare leaf", () => {
    const auth = new SimpleAuthenticator(makeOptions({ users: [{ user: 'u', password: 'p', account: 'B', permissions: { publish: { allow: ['x'] } } }] }));
    const ln = { ...defaultLeafNodeOptions(), account: 'L' };
    const r = authenticateLeaf(ln, auth, lc({ user: 'u', pass: 'p' }), '', conn);
    expect(r).toMatchObject({ account: 'B', user: 'u' });
    expect((r as { permissions: { canPublish(s: string): boolean } }).permissions.canPublish('y')).toBe(false);
    expect(authenticateLeaf(ln, auth, lc({ user: 'u', pass: 'bad' }), '', conn)).toBeNull();
    expect(authenticateLeaf(ln, auth, lc({}), '', conn)).toMatchObject({ account: 'L' });
    expect(authenticateLeaf(ln, new OpenAuthenticator(), lc({}), '', conn)).toMatchObject({ account: 'L' });
  });
});

describe('LeafRemote: the connect loop of one remote', () => {
  it('reads URLs (default port 7422, tls://, user:pass redacted)', () => {
    expect(parseLeafUrl('nats-leaf://hub')).toMatchObject({ host: 'hub', port: 7422, tls: false });
    expect(parseLeafUrl('tls://u:p%40ss@[::1]:7000')).toMatchObject({
      host: '::1',
      port: 7000,
      tls: true,
      user: 'u',
      pass: 'p@ss',
      redacted: 'tls://u:xxxxx@[::1]:7000',
    });
    expect(parseLeafUrl('127.0.0.1:7001')).toMatchObject({ host: '127.0.0.1', port: 7001 });
    expect(parseLeafUrl('nats-leaf://')).toBeNull();
  });

  it('retries every reconnect interval while the hub is away, rotating through the URLs, and waits the delay set after a refusal', async () => {
    const tried: string[] = [];
    const times: number[] = [];
    let fail = 4;
    let connected: () => void = () => {};
    const up = new Promise<void>((r) => (connected = r));
    const remote = new LeafRemote(
      makeRemote({ urls: ['nats-leaf://a:1', 'nats-leaf://b:2'], noRandomize: true }),
      20,
      (u: LeafUrl): Promise<DialResult> => {
        tried.push(u.host);
        times.push(performance.now());
        if (fail-- > 0) return Promise.resolve({ ok: false, error: 'connection refused' });
        connected();
        return Promise.resolve({ ok: true });
      },
      silentLogger,
    );
    remote.start();
    await up;
    expect(tried).toEqual(['a', 'b', 'a', 'b', 'a']);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(15);
    // The hub refused us (e.g. a loop): the next attempt waits the longer delay.
    const again = new Promise<number>((r) => {
      fail = 0;
      connected = () => r(performance.now());
    });
    remote.setConnectDelay(120);
    const t0 = performance.now();
    remote.disconnected();
    expect((await again) - t0).toBeGreaterThanOrEqual(110);
    remote.stop();
  });

  it("puts the hub's gossiped URLs first, without repeating configured ones", async () => {
    const seen: string[] = [];
    let done: () => void = () => {};
    const finished = new Promise<void>((r) => (done = r));
    const remote = new LeafRemote(
      makeRemote({ urls: ['nats-leaf://a:1'] }),
      5,
      (u) => {
        seen.push(`${u.host}:${u.port}`);
        if (seen.length === 3) done();
        return Promise.resolve(seen.length === 1 ? { ok: true } : { ok: false, error: 'x' });
      },
      silentLogger,
    );
    remote.start();
    await new Promise((r) => setTimeout(r, 10));
    remote.updateUrls(['a:1', 'c:3']);
    remote.disconnected();
    await finished;
    remote.stop();
    expect(seen).toEqual(['a:1', 'c:3', 'a:1']);
  });
});
