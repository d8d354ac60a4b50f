import { afterEach, describe, expect, it, vi } from 'vitest';
import { Account, applyAccountClaims, Responses, setExports, setImports, ExportImportError, type ExportDecl } from '../src/index.js';
import type { Import } from '@switchboard/nats-jwt';

function accounts(...names: string[]) {
  const map = new Map(names.map((n) => [n, new Account(n)]));
  return { map, get: (n: string) => map.get(n)!, resolve: (n: string) => map.get(n) };
}
const stream = (account: string, subject: string, extra: Partial<Import> = {}): Import => ({ type: 'stream', account, subject, ...extra });
const service = (account: string, subject: string, extra: Partial<Import> = {}): Import => ({ type: 'service', account, subject, ...extra });

describe('exports and imports', () => {
  it('public exports may be imported by anyone, under a wider or equal subject only', () => {
    const { get, resolve } = accounts('A', 'B');
    setExports(get('A'), [{ type: 'stream', subject: 'news.>' }]);
    setImports(get('B'), [stream('A', 'news.sport')], resolve);
    expect(get('B').streamImports).toHaveLength(1);
    expect(() => setImports(get('B'), [stream('A', '>')], resolve)).toThrow('Error adding stream import ">": stream import not authorized');
    expect(() => setImports(get('B'), [service('A', 'news.x')], resolve)).toThrow('service import not authorized');
  });

  it('a failed import leaves the earlier imports in place', () => {
    const { get, resolve } = accounts('A', 'B');
    setExports(get('A'), [{ type: 'stream', subject: 'x' }]);
    setImports(get('B'), [stream('A', 'x')], resolve);
    expect(() => setImports(get('B'), [stream('A', 'y')], resolve)).toThrow(ExportImportError);
    expect(get('B').streamImports.map((s) => s.from)).toEqual(['x']);
  });

  it('private exports: named accounts, token required, account token position', () => {
    const { get, resolve } = accounts('A', 'B', 'C');
    const exports: ExportDecl[] = [
      { type: 'service', subject: 'named', accounts: ['B'] },
      { type: 'service', subject: 'token', token_req: true },
      { type: 'stream', subject: 'per.*.x', account_token_position: 2 },
    ];
    setExports(get('A'), exports);
    setImports(get('B'), [service('A', 'named')], resolve);
    expect(() => setImports(get('C'), [service('A', 'named')], resolve)).toThrow('service import not authorized');
    expect(() => setImports(get('B'), [service('A', 'token')], resolve)).toThrow('service import not authorized');
    const seen: string[] = [];
    setImports(get('B'), [service('A', 'token', { token: 'jwt' })], resolve, (imp, exporter, importer) => {
      seen.push(`${importer.name}<-${exporter.name}:${imp.token}`);
      return true;
    });
    expect(seen).toEqual(['B<-A:jwt']);
    setImports(get('B'), [stream('A', 'per.B.x')], resolve);
    expect(() => setImports(get('C'), [stream('A', 'per.B.x')], resolve)).toThrow('stream import not authorized');
    // As nats-server: importing the wildcard subject itself never matches a token position.
    expect(() => setImports(get('B'), [stream('A', 'per.*.x')], resolve)).toThrow('stream import not authorized');
    expect(() => setExports(get('A'), [{ type: 'stream', subject: 'per.x', account_token_position: 2 }])).toThrow('invalid subject');
  });

  it('stream prefixes and mappings (JWT semantics: `to` is a prefix)', () => {
    const { get, resolve } = accounts('A', 'B');
    setExports(get('A'), [{ type: 'stream', subject: 'news.>' }]);
    setImports(get('B'), [stream('A', 'news.>', { to: 'a' }), stream('A', 'news.x', { local_subject: 'x.only' })], resolve);
    expect(get('B').streamImports.map((s) => s.to)).toEqual(['a.news.>', 'x.only']);
    expect(() => setImports(get('B'), [stream('A', 'news.>', { to: 'a.*' })], resolve)).toThrow('stream import prefix can not contain wildcard tokens');
    expect(() => setImports(get('B'), [stream('A', 'news.>'), stream('A', 'news.>', { to: 'b' })], resolve)).toThrow('stream import already exists');
  });

  it('service imports: local subject, remote subject, duplicates, response type from the export', () => {
    const { get, resolve } = accounts('A', 'B');
    setExports(get('A'), [{ type: 'service', subject: 'svc.>', response_type: 'Stream', response_threshold: 5e9 }]);
    setImports(get('B'), [service('A', 'svc.a', { local_subject: 'ask.a' }), service('A', 'svc.*', { local_subject: 'wild.*' })], resolve);
    const sl = get('B').serviceImports!;
    const [si] = sl.match('ask.a').psubs;
    expect(si!.remoteSubject('ask.a')).toBe('svc.a');
    expect(si!.exp.responseType).toBe('Stream');
    expect(si!.exp.responseThreshold).toBe(5000);
    expect(sl.match('wild.q').psubs[0]!.remoteSubject('wild.q')).toBe('svc.q');
    expect(() => setImports(get('B'), [service('A', 'svc.a'), service('A', 'svc.b', { to: 'x', local_subject: 'svc.a' })], resolve)).toThrow(
      /duplicate service import subject "svc.a"/,
    );
  });

  it('refuses service import cycles; unknown accounts are named', () => {
    const { get, resolve } = accounts('A', 'B');
    applyAccountClaims(get('A'), { exports: [{ type: 'service', subject: 'x.>' }] }, resolve);
    applyAccountClaims(get('B'), { exports: [{ type: 'service', subject: 'y.>' }] }, resolve);
    setImports(get('A'), [service('B', 'y.>', { local_subject: 'x.>' })], resolve);
    expect(() => setImports(get('B'), [service('A', 'x.>', { local_subject: 'y.>' })], resolve)).toThrow(
      'Error adding service import "x.>": import forms a cycle',
    );
    expect(() => setImports(get('B'), [service('Z', 'x')], resolve)).toThrow('"Z" account not defined for service import');
  });

  it('stream import cycles as nats-server sees them', () => {
    const { get, resolve } = accounts('A', 'B');
    setExports(get('A'), [{ type: 'stream', subject: 'x.>' }]);
    setExports(get('B'), [{ type: 'stream', subject: 'x.>' }]);
    setImports(get('A'), [stream('B', 'x.>')], resolve);
    expect(() => setImports(get('B'), [stream('A', 'x.>')], resolve)).toThrow('import forms a cycle');
  });
});

describe('Responses', () => {
  afterEach(() => vi.useRealTimers());

  it('maps replies under one _R_ prefix, looks them up, removes them', () => {
    const r = new Responses<string>();
    expect(r.prefix).toMatch(/^_R_\.[0-9A-Za-z]{6}\.$/);
    const exp = {
      subject: 's',
      auth: { tokenReq: false, approved: null, accountTokenPosition: 0 },
      responseType: 'Singleton' as const,
      responseThreshold: 1000,
    };
    const a = r.add('B', '_INBOX.1', exp, false);
    const b = r.add('B', '_INBOX.2', exp, false);
    expect(a.from).toMatch(/^_R_\.[0-9A-Za-z]{6}\.[0-9A-Za-z]{6}$/);
    expect(a.from).not.toBe(b.from);
    expect(r.lookup(a.from)).toBe(a);
    expect(r.lookup('_INBOX.1')).toBeNull();
    r.remove(a);
    expect(r.lookup(a.from)).toBeNull();
    expect(r.size).toBe(1);
    r.clear();
  });

  it('drops mappings idle past the export threshold', () => {
    vi.useFakeTimers();
    const r = new Responses<string>();
    const exp = { subject: 's', auth: { tokenReq: false, approved: null, accountTokenPosition: 0 }, responseType: 'Stream' as const, responseThreshold: 1000 };
    const a = r.add('B', 'reply', exp, false);
    vi.advanceTimersByTime(600);
    a.ts = Date.now(); // traffic keeps it alive
    vi.advanceTimersByTime(600);
    expect(r.lookup(a.from)).toBe(a);
    vi.advanceTimersByTime(2000);
    expect(r.lookup(a.from)).toBeNull();
    expect(r.size).toBe(0);
  });
});
